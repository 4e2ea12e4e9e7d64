"""The database: SQLite settings that let several writers queue instead of failing, and a
schema that the migrations build exactly as the models describe it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from support.content import start_thread
from support.members import make_member

from forum.database import db
from forum.extensions import csrf
from forum.models import Post, Thread
from forum.search.index import described_by_the_models

TABLES = {"user", "thread", "post"}


@pytest.fixture
def sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings; this run uses " + db.engine.dialect.name)
    return app


@pytest.fixture
def writing_route(app):
    """A form post that writes, standing in for the posting views (CSRF is not the subject).
    A test using it is marked `own_app`."""

    def write():
        make_member("writer")
        return "saved", 201

    app.add_url_rule("/test-write", "test_write", write, methods=["POST"])
    csrf.exempt(write)
    return "/test-write"


def pragma(name: str):
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(sqlite):
    """Readers never block writers, and a writer waits its turn instead of failing at once."""
    db.engine.dispose()  # every new connection gets the settings, not just the first

    assert pragma("journal_mode") == "wal"
    assert pragma("busy_timeout") >= 5000
    assert pragma("foreign_keys") == 1


@pytest.mark.own_app
def test_sqlite_transactions_open_as_their_request_needs(
    sqlite, client, writing_route, count_queries
):
    """Form posts open with BEGIN IMMEDIATE (writers queue); page reads with a plain BEGIN
    (readers share the database)."""
    db.session.remove()
    with count_queries() as posted:
        response = client.post(writing_route)
    assert response.status_code == 201

    db.session.remove()
    with count_queries() as read:
        assert client.get("/").status_code == 200

    assert posted[0] == "BEGIN IMMEDIATE"
    assert any(statement.startswith("INSERT INTO user") for statement in posted)
    assert read[0] == "BEGIN"
    assert "BEGIN IMMEDIATE" not in read


def test_sqlite_cli_commands_take_the_write_lock_at_begin(sqlite, count_queries):
    """Commands such as import-article write too, so they queue like form posts."""
    db.session.remove()
    with count_queries() as ran:
        result = sqlite.test_cli_runner().invoke(args=["import-article"])

    assert result.exit_code == 0, result.output
    assert ran[0] == "BEGIN IMMEDIATE"


def test_the_database_refuses_a_post_in_a_thread_that_does_not_exist(app):
    """Foreign keys hold on both databases, so no reply can point at nothing."""
    db.session.add(Post(thread_id=987654, path="000001", body="orphan", body_html="orphan"))

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_models_match_the_migrations(app):
    """Every model change has its migration: a fresh deployment gets the schema the code uses."""
    with db.engine.connect() as connection:
        # As `forum db check` compares them (migrations/env.py): the search index's tables
        # are the migrations' alone.
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": described_by_the_models},
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_migrations_go_down_to_nothing_and_back_up(app):
    """A release can be rolled back and forward again without hand-fixing the database."""
    start_thread(author=make_member("wren"))
    db.session.remove()

    downgrade(revision="base")
    db.session.remove()
    left = set(inspect(db.engine).get_table_names())
    upgrade()
    db.session.remove()
    restored = set(inspect(db.engine).get_table_names())

    assert not (left & TABLES)
    assert restored >= TABLES
    start_thread(title="After the round trip", author=make_member("wren"))
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1


def test_the_reply_count_migration_counts_only_replies_everyone_can_read(app):
    """Counts kept before revision 0004 took every reply written, waiting and removed ones
    included: the migration counts each thread again."""
    author = make_member("wren")
    opening = start_thread(author=author)
    published = opening.reply(author, "Published")
    opening.reply(author, "Waiting", awaiting_approval=True)
    removed = opening.reply(author, "Removed")
    removed.removed_at = removed.created_at
    db.session.execute(update(Thread).values(reply_count=3))  # as counted before
    db.session.commit()
    assert published.counts_as_reply
    db.session.remove()

    downgrade(revision="0003_sign_ins")
    upgrade()
    db.session.remove()

    assert db.session.scalar(select(Thread.reply_count)) == 1
