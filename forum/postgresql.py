"""PostgreSQL's connections, every wait on them bounded (a database that is down or frozen
costs a request a few seconds, never a hung worker).

Apart from forum.database so that a forum on SQLite never loads psycopg (about 9 MB of each
worker's memory): the app factory imports this module only when its database is PostgreSQL.
"""

from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event

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
