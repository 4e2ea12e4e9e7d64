"""The `forum` command as someone setting the forum up meets it: its help lists the forum's
commands without Flask's options for finding an app, and migrating a database that is up to
date says nothing at all."""

from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from support.apps import build_app

from forum.cli import command_line


def test_forum_help_lists_the_forums_commands_without_flasks_boilerplate(app: Flask):
    result = CliRunner().invoke(command_line(create_app=lambda: app), ["--help"])

    assert result.exit_code == 0, result.output
    for command in (
        "db",
        "import-article",
        "seed-demo",
        "users",
        "backup",
        "restore",
        "purge",
        "run",
    ):
        assert f"\n  {command} " in result.output, command
    for noise in ("--env-file", "python-dotenv", "--app", "--version", "module:name"):
        assert noise not in result.output, noise


def test_migrating_says_what_it_does_and_nothing_when_there_is_nothing_to_do(tmp_path: Path):
    """A fresh database: one line per migration. The same again: not a word (alembic's own
    lines about the database's kind are left out)."""
    cli = build_app(f"sqlite:///{tmp_path / 'fresh.db'}").test_cli_runner()

    first = cli.invoke(args=["db", "upgrade"])
    again = cli.invoke(args=["db", "upgrade"])

    assert first.exit_code == 0, first.output
    assert "Migrated to 0001_initial" in first.output
    assert "Context impl" not in first.output and "Will assume" not in first.output
    assert again.exit_code == 0, again.output
    assert again.output == ""
