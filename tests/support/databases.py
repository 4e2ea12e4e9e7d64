"""A freshly migrated database for every test.

SQLite: the migrations build a template file once per process, and each test gets a copy of
its own. PostgreSQL: the migrations build the tables once per process, in a schema of the
process's own (`test_main`, or `test_gw0`, `test_gw1`... under pytest-xdist), and each test
starts by emptying them.
"""

import shutil
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from forum import create_app
from forum.config import with_driver
from forum.database import db

from .config import TEST_DATABASE_URL, forum_config, worker_schema


def migrate(database_uri: str) -> None:
    app = create_app(forum_config(database_uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def postgresql_schema_url(schema: str) -> str:
    """TEST_DATABASE_URL, with every connection's search path set to `schema` alone."""
    url = make_url(with_driver(TEST_DATABASE_URL))
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _on_server(*statements: str) -> None:
    engine = create_engine(with_driver(TEST_DATABASE_URL))
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def create_postgresql_schema() -> str:
    """A new, migrated schema for this process (replacing one a crashed run left); its URL."""
    schema = worker_schema()
    _on_server(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"')
    url = postgresql_schema_url(schema)
    migrate(url)
    return url


def drop_postgresql_schema() -> None:
    # A connection left in a transaction would make the drop wait for ever: give up instead.
    _on_server("SET lock_timeout = '30s'", f'DROP SCHEMA IF EXISTS "{worker_schema()}" CASCADE')


def empty_postgresql_tables(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def create_sqlite_template(directory: Path) -> Path:
    template = directory / "forum.db"
    migrate(f"sqlite:///{template}")
    return template


def copy_sqlite_template(template: Path, directory: Path) -> str:
    copy = directory / "forum.db"
    shutil.copyfile(template, copy)
    return f"sqlite:///{copy}"
