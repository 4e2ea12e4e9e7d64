"""Backups of a SQLite database with SQLite's online backup API.

The backup API copies the database inside one read transaction: the copy is the database as
it stood at one moment, with everything committed before it, while the forum goes on writing
(in WAL mode readers never block writers). A copy of the file would not be: the latest commits
may still sit in the write-ahead log beside it, and a copy taken under load here missed posts
the forum had acknowledged.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import URL

from .errors import BackupError

MAGIC = b"SQLite format 3\x00"
# How long to wait for a forum that is writing to let us read or write.
BUSY_TIMEOUT_SECONDS = 10.0


def database_file(url: URL) -> Path:
    """The file that `url` names."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"The forum's database ({url}) is not a file this command can copy.")
    return Path(url.database)


def _open(path: Path, mode: str) -> sqlite3.Connection:
    """A connection to the file at `path`: mode "ro" reads, "rw" writes (neither creates
    it), "rwc" creates it when missing."""
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def copy(database: Path, target: Path) -> None:
    """Copy the live `database` into the file `target` (which exists, empty), as one file
    that needs no write-ahead log beside it."""
    if not database.is_file():
        raise BackupError(f"There is no database at {database}.")
    try:
        with closing(_open(database, "rw")) as source, closing(_open(target, "rw")) as copied:
            source.backup(copied)
            copied.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"The database at {database} can't be read: {error}.") from None


def revision_in(path: Path) -> str | None:
    """The migration revision of the SQLite database at `path`, after checking that it is
    whole; None when it has none (it isn't a forum's)."""
    try:
        with closing(_open(path, "ro")) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: SQLite finds {problems[0]!r}.")
            has_revision = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if not has_revision:
                return None
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as error:
        raise BackupError(f"{path} can't be read as a SQLite database: {error}.") from None
    return row[0] if row else None


def holds_data(database: Path) -> bool:
    """Whether the database at `database` has any table in it (restoring would replace it)."""
    if not database.exists():
        return False
    try:
        with closing(_open(database, "ro")) as connection:
            return connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
    except sqlite3.Error as error:
        raise BackupError(f"The database at {database} can't be read: {error}.") from None


def check_target(backup: Path, database: Path) -> None:
    """That `backup` can be restored into `database`, before anything is asked or changed."""
    if database.exists() and database.resolve() == backup.resolve():
        raise BackupError(f"{backup} is the forum's database itself, not a backup of it.")
    if not database.parent.is_dir():
        raise BackupError(f"There is no folder {database.parent} for the forum's database.")


def restore(backup: Path, database: Path) -> None:
    """Make the database at `database` (created when missing) the same as `backup`, page for
    page, in one write transaction: a restore that fails leaves it as it was."""
    try:
        with closing(_open(backup, "ro")) as source, closing(_open(database, "rwc")) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")  # as the forum keeps it
    except sqlite3.Error as error:
        raise BackupError(f"Restoring into {database} failed: {error}.") from None
