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
    """Every statement after a commit that wrote, inside a request, fails, as if the database
    went away the moment after: whatever the request answers then, it answers without the
    database. (A commit that wrote nothing, as before slow work, leaves it be.)"""
    wrote = False

    def refuse(*args, **kwargs):
        raise DatabaseGone("the database went away after the commit")

    def watch(conn, cursor, statement: str, *args, **kwargs) -> None:
        nonlocal wrote
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            wrote = True

    commit = db.session.commit

    def committed(*args, **kwargs):
        nonlocal wrote
        result = commit(*args, **kwargs)
        # Not the test client ending the test's own transaction.
        if has_request_context() and wrote:
            event.listen(db.engine, "before_cursor_execute", refuse)
        wrote = False
        return result

    event.listen(db.engine, "before_cursor_execute", watch)
    monkeypatch.setattr(db.session, "commit", committed)
    try:
        yield
    finally:
        for listener in (refuse, watch):
            if event.contains(db.engine, "before_cursor_execute", listener):
                event.remove(db.engine, "before_cursor_execute", listener)
        monkeypatch.setattr(db.session, "commit", commit)
