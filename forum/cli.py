"""The `forum` command: Flask's own commands (run, shell, db ...) plus the forum's."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from .article import DEFAULT_ARTICLE, ArticleSource, import_article
from .database import db


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
    from .demo import seed_demo

    if not seed_demo():
        raise click.ClickException("The demo content is already here.")
    db.session.commit()
    click.echo("Demo stories and replies added.")


def init_app(app: Flask) -> None:
    app.cli.add_command(import_article_command)
    app.cli.add_command(seed_demo_command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


def main() -> None:
    """Entry point of the `forum` console script."""
    FlaskGroup(create_app=_create_app, help="Run and manage the forum.")()
