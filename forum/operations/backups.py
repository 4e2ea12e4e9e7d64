"""Backing the forum's database up to a file, and restoring one, on SQLite or PostgreSQL,
whichever the forum runs on (see sqlite_backups and postgresql_backups for how each stays
consistent while the forum writes).

A backup is written beside its destination under a temporary name, readable by its owner
only (it holds everything: password hashes, who wrote each anonymous post), and takes the
destination's name only once it is whole. Before a restore changes anything, the file is
checked: a backup of the kind of database the forum runs on, of the forum, at a migration
this version knows. After it, the database is migrated to the newest revision.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import URL, Connection
from sqlalchemy.exc import SQLAlchemyError

from ..database import db
from . import postgresql_backups, revisions, sqlite_backups
from .errors import BackupError

KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_MAGIC = {"sqlite": sqlite_backups.MAGIC, "postgresql": postgresql_backups.MAGIC}


@dataclass(frozen=True)
class Backup:
    """A backup file, as read: its kind, its migration revision, and on PostgreSQL the one
    schema it holds."""

    path: Path
    kind: str
    revision: str | None
    schema: str | None = None


@dataclass(frozen=True)
class Restore:
    """A restore checked and ready: what it replaces, and whether anything is there yet."""

    backup: Backup
    target: str
    """The forum's database, in words for the operator."""
    replaces_data: bool


def make_backup(path: Path) -> Backup:
    """Back the forum's database up into the file at `path`, replacing any file there once
    the backup is whole."""
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        if _kind() == "sqlite":
            sqlite_backups.copy(sqlite_backups.database_file(_url()), partial)
        else:
            with _postgresql() as connection:
                schema = postgresql_backups.schema_in_use(connection)
            postgresql_backups.dump(_client(), schema, partial)
        made = _read(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path, made.kind, made.revision, made.schema)


def plan_restore(path: Path) -> Restore:
    """Check that `path` can be restored into the forum's database, and say what it replaces;
    nothing is changed yet."""
    backup = read_backup(path)
    if backup.kind == "sqlite":
        database = sqlite_backups.database_file(_url())
        sqlite_backups.check_target(path, database)
        return Restore(backup, str(database), sqlite_backups.holds_data(database))
    with _postgresql() as connection:
        schema = postgresql_backups.schema_in_use(connection)
        replaces_data = postgresql_backups.holds_data(connection, schema)
    if backup.schema != schema:
        raise BackupError(
            f"{path} holds the schema {backup.schema!r}, and the forum's database uses "
            f"{schema!r} (the search_path of DATABASE_URL): restore it where the forum uses "
            f"{backup.schema!r}."
        )
    url = _url()
    where = f"{url.host}:{url.port or 5432}" if url.host else "this machine"
    return Restore(
        backup, f"the schema {schema} of the database {url.database} on {where}", replaces_data
    )


def read_backup(path: Path) -> Backup:
    """The backup at `path`, once it is known to be one this forum can restore."""
    forum_kind = _kind()
    backup = _read(path)
    if backup.kind != forum_kind:
        raise BackupError(
            f"{path} is a {KIND_NAMES[backup.kind]} backup, and the forum's database is "
            f"{KIND_NAMES[forum_kind]}: a backup restores into the kind of database it came from."
        )
    if backup.revision is None:
        raise BackupError(
            f"{path} is a {KIND_NAMES[backup.kind]} database, but not a backup of the forum: "
            "it has no migration revision."
        )
    if backup.revision not in revisions.known():
        raise BackupError(
            f"{path} is at migration {backup.revision}, which this version of the forum "
            "doesn't know: it was made by a newer version (upgrade the forum, then restore "
            "it), or by something else."
        )
    return backup


def restore(plan: Restore) -> str | None:
    """Restore the planned backup into the forum's database, then migrate it if it is older
    than the code; the revision it was migrated to (None when it needed none)."""
    backup = plan.backup
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old tables, or a lock on them
    if backup.kind == "sqlite":
        sqlite_backups.restore(backup.path, sqlite_backups.database_file(_url()))
    else:
        postgresql_backups.restore(_client(), backup.path, backup.schema)
    db.engine.dispose()
    newest = revisions.newest()
    if backup.revision == newest:
        return None
    try:
        migrate = current_app.extensions["migrate"]
        command.upgrade(migrate.migrate.get_config(migrate.directory), newest)
    except (CommandError, SQLAlchemyError) as error:
        raise BackupError(
            f"The backup was restored, at migration {backup.revision}, but migrating it to "
            f"{newest} failed: {_first_line(error)}. Run `forum db upgrade` to try again."
        ) from None
    return newest


def _read(path: Path) -> Backup:
    kind = _kind_of(path)
    if kind == "sqlite":
        return Backup(path, kind, sqlite_backups.revision_in(path))
    schema, revision = postgresql_backups.contents(path)
    return Backup(path, kind, revision, schema)


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(sqlite_backups.MAGIC))
    except OSError as error:
        raise BackupError(f"{path} can't be read: {error.strerror}.") from None
    for kind, magic in _MAGIC.items():
        if start.startswith(magic):
            return kind
    raise BackupError(
        f"{path} is not a backup of the forum: neither a SQLite database nor a PostgreSQL "
        "backup in pg_dump's custom format."
    )


def _url() -> URL:
    return db.engine.url


def _kind() -> str:
    kind = db.engine.dialect.name
    if kind not in KIND_NAMES:
        raise BackupError(f"The forum's database is {kind}: backups are for SQLite and PostgreSQL.")
    return kind


def _client() -> postgresql_backups.ClientConnection:
    return postgresql_backups.client_connection(
        _url(), current_app.config["DATABASE_CONNECT_TIMEOUT"]
    )


@contextmanager
def _postgresql() -> Iterator[Connection]:
    """A connection to the forum's PostgreSQL database, or a BackupError saying it can't be
    reached."""
    try:
        connection = db.engine.connect()
    except SQLAlchemyError as error:
        raise BackupError(f"The forum's database can't be reached: {_first_line(error)}.") from None
    with connection:
        yield connection


def _first_line(error: Exception) -> str:
    """The database's own words, without SQLAlchemy's notes (the statement, a web address)."""
    cause = getattr(error, "orig", None) or error
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
