"""Faults injected into a request: the database gone right after the request's commit."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import has_request_context
from sqlalchemy import event

from forum.database import db


class DatabaseGone(Exception):
    pass


@contextmanager
def database_gone_after_the_commit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every statement after a commit inside a request fails, as if the database went away
    the moment after: whatever the request answers then, it answers without the database."""

    def refuse(*args, **kwargs):
        raise DatabaseGone("the database went away after the commit")

    commit = db.session.commit

    def committed(*args, **kwargs):
        result = commit(*args, **kwargs)
        if has_request_context():  # not the test client ending the test's own transaction
            event.listen(db.engine, "before_cursor_execute", refuse)
        return result

    monkeypatch.setattr(db.session, "commit", committed)
    try:
        yield
    finally:
        if event.contains(db.engine, "before_cursor_execute", refuse):
            event.remove(db.engine, "before_cursor_execute", refuse)
        monkeypatch.setattr(db.session, "commit", commit)
