"""The operator's commands: `forum backup`, `forum restore` and `forum purge`."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..database import db
from . import backups, purge
from .errors import BackupError


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Back the forum's database up into the file PATH, whole and consistent even while the
    forum writes; a file already at PATH is replaced once the backup is complete.

    SQLite: a copy made with SQLite's online backup API. PostgreSQL: pg_dump's custom format,
    of the forum's schema. The file holds everything, password hashes and who wrote each
    anonymous post included: it is readable by its owner only. Keep it as safe as the database.
    """
    replacing = path.exists()
    try:
        made = backups.make_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    replaced = ", replacing the file there" if replacing else ""
    click.echo(
        f"Backed up the forum ({_revision(made.revision)}) to {path}{replaced}: "
        f"{_size(path.stat().st_size)}."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace what the database holds without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the forum's database with the backup at PATH, then migrate it to this version.

    Stop the forum's app servers first. The backup is checked before anything changes: one
    made by `forum backup` from the same kind of database, at a migration this version
    knows. A database that holds anything is replaced only after you say so (or with --yes).
    """
    try:
        plan = backups.plan_restore(path)
        if plan.replaces_data and not yes:
            _ask(plan)
        migrated_to = backups.restore(plan)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {path} ({_revision(plan.backup.revision)}) into {plan.target}.")
    if migrated_to:
        click.echo(f"Migrated it to {migrated_to}, this version's newest.")


def _ask(plan: backups.Restore) -> None:
    """Go on only if the operator says so; a BackupError otherwise."""
    what = f"There is a forum in {plan.target} already: restoring replaces all of it."
    if not sys.stdin.isatty():
        raise BackupError(f"{what} Run again with --yes to go ahead.")
    if not click.confirm(f"{what} Go ahead?"):
        raise BackupError("Nothing was restored.")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase what the privacy page says the forum keeps only for a while, once its time is
    up: earlier versions of posts, the text of posts taken down, ended sign-ins, used
    recovery codes. Safe to run as often as you like (daily suits it); it prints counts only,
    never content."""
    purged = purge.purge()
    db.session.commit()
    click.echo(str(purged))


def _revision(revision: str | None) -> str:
    return f"migration {revision}" if revision else "no migration revision: never migrated?"


def _size(size: int) -> str:
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
