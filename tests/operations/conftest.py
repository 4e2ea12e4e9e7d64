"""A second forum, on a database of its own, to restore backups into: of the kind the suite
runs on (a SQLite file, or, on PostgreSQL, this process's schema in a second database)."""

from collections.abc import Iterator

import pytest
from flask import Flask
from support.apps import build_app
from support.config import TEST_DATABASE_URL
from support.databases import drop_second_schema, second_postgresql_database

from forum.database import db


@pytest.fixture
def elsewhere(app: Flask, tmp_path) -> Iterator[Flask]:
    """A forum on an empty database (not even migrated), beside the test's `app`, whose
    context stays pushed: use `with elsewhere.app_context()` to look inside."""
    if TEST_DATABASE_URL:
        url = second_postgresql_database()
    else:
        url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    second = build_app(url)
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE_URL:
        drop_second_schema(url)
