"""Migration 0009_search: it indexes the posts already there, goes down leaving nothing behind,
and a later migration that would leave the index without its triggers is refused."""

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from support.content import reply, start_thread
from support.members import make_member
from support.search import assert_index_consistent, indexed

from forum.database import db
from forum.models import Post, RemovalReason, Role
from forum.moderation.actions import remove_post
from forum.paths import MIGRATIONS
from forum.search.index import TRIGGERS, missing_triggers

BEFORE = "0008_notification_extras"


def search_objects() -> set[str]:
    """The index's tables, views, triggers and functions this database has."""
    if db.engine.dialect.name == "sqlite":
        found = db.session.scalars(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'post_search%'")
        )
    else:
        found = db.session.scalars(
            text(
                "SELECT relname FROM pg_class WHERE relname LIKE 'post_search%'"
                " AND relnamespace = current_schema()::regnamespace"
                " UNION SELECT tgname FROM pg_trigger WHERE tgname LIKE 'post_search%'"
                " AND tgrelid IN ('post'::regclass, 'thread'::regclass)"
                " UNION SELECT proname FROM pg_proc WHERE proname LIKE 'post_search%'"
                " AND pronamespace = current_schema()::regnamespace"
            )
        )
    names = set(found)
    db.session.commit()
    return names


def test_the_migration_indexes_the_posts_already_there(app):
    db.session.remove()
    downgrade(revision=BEFORE)
    db.session.remove()
    assert search_objects() == set()

    wren = make_member("Wren")
    story = start_thread(title="Lanterns", body="A quiet harbour.", author=wren)
    answer = reply(story, make_member("Hazel"), "Another harbour.")
    removed = reply(story, wren, "A harbour I regret.")
    remove_post(make_member("Cedar", Role.MODERATOR), removed, RemovalReason.OTHER)
    db.session.commit()
    story_id, answer_id = story.id, answer.id
    db.session.remove()
    upgrade()
    db.session.remove()

    assert indexed("harbour") == {story_id, answer_id}
    assert indexed("lanterns") == {story_id}
    assert indexed("regret") == set()
    assert TRIGGERS[db.engine.dialect.name] <= search_objects()
    assert_index_consistent()

    reply(db.session.get(Post, story_id), None, "A lighthouse too.")
    assert len(indexed("lighthouse")) == 1, "kept current from then on"


def test_missing_triggers_are_noticed(app):
    with db.engine.connect() as connection:
        assert missing_triggers(connection) == set()
        # In a transaction rolled back: the test database keeps its triggers.
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER post_search_after_retitle"))
            lost = "post_search_after_retitle"
        else:
            connection.execute(text("DROP TRIGGER post_search_follow_thread ON thread"))
            lost = "post_search_follow_thread"
        assert missing_triggers(connection) == {lost}
        connection.rollback()
        assert missing_triggers(connection) == set()


REBUILD_THREAD = '''"""rebuild thread, as a batch migration that changes a column does on SQLite"""
from alembic import op

revision = "9999_rebuild_thread"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("thread", recreate="always"):
        pass


def downgrade():
    pass
'''


def test_a_migration_that_rebuilds_a_table_on_sqlite_must_make_its_triggers_again(
    app, tmp_path: Path
):
    """Rebuilding `thread` works (the view and triggers that name it don't stop SQLite renaming
    the copy), but drops the triggers on it: migrations/env.py refuses to finish so."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite rebuilds a table to change it; PostgreSQL alters it in place")
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    # Alembic's own command: Flask-Migrate's would turn the error into an exit.
    config = current_app.extensions["migrate"].migrate.get_config(str(migrations))
    head = ScriptDirectory.from_config(config).get_current_head()
    (migrations / "versions" / "9999_rebuild_thread.py").write_text(
        REBUILD_THREAD.format(head=head)
    )
    db.session.remove()

    with pytest.raises(RuntimeError, match="without its triggers") as refused:
        command.upgrade(config, "head")

    assert "post_search_after_retitle" in str(refused.value)
    assert "post_search_after_insert" not in str(refused.value), "post's triggers are intact"
    assert "thread" in inspect(db.engine).get_table_names()
