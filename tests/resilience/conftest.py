"""Servers that fail on purpose: a throwaway PostgreSQL and a throwaway Redis (see
support/throwaway.py), and forum apps that use them, configured as in production (an error
is answered with the error page, not raised into the test).

The PostgreSQL server is made and migrated once per test process; a test may stop, freeze or
restart it, and it is answering again before the next test. Each test that wants Redis gets a
server of its own.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from flask import Flask
from sqlalchemy import delete
from support.clients import IsolatedClient
from support.config import forum_config
from support.databases import migrate
from support.throwaway import (
    ThrowawayPostgreSQL,
    ThrowawayRedis,
    why_no_postgresql,
    why_no_redis,
)

from forum import create_app
from forum.config import with_driver
from forum.database import db
from forum.extensions import limiter


def forum_app(database_uri: str, **settings) -> Flask:
    """A forum on `database_uri`, with `settings` over the suite's, answering errors as in
    production: with the error page, not by raising them into the test."""
    app = create_app({**forum_config(database_uri), "PROPAGATE_EXCEPTIONS": False, **settings})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(autouse=True)
def limiter_put_back() -> Iterator[None]:
    """The rate limiter is one object for every app of the process (support/apps.py), and an
    app built here points it at a Redis that a test then stops or freezes, and leaves it
    counting in its memory fallback. Put it back as it was for the tests that come next."""
    as_it_was = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(as_it_was)


@pytest.fixture(scope="session")
def postgresql() -> Iterator[ThrowawayPostgreSQL]:
    """This process's own PostgreSQL server, migrated."""
    reason = why_no_postgresql()
    if reason:
        pytest.skip(reason)
    server = ThrowawayPostgreSQL()
    try:
        server.start()
        server.create_database()
        migrate(with_driver(server.url))
        yield server
    finally:
        server.remove()


@pytest.fixture
def database(postgresql: ThrowawayPostgreSQL) -> Iterator[ThrowawayPostgreSQL]:
    """The throwaway PostgreSQL, answering; answering again after the test, whatever the test
    did to it."""
    yield postgresql
    postgresql.thaw()
    if not postgresql.running():
        postgresql.start()


@pytest.fixture
def forum_on_postgresql(database: ThrowawayPostgreSQL) -> Iterator[Callable[..., Flask]]:
    """Makes a forum on the throwaway PostgreSQL, emptied, with `settings` over the suite's;
    its context stays pushed until the test ends."""
    with ExitStack() as contexts:

        def make(**settings) -> Flask:
            app = forum_app(with_driver(database.url), **settings)
            contexts.enter_context(app.app_context())
            contexts.callback(db.engine.dispose)
            contexts.callback(db.session.remove)
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()
            return app

        yield make


@pytest.fixture
def forum(forum_on_postgresql: Callable[..., Flask]) -> Flask:
    """The forum on the throwaway PostgreSQL, with the suite's settings."""
    return forum_on_postgresql()


@pytest.fixture
def redis(tmp_path) -> Iterator[ThrowawayRedis]:
    reason = why_no_redis()
    if reason:
        pytest.skip(reason)
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def forum_with_redis(app: Flask, database_uri: str, redis: ThrowawayRedis) -> Iterator[Flask]:
    """The forum on the suite's database (emptied by `app`), keeping its rate limits in the
    throwaway Redis, as several app servers do."""
    forum = forum_app(database_uri, RATELIMIT_STORAGE_URI=redis.url)
    with forum.app_context():
        yield forum
        db.session.remove()
        db.engine.dispose()
