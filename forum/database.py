"""The SQLAlchemy base, column types and engine settings shared by every model."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, DateTime, Engine, MetaData, event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and always read back timezone-aware.

    SQLite keeps no time zone, PostgreSQL would convert; storing naive UTC behaves the same on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# The execution option of a connection opened to write while a page is read (`note_apart`).
_WRITES = "forum_writes"


def _request_may_write() -> bool:
    """Reading pages may share the database; anything else (a form, a CLI command) may write."""
    return not (has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"))


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, and `BEGIN IMMEDIATE` for transactions that may write.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer holds the lock, whatever the busy timeout; taking the write lock at
    BEGIN makes writers queue instead.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Let us issue BEGIN ourselves instead of pysqlite's implicit, deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "busy_timeout=5000",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        writes = connection.get_execution_options().get(_WRITES) or _request_may_write()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@contextmanager
def note_apart() -> Iterator[Connection]:
    """A short write transaction of its own, on a connection apart from the request's, for a
    page read that notes something small (a sign-in's last use, a member's place in a thread).

    The request's own transaction only reads (on SQLite it began deferred, and would fail to
    write once another connection has written since its first read); this one is opened as
    every transaction that may write is, `BEGIN IMMEDIATE` on SQLite, so that it queues behind
    other writers for the busy timeout instead of failing. It commits when the block ends. The
    caller keeps it to a statement or two, and catches `OperationalError`: a note that can't be
    made now must never cost the reader their page.
    """
    with db.engine.connect() as connection:
        connection.execution_options(**{_WRITES: True})
        with connection.begin():
            yield connection


def end_transaction() -> None:
    """Commit now, before slow work (checking a password, rendering a preview) that needs no
    database: on SQLite a request that may write holds the write lock from its first query to
    the end of its transaction, and every other writer would wait behind it. Loaded objects
    are expired by the commit: read what the slow work needs first, or it queries (and locks)
    again."""
    db.session.commit()


# --- When the database doesn't answer ------------------------------------------------------


def is_outage(error: BaseException | None) -> bool:
    """Whether `error` says the database can't be reached or didn't answer in time (down,
    frozen, restarting, every connection busy, a statement cancelled), rather than that a
    statement was wrong: what a 503 page and /healthz report."""
    return isinstance(error, sa_exc.OperationalError | sa_exc.TimeoutError) or (
        isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated
    )


def database_answers() -> bool:
    """Whether the database answers a trivial query now, within the timeouts above."""
    try:
        db.session.execute(select(1))
    except sa_exc.SQLAlchemyError as error:
        if not is_outage(error):
            raise
        db.session.rollback()
        return False
    return True
