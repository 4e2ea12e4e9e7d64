"""Backups of a PostgreSQL database with its own programs: pg_dump to make one, pg_restore and
psql to restore it.

pg_dump reads the forum's schema in one snapshot: the backup holds everything committed before
it began, while the forum goes on writing. A restore is one transaction that drops the schema
and makes it again from the backup: one that fails at any point (a damaged file, a database in
use) leaves the database as it was.

The programs get the connection without its password, since `ps` shows a command line to
anyone on the machine: the password goes in their environment (PGPASSWORD), where libpq reads
it. A `service` named in DATABASE_URL (pg_service.conf) is passed on as it is.
"""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from psycopg.conninfo import make_conninfo
from sqlalchemy import URL, Connection, text

from .errors import BackupError

MAGIC = b"PGDMP"
CLIENT_PACKAGE = "postgresql-client"
# A restore waits this long for the forum's servers to let go of the tables, then gives up.
LOCK_TIMEOUT = "10s"
_PROGRAM_PREFIX = re.compile(r"^\S+: (error: )?")


@dataclass(frozen=True)
class ClientConnection:
    """How PostgreSQL's programs reach the forum's database."""

    conninfo: str
    """For --dbname: every connection setting but the password."""
    environment: dict[str, str]
    """The environment to run them in: this one, and PGPASSWORD when the URL has one."""


def client_connection(url: URL, connect_timeout: int) -> ClientConnection:
    """How PostgreSQL's programs reach the database at `url` (as SQLAlchemy reads it: its query
    holds libpq's other settings, such as `options`, `sslmode` or `service`)."""
    settings = {"host": url.host, "port": url.port, "user": url.username}
    settings |= {"dbname": url.database, "connect_timeout": connect_timeout}
    for name, value in url.query.items():
        settings[name] = value if isinstance(value, str) else ",".join(value)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    given = {name: value for name, value in settings.items() if value is not None}
    return ClientConnection(make_conninfo(**given), environment)


def schema_in_use(connection: Connection) -> str:
    """The schema the forum's tables live in: the first of its search path that exists, or,
    before any does (a new database), the first named."""
    schema = connection.scalar(text("SELECT current_schema()"))
    if schema:
        return schema
    path = connection.scalar(text("SELECT current_setting('search_path')")) or ""
    named = [entry.strip().strip('"') for entry in path.split(",")]
    return next((entry for entry in named if entry and entry != "$user"), "public")


def holds_data(connection: Connection, schema: str) -> bool:
    """Whether the schema has any table in it (restoring would replace it)."""
    return bool(
        connection.scalar(
            text("SELECT EXISTS (SELECT FROM pg_tables WHERE schemaname = :schema)"),
            {"schema": schema},
        )
    )


def dump(client: ClientConnection, schema: str, target: Path) -> None:
    """Write a backup of `schema` (only it: the database may hold others) into `target`."""
    _run(
        "pg_dump",
        "--format=custom",
        # Quoted, the name is taken as it is (case, and any `*` or `?`), not as a pattern.
        f"--schema={_identifier(schema)}",
        f"--file={target}",
        f"--dbname={client.conninfo}",
        environment=client.environment,
    )


def contents(path: Path) -> tuple[str, str | None]:
    """The schema a backup holds, and its migration revision (None when it has none)."""
    listing = _run("pg_restore", "--list", str(path))
    schemas = re.findall(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", listing, re.MULTILINE)
    if len(schemas) != 1:
        raise BackupError(
            f"{path} holds {len(schemas)} schemas: a backup of the forum holds one "
            "(`forum backup` makes them so)."
        )
    if not re.search(r" TABLE DATA \S+ alembic_version ", listing):
        return schemas[0], None
    data = _run("pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path))
    rows = data.split("\nCOPY ", 1)[-1].split("\n")[1:]
    return schemas[0], (rows[0] if rows and rows[0] != "\\." else None)


def restore(client: ClientConnection, backup: Path, schema: str) -> None:
    """Replace `schema` by the one in `backup`, in one transaction.

    pg_restore turns the backup into SQL, and psql runs it after dropping the schema. The
    transaction is committed only once pg_restore has read the whole backup without an error;
    otherwise psql's connection closes with it open, and PostgreSQL rolls it back.
    """
    start = (
        "BEGIN;\n"
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}';\n"
        f"DROP SCHEMA IF EXISTS {_identifier(schema)} CASCADE;\n"
    )
    with tempfile.TemporaryFile() as read_errors, tempfile.TemporaryFile() as run_errors:
        reader = subprocess.Popen(
            [_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup)],
            stdout=subprocess.PIPE,
            stderr=read_errors,
        )
        runner = subprocess.Popen(
            [
                _program("psql"),
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={client.conninfo}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=run_errors,
            env=client.environment,
        )
        assert reader.stdout is not None and runner.stdin is not None
        try:
            runner.stdin.write(start.encode())
            shutil.copyfileobj(reader.stdout, runner.stdin)
            if reader.wait() == 0:
                runner.stdin.write(b"COMMIT;\n")
            runner.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error, and rolled back: its messages say which
        finally:
            reader.stdout.close()  # so that pg_restore ends, if psql stopped reading
            reader.wait()
            runner.wait()
        if reader.returncode != 0 and runner.returncode == 0:
            raise BackupError(
                f"pg_restore could not read {backup}: {_said(read_errors)}. Nothing was changed."
            )
        if runner.returncode != 0:
            said = _said(run_errors)
            if "lock timeout" in said:
                raise BackupError(
                    "The database is in use: stop the forum's app servers, then restore again."
                    " Nothing was changed."
                )
            raise BackupError(f"Restoring failed: {said}. Nothing was changed.")


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed here: it comes with PostgreSQL's client programs "
            f"(on Debian: apt-get install {CLIENT_PACKAGE}, the version of the server or newer)."
        )
    return found


def _run(name: str, *arguments: str, environment: dict[str, str] | None = None) -> str:
    """What the program writes, once it has ended well; a BackupError with what it said
    otherwise."""
    with tempfile.TemporaryFile() as errors:
        result = subprocess.run(
            [_program(name), *arguments],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=environment,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"{name} failed: {_said(errors)}.")
    return result.stdout.decode()


def _said(stream: IO[bytes]) -> str:
    """What a program wrote to its error stream, on one line."""
    stream.seek(0)
    lines = stream.read().decode(errors="replace").splitlines()
    # Each line starts with the program's name ("pg_restore: error: ", "psql:<stdin>:7: ").
    said = [_PROGRAM_PREFIX.sub("", line).strip() for line in lines if line.strip()]
    return "; ".join(said) or "no message"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
