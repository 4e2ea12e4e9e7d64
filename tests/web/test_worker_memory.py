"""What an app server's worker loads: the app that serves pages, and nothing that only the
`forum` command needs (Flask-Migrate and Alembic, with Mako and Pygments behind them; the
backups' tools), nor, on SQLite, the PostgreSQL driver. Each would take megabytes of every
worker's memory (bench/speed.py reports it)."""

import os
import subprocess
import sys

import pytest

from forum.paths import CHECKOUT

ONLY_FOR_COMMANDS = (
    "flask_migrate",
    "alembic",
    "mako",
    "pygments",
    "forum.cli",
    "forum.operations",
)


@pytest.fixture(scope="module")
def loaded_by_a_worker(tmp_path_factory) -> set[str]:
    """The modules a fresh process holds once it has built the app as gunicorn does
    (`forum:create_app()`), on a SQLite database."""
    database = tmp_path_factory.mktemp("worker") / "forum.db"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "a key for this test only",
    }
    script = "import sys, forum; forum.create_app(); print(' '.join(sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", script],
        cwd=CHECKOUT,  # the checkout's forum, as gunicorn --chdir finds it
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(found.stdout.split())


def test_a_worker_loads_nothing_only_commands_need(loaded_by_a_worker: set[str]):
    for module in ONLY_FOR_COMMANDS:
        assert module not in loaded_by_a_worker, module


def test_a_forum_on_sqlite_never_loads_psycopg(loaded_by_a_worker: set[str]):
    assert "forum.database" in loaded_by_a_worker
    assert "psycopg" not in loaded_by_a_worker
    assert "forum.postgresql" not in loaded_by_a_worker
