"""Fixtures: a forum app on a fresh database for each test.

SQLite by default: the schema is built once by the migrations into a template file, and each
test gets its own copy. With TEST_DATABASE_URL set (PostgreSQL), the migrations build a clean
schema once per run and each test starts from empty tables.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from forum import create_app
from forum.config import with_driver
from forum.database import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# Rate limits in Redis, as a deployment of several app servers keeps them; memory otherwise.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()


def forum_config(database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://",
        # Each app counts its own requests, so one test's limits never leak into another's.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "SITE_NAME": "Test Forum",
        # Hashing at production cost takes about a second a password here and proves nothing
        # more; tests/test_passwords.py checks production keeps argon2's defaults.
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        # Off unless a test is about it: most tests need a new member's post seen at once.
        "FIRST_POSTS_NEED_APPROVAL": 0,
    }


def _migrate(database_uri: str) -> None:
    app = create_app(forum_config(database_uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database for the session: a SQLite file to copy, or a PostgreSQL URL."""
    if TEST_DATABASE_URL:
        url = with_driver(TEST_DATABASE_URL)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    template = tmp_path_factory.mktemp("template") / "forum.db"
    _migrate(f"sqlite:///{template}")
    return str(template)


@pytest.fixture
def database_uri(database_template: str, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        engine = create_engine(database_template)
        with engine.begin() as connection:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return database_template
    copy = tmp_path / "forum.db"
    shutil.copyfile(database_template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app(database_uri: str) -> Iterator[Flask]:
    if TEST_REDIS_URL:
        # Each test starts with no rate-limit counts (the limiter is one object for every app
        # of the run, so a key prefix alone would not keep tests apart).
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    app = create_app(forum_config(database_uri))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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
