"""Fixtures every test may use: a forum app on a fresh database of its own, an isolated test
client, and a few members and settings that many tests share.

The database is SQLite unless TEST_DATABASE_URL names a PostgreSQL server, and rate limits are
kept in memory unless TEST_REDIS_URL names a Redis database: see support/config.py, which also
keeps the worker processes of pytest-xdist apart.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event
from support.clients import IsolatedClient, device
from support.config import REDIS_URL, TEST_DATABASE_URL, forum_config
from support.content import unpace
from support.databases import (
    copy_sqlite_template,
    create_postgresql_schema,
    create_sqlite_template,
    drop_postgresql_schema,
    empty_postgresql_tables,
)
from support.members import make_member
from support.moderation import ANOTHER, AUTHOR, MODERATOR, READER
from support.templates import COMPILED_TEMPLATES

from forum import create_app
from forum.database import db
from forum.models import Role, User


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """The migrated database of this process: a SQLite file to copy, or a PostgreSQL URL."""
    if TEST_DATABASE_URL:
        yield create_postgresql_schema()
        drop_postgresql_schema()
    else:
        yield str(create_sqlite_template(tmp_path_factory.mktemp("template")))


@pytest.fixture
def database_uri(database_template: str, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        empty_postgresql_tables(database_template)
        return database_template
    return copy_sqlite_template(Path(database_template), tmp_path)


@pytest.fixture
def app(database_uri: str) -> Iterator[Flask]:
    if REDIS_URL:
        # Each test starts with no rate-limit counts (the limiter is one object for every app
        # of the run, so a key prefix alone would not keep tests apart). The database is this
        # process's own, so no other worker's counts are lost.
        redis.Redis.from_url(REDIS_URL).flushdb()
    app = create_app(forum_config(database_uri))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A guest's device; each request runs in an app context of its own, as in production."""
    return device(app)


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    """The `forum` command, run against the test's app."""
    return app.test_cli_runner()


@pytest.fixture
def unpaced(app: Flask) -> None:
    """No pause between posts, no first-day cap: for tests that post often and aren't about
    the pace (posting/test_posting_limits.py is)."""
    unpace(app)


@pytest.fixture
def wren(app: Flask) -> User:
    """Wren, a member for a month (past a new account's first-day limits), who can log in
    with the usual password."""
    return make_member("Wren", days_old=30)


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    """Members of a month who write, read and answer (Hazel, Sorrel, Bracken) and a moderator
    (Cedar), with the pace off: the safety, privacy and unanswered-stories tests' cast."""
    unpace(app)
    return {
        "writer": make_member(AUTHOR, days_old=30),
        "reader": make_member(READER, days_old=30),
        "another": make_member(ANOTHER, days_old=30),
        "moderator": make_member(MODERATOR, Role.MODERATOR, days_old=90),
    }


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as statements:` collects the SQL run inside the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
