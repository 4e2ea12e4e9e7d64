"""The SQLAlchemy base, column types and engine settings shared by every model."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from psycopg.abc import PQGen
from psycopg.pq import TransactionStatus
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

Answer = TypeVar("Answer")

# PostgreSQL cancels a statement at statement_timeout; its answer saying so may take a moment
# longer to arrive. Only a server that has stopped answering keeps us waiting past this.
ANSWER_MARGIN_SECONDS = 1.0


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that stops waiting for a server that has stopped answering.

    statement_timeout is kept by the server, so it can't help when the server itself is frozen
    (a stopped process, a hung host, a lost network): the kernel still takes our bytes, and
    psycopg would wait for the answer for ever, holding the request and its worker. Here every
    wait has a deadline; past it the connection is closed, which SQLAlchemy takes for a
    disconnect: it drops the connection, and every pooled one older, and connects afresh.
    """

    deadline: float | None = None  # seconds; configure_postgresql sets it on each connection

    def wait(
        self, gen: PQGen[Answer], *args: Any, timeout: float | None = None, **kwargs: Any
    ) -> Answer:
        # psycopg waits for the server in this one method: queries, commits, rollbacks (so in
        # the pinned 3.3.9; tests/resilience fails if a new version waits elsewhere).
        if timeout is None:
            timeout = self.deadline
        try:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        except psycopg.OperationalError as error:
            if self.info.transaction_status != TransactionStatus.ACTIVE:
                raise  # the server answered, with an error of its own
            # Still waiting for an answer: nothing later on this connection would make sense.
            self.close()
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout} s"
            ) from error


def configure_postgresql(engine: Engine, connect_timeout: int, statement_timeout: float) -> None:
    """Every wait on PostgreSQL bounded, so a database that is down or frozen costs a request a
    few seconds (and the reader a calm 503 page), never a hung worker:

    - connecting gives up after `connect_timeout` seconds (psycopg's minimum is 2);
    - the server cancels any statement that runs longer than `statement_timeout` seconds;
    - a connection taken from the pool must answer SQLAlchemy's pre-ping as quickly as a new
      one must connect, and any other wait ends ANSWER_MARGIN_SECONDS after the server
      should have cancelled the statement.
    """
    answer_within = statement_timeout + ANSWER_MARGIN_SECONDS

    @event.listens_for(engine, "do_connect")
    def connect(dialect, connection_record, cargs, cparams) -> DeadlineConnection:
        cparams["connect_timeout"] = connect_timeout
        server_settings = f"-c statement_timeout={round(statement_timeout * 1000)}"
        cparams["options"] = " ".join(filter(None, [cparams.get("options"), server_settings]))
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.deadline = answer_within
        return connection

    @event.listens_for(engine, "checkin")
    def idle(dbapi_connection, connection_record) -> None:
        if dbapi_connection is not None:  # None: it was dropped
            # Its next wait will be the pre-ping, the first thing a request asks of it.
            dbapi_connection.deadline = connect_timeout

    @event.listens_for(engine, "checkout")
    def in_use(dbapi_connection, connection_record, connection_proxy) -> None:
        dbapi_connection.deadline = answer_within


def without_time_limits(connection) -> None:
    """Lift the limits above from one PostgreSQL connection, for a migration: an ALTER of a big
    table may rightly take minutes, and is watched by the operator who runs it."""
    connection.exec_driver_sql("SET statement_timeout = 0")
    connection.connection.dbapi_connection.deadline = None


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
