"""The migration revisions this version of the forum knows, from its migrations folder."""

from alembic.script import ScriptDirectory
from flask import current_app


def _scripts() -> ScriptDirectory:
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def newest() -> str:
    """The revision the code runs on: its newest migration."""
    return _scripts().get_current_head()


def known() -> set[str]:
    """Every revision a database of this forum can be at, the newest and all before it."""
    return {script.revision for script in _scripts().walk_revisions()}
