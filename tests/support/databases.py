"""A freshly migrated database for every test.

SQLite: the migrations build a template file once per process, and each test starts with the
process's database file restored from it. PostgreSQL: the migrations build the tables once per
process, in a schema of the process's own (`test_main`, or `test_gw0`, `test_gw1`... under
pytest-xdist), and each test starts by emptying them and restarting their ids.
"""

import sqlite3
from contextlib import closing, suppress
from functools import cache
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from forum import cli, create_app
from forum.config import with_driver
from forum.database import db

from .config import TEST_DATABASE_URL, forum_config, worker_schema


def migrate(database_uri: str) -> None:
    app = create_app(forum_config(database_uri))
    cli.init_app(app)  # Flask-Migrate, as `forum db upgrade` has it
    with app.app_context():
        upgrade()
        db.engine.dispose()


def postgresql_schema_url(schema: str, database: str | None = None, durable: bool = False) -> str:
    """TEST_DATABASE_URL (or another `database` on its server), with every connection's search
    path set to `schema` alone.

    Unless `durable`, its commits also don't wait for the server's disk
    (`synchronous_commit=off`): a test's data needn't survive a crash of the server, and what
    other connections see is unchanged.
    """
    options = f"-csearch_path={schema}" + ("" if durable else " -csynchronous_commit=off")
    url = make_url(with_driver(TEST_DATABASE_URL))
    if database:
        url = url.set(database=database)
    url = url.update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


def second_postgresql_database() -> str:
    """A database beside TEST_DATABASE_URL's, for restoring backups elsewhere: its name with
    "_restored" after it, made when missing (by whichever process asks first). Its URL, on
    this process's schema, made anew, empty (`drop_second_schema` drops it)."""
    url = make_url(with_driver(TEST_DATABASE_URL))
    name = f"{url.database}_restored"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.scalar(query, {"name": name}) is None:
                with suppress(ProgrammingError, IntegrityError):  # another process was first
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    second = postgresql_schema_url(worker_schema(), database=name)
    drop_second_schema(second, create_again=True)
    return second


def drop_second_schema(url: str, *, create_again: bool = False) -> None:
    schema = worker_schema()
    again = [f'CREATE SCHEMA "{schema}"'] if create_again else []
    _on_server(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', *again, url=url)


def _on_server(*statements: str, url: str = "") -> None:
    engine = create_engine(url or with_driver(TEST_DATABASE_URL))
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def new_schema(schema: str) -> None:
    """`schema`, new and empty (replacing one a crashed run left)."""
    _on_server(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"')


def drop_schema(schema: str) -> None:
    # A connection left in a transaction would make the drop wait for ever: give up instead.
    _on_server("SET lock_timeout = '30s'", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def create_postgresql_schema() -> str:
    """A new, migrated schema for this process; its URL."""
    new_schema(worker_schema())
    url = postgresql_schema_url(worker_schema())
    migrate(url)
    return url


def drop_postgresql_schema() -> None:
    # Its connections closed first: left to the garbage collector, each would warn.
    _schema_engine(postgresql_schema_url(worker_schema())).dispose()
    _schema_engine.cache_clear()
    drop_schema(worker_schema())


@cache
def _schema_engine(url: str) -> Engine:
    """One connection pool per schema for emptying it, kept for the whole run."""
    return create_engine(url)


@cache
def _emptying(url: str) -> str:
    """Delete every row, children before parents, and start every id sequence again at 1.

    DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE (which replaces each table's
    files) took 50 ms a test here where these statements take 3.
    """
    with _schema_engine(url).connect() as connection:
        sequences = connection.scalars(
            text(
                "SELECT sequence_name FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            )
        ).all()
    return ";".join(
        [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
        + [f"SELECT setval('\"{sequence}\"', 1, false)" for sequence in sequences]
    )


def empty_postgresql_tables(url: str) -> None:
    with _schema_engine(url).begin() as connection:
        connection.exec_driver_sql(_emptying(url))


def create_sqlite_template(directory: Path) -> Path:
    template = directory / "forum.db"
    migrate(f"sqlite:///{template}")
    return template


def restore_sqlite(template: Path, database: Path) -> None:
    """`database` made the same as `template`, page for page, by SQLite's own backup: unlike a
    file copy, it leaves no write-ahead log of the last test's writes beside it."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(database)) as copy:
        source.backup(copy)


def empty_database(template: str, database_uri: str) -> None:
    """The test database as freshly migrated: no rows, ids from 1."""
    if TEST_DATABASE_URL:
        empty_postgresql_tables(database_uri)
    else:
        restore_sqlite(Path(template), Path(database_uri.removeprefix("sqlite:///")))
