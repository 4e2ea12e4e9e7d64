"""Fixtures every test may use: the forum app, as new for each test, on an emptied database, an
isolated test client, and a few members and settings that many tests share.

The database is SQLite unless TEST_DATABASE_URL names a PostgreSQL server, and rate limits are
kept in memory unless TEST_REDIS_URL names a Redis database: see support/config.py, which also
keeps the worker processes of pytest-xdist apart.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event
from support.apps import ReusedApp, build_app, forget_rate_limits
from support.clients import device
from support.config import TEST_DATABASE_URL
from support.content import unpace
from support.databases import (
    create_postgresql_schema,
    create_sqlite_template,
    drop_postgresql_schema,
    empty_database,
    restore_sqlite,
)
from support.members import make_member
from support.moderation import ANOTHER, AUTHOR, MODERATOR, READER

from forum.database import db
from forum.models import Role, User


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """The migrated database of this process: a SQLite file to restore from, or a PostgreSQL URL."""
    if TEST_DATABASE_URL:
        yield create_postgresql_schema()
        drop_postgresql_schema()
    else:
        yield str(create_sqlite_template(tmp_path_factory.mktemp("template")))


@pytest.fixture(scope="session")
def database_uri(database_template: str, tmp_path_factory) -> str:
    """The database the tests of this process work in, emptied before each test: on SQLite a
    file of its own, on PostgreSQL the process's schema."""
    if TEST_DATABASE_URL:
        return database_template
    database = tmp_path_factory.mktemp("database") / "forum.db"
    restore_sqlite(Path(database_template), database)
    return f"sqlite:///{database}"


@pytest.fixture(scope="session")
def reused_app(database_uri: str) -> ReusedApp:
    return ReusedApp(database_uri)


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    reused_app: ReusedApp,
    database_template: str,
    database_uri: str,
) -> Iterator[Flask]:
    """The forum as new: an empty database, the configuration as built, no rate-limit counts
    (see support/apps.py). Tests marked `own_app` get an app built for them alone."""
    empty_database(database_template, database_uri)
    forget_rate_limits()
    if request.node.get_closest_marker("own_app"):
        app = build_app(database_uri)
    else:
        app = reused_app.as_built()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    reused_app.check_unchanged()


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
