"""The `forum` command: Flask's own commands (run, shell, db ...) plus the forum's.

The app it runs them in is the one gunicorn serves with the commands added: the app that
serves pages never imports this module, nor what only commands need (Flask-Migrate and
Alembic, with Mako and Pygments behind them; the backups' tools), which would otherwise take
about 10 MB of every worker's memory.
"""

from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup
from flask_migrate import Migrate
from sqlalchemy import select

from . import create_app, paths
from .accounts import members, passwords, pseudonyms, recovery
from .article import DEFAULT_ARTICLE, ArticleSource, import_article
from .database import db
from .demo import seed_demo
from .models import Role, User
from .operations.commands import backup_command, purge_command, restore_command

# Flask-Migrate: the `db` commands, and what the backups read migrations with.
migrate = Migrate()


@click.command("import-article")
@click.argument(
    "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_ARTICLE
)
def import_article_command(path: Path) -> None:
    """Import the article at PATH (Markdown, '# Title' first) as the pinned thread.

    Safe to run again: an unchanged file changes nothing, an edited one updates the
    article in place and keeps its replies.
    """
    try:
        source = ArticleSource.read(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    thread, outcome = import_article(source)
    db.session.commit()
    click.echo(f"Article {outcome}: {thread.title!r} (thread {thread.id}).")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add demo members, stories and nested replies for trying the forum out."""
    renamed = seed_demo()
    if renamed is None:
        raise click.ClickException("The demo content is already here.")
    db.session.commit()
    for name, instead in renamed.items():
        click.echo(
            f"A member here is called {name!r} (or close to it): its demo member is {instead!r}."
        )
    click.echo("Demo stories and replies added.")


users = AppGroup("users", help="Create members and staff, and change their roles.")
ROLE_CHOICE = click.Choice([role.value for role in Role])


def _member_or_fail(pseudonym: str) -> User:
    user = members.find_member(pseudonym)
    if user is None:
        raise click.ClickException(f"No member is called {pseudonym!r}.")
    return user


@users.command("create")
@click.argument("pseudonym")
@click.option("--role", type=ROLE_CHOICE, default=Role.MEMBER.value, show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for with a hidden prompt when not given.",
)
def create_user(pseudonym: str, role: str, password: str) -> None:
    """Create an account named PSEUDONYM and print its recovery codes."""
    pseudonym = pseudonyms.normalise(pseudonym)
    problem = pseudonyms.problem_with(pseudonym) or passwords.problem_with(password, pseudonym)
    if problem:
        raise click.ClickException(problem)
    if not members.pseudonym_available(pseudonym):
        raise click.ClickException(members.PSEUDONYM_TAKEN)
    user = members.add_member(pseudonym, password, Role(role))
    codes = recovery.issue_codes(user)
    user.recovery_codes_confirmed = True  # whoever runs this command hands them over
    db.session.commit()
    click.echo(f"Created {role} {pseudonym}. Recovery codes (each works once):")
    click.echo("\n".join(f"  {code}" for code in codes))


@users.command("set-role")
@click.argument("pseudonym")
@click.argument("role", type=ROLE_CHOICE)
def set_role(pseudonym: str, role: str) -> None:
    """Give PSEUDONYM the role ROLE."""
    user = _member_or_fail(pseudonym)
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{user.pseudonym} is now {'an' if role == Role.ADMIN else 'a'} {role}.")


@users.command("list")
def list_users() -> None:
    """Every account: pseudonym, role and the month it joined."""
    for user in db.session.scalars(select(User).order_by(User.pseudonym_key)):
        click.echo(f"{user.pseudonym:<32}{user.role:<12}{user.created_at:%Y-%m}")


def init_app(app: Flask) -> None:
    """The commands on `app`: Flask-Migrate's `db` and the forum's own."""
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS), render_as_batch=True)
    app.cli.add_command(import_article_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users)
    for command in (backup_command, restore_command, purge_command):
        app.cli.add_command(command)


def create_app_with_commands() -> Flask:
    """The forum as the `forum` command runs it: the app, and its commands."""
    app = create_app()
    init_app(app)
    return app


# Flask's options for finding an app (this command always runs the forum) and for reading .env
# files (the forum is configured by its environment): noise in `forum --help`.
_FLASK_ONLY_OPTIONS = {"app", "env_file"}


def command_line(create_app: Callable[[], Flask] = create_app_with_commands) -> FlaskGroup:
    """The `forum` command: the forum's own commands beside Flask's run, shell, routes and db."""
    group = FlaskGroup(
        create_app=create_app,
        add_version_option=False,  # it would print Flask's version, not the forum's
        load_dotenv=False,
        help="Run and manage the forum. `forum COMMAND --help` says more about each command.",
    )
    group.params = [param for param in group.params if param.name not in _FLASK_ONLY_OPTIONS]
    return group


def main() -> None:
    """Entry point of the `forum` console script."""
    command_line()()
