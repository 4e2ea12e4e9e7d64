"""`forum backup` and `forum restore`, on the database the suite runs on (SQLite, or PostgreSQL
with TEST_DATABASE_URL).

A backup taken while posts are being written holds every post acknowledged before it began,
and a forum restored from it serves. A restore checks the file before it changes anything:
a backup of the forum, of the same kind of database, at a migration this version knows; it
asks before replacing a forum, migrates an older backup, and a failure leaves the database as
it was. Every refusal is a sentence, never a traceback.
"""

import getpass
import sqlite3
import stat
import subprocess
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, make_url, select, text
from support.apps import build_app
from support.config import TEST_DATABASE_URL
from support.content import reply, start_thread, thread_url
from support.members import make_member
from support.throwaway import free_port

from forum.database import db
from forum.models import Post, Thread, ThreadKind, User
from forum.operations import postgresql_backups, revisions

POSTGRESQL = bool(TEST_DATABASE_URL)
# The poster's bounds: a test that reaches them has failed.
MAX_POSTS = 2000
WAIT_SECONDS = 20.0


class Poster(threading.Thread):
    """Replies to one post, one after another, as fast as the database takes them, the way the
    app writes a reply (the model's `reply`, then a commit). `acknowledged` lists each reply's
    id once its commit has returned: the moment the forum would tell its writer it is posted."""

    def __init__(self, app: Flask, post_id: int, author_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.post_id, self.author_id = app, post_id, author_id
        self.acknowledged: list[int] = []
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set() and len(self.acknowledged) < MAX_POSTS:
                    number = len(self.acknowledged) + 1
                    parent = db.session.get(Post, self.post_id)
                    author = db.session.get(User, self.author_id)
                    body = f"Reply {number}, sent during a backup."
                    answer = reply(parent, author, body, commit=False)
                    db.session.flush()
                    answer_id = answer.id
                    db.session.commit()
                    self.acknowledged.append(answer_id)
                db.session.remove()
        except BaseException as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.acknowledged) < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} posts written"
            time.sleep(0.005)

    def finish(self) -> None:
        self.stopping.set()
        self.join(timeout=WAIT_SECONDS)
        assert not self.is_alive()
        assert self.error is None, self.error


def replies_in(forum: Flask, opening_id: int) -> set[int]:
    with forum.app_context():
        found = set(db.session.scalars(select(Post.id).where(Post.parent_id == opening_id)))
        db.session.remove()
        return found


def current_revision(forum: Flask) -> str:
    with forum.app_context():
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        return revision


def run(forum: Flask, *args: str):
    """`forum ARGS` on `forum`'s database; a failure is a sentence, never a traceback."""
    with forum.app_context():  # the command runs in the app context it finds
        result = forum.test_cli_runner().invoke(args=list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def succeeds(forum: Flask, *args: str) -> str:
    result = run(forum, *args)
    assert result.exit_code == 0, result.output
    return result.output


def refused(forum: Flask, *args: str) -> str:
    """What the command says when it refuses (and so changes nothing)."""
    result = run(forum, *args)
    assert result.exit_code == 1, result.output
    return " ".join(result.output.split())


@pytest.fixture
def story(app: Flask):
    """A member's story: its opening post's id, its author's id and its address."""
    author = make_member("Wren", days_old=30)
    opening = start_thread(ThreadKind.STORY, "Written while backing up", "It began.", author)
    ids = opening.id, author.id, thread_url(db.session.get(Thread, opening.thread_id))
    db.session.commit()  # the test holds no transaction while others write
    return ids


# --- Backing up while the forum writes -------------------------------------------------------


def test_a_backup_taken_while_posts_are_written_holds_every_post_acknowledged_before_it(
    app, story, elsewhere, tmp_path
):
    opening_id, author_id, address = story
    backup = tmp_path / "forum.backup"
    poster = Poster(app, opening_id, author_id)
    poster.start()
    try:
        poster.wait_for(10)
        acknowledged_before = list(poster.acknowledged)
        said = succeeds(app, "backup", str(backup))
        # The forum kept writing while it backed up, and after.
        poster.wait_for(len(poster.acknowledged) + 5)
    finally:
        poster.finish()
    assert f"migration {revisions.newest()}" in said

    succeeds(elsewhere, "restore", str(backup))
    restored = replies_in(elsewhere, opening_id)
    assert set(acknowledged_before) <= restored
    assert restored <= set(poster.acknowledged)  # and nothing that wasn't written
    assert len(restored) < len(poster.acknowledged)  # the copy is of a moment, not of the end

    # The restored forum serves, its thread and the replies on it.
    with elsewhere.app_context():
        page = elsewhere.test_client().get(address)
        assert page.status_code == 200
        assert "Reply 1, sent during a backup." in page.get_data(as_text=True)
        assert elsewhere.test_client().get("/").status_code == 200


def test_the_backup_is_readable_by_its_owner_only_and_replaces_an_older_one_once_whole(
    app, story, tmp_path
):
    backup = tmp_path / "forum.backup"
    backup.write_text("an older backup")

    said = succeeds(app, "backup", str(backup))

    assert "replacing the file there" in said
    assert stat.S_IMODE(backup.stat().st_mode) & 0o077 == 0
    assert backup.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert [path.name for path in tmp_path.iterdir()] == ["forum.backup"]  # nothing half-made


# --- Restoring -------------------------------------------------------------------------------


def test_restoring_over_a_forum_asks_first_and_replaces_all_of_it_when_told(app, story, tmp_path):
    opening_id, _, _ = story
    backup = tmp_path / "forum.backup"
    succeeds(app, "backup", str(backup))
    later = start_thread(ThreadKind.STORY, "Written after the backup", "Later.", None)
    later_id = later.id
    db.session.commit()

    said = refused(app, "restore", str(backup))

    assert "There is a forum in" in said and "Run again with --yes to go ahead." in said
    with app.app_context():
        assert db.session.get(Post, later_id) is not None

    succeeds(app, "restore", str(backup), "--yes")

    with app.app_context():
        assert db.session.get(Post, later_id) is None
        assert db.session.get(Post, opening_id) is not None


def test_an_older_backup_is_migrated_to_this_versions_newest_revision(elsewhere, tmp_path):
    with elsewhere.app_context():
        migrate = elsewhere.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)
        newest = revisions.newest()
        older = ScriptDirectory.from_config(config).get_revision(newest).down_revision
        command.upgrade(config, older)
        db.engine.dispose()
    backup = tmp_path / "older.backup"
    assert f"migration {older}" in succeeds(elsewhere, "backup", str(backup))

    said = succeeds(elsewhere, "restore", str(backup), "--yes")

    assert f"Migrated it to {newest}" in said
    assert current_revision(elsewhere) == newest
    with elsewhere.app_context():
        assert elsewhere.test_client().get("/").status_code == 200


def test_a_backup_from_a_newer_version_is_refused_and_changes_nothing(elsewhere, tmp_path):
    succeeds(elsewhere, "db", "upgrade")
    with elsewhere.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '9999_from_later'"))
        db.session.commit()
    backup = tmp_path / "newer.backup"
    succeeds(elsewhere, "backup", str(backup))
    with elsewhere.app_context():
        newest = {"newest": revisions.newest()}
        db.session.execute(text("UPDATE alembic_version SET version_num = :newest"), newest)
        db.session.commit()

    said = refused(elsewhere, "restore", str(backup), "--yes")

    assert "is at migration 9999_from_later, which this version of the forum doesn't know" in said
    assert current_revision(elsewhere) != "9999_from_later"


def test_a_damaged_backup_changes_nothing(app, story, tmp_path):
    """SQLite finds the damage before it restores; PostgreSQL's restore stops at it, inside its
    transaction, which is rolled back."""
    opening_id, _, _ = story
    backup = tmp_path / "forum.backup"
    succeeds(app, "backup", str(backup))
    whole = backup.read_bytes()
    backup.write_bytes(whole[:-50] if POSTGRESQL else whole[: len(whole) // 2])
    later = start_thread(ThreadKind.STORY, "Still here", "Nothing was changed.", None)
    later_id = later.id
    db.session.commit()

    said = refused(app, "restore", str(backup), "--yes")

    if POSTGRESQL:
        assert "pg_restore could not read" in said and "Nothing was changed." in said
    else:
        assert "is damaged" in said or "can't be read as a SQLite database" in said
    with app.app_context():
        assert db.session.get(Post, later_id) is not None
        assert db.session.get(Post, opening_id) is not None


# --- Clear refusals --------------------------------------------------------------------------


def test_restore_says_plainly_what_is_wrong_with_the_file(app, tmp_path):
    missing = run(app, "restore", str(tmp_path / "nowhere.backup"))
    assert missing.exit_code == 2 and "does not exist" in missing.output

    notes = tmp_path / "notes.txt"
    notes.write_text("Not a backup at all.")
    assert "is not a backup of the forum" in refused(app, "restore", str(notes))

    # A SQLite database, but not the forum's (no migration revision).
    stranger = tmp_path / "stranger.db"
    with closing(sqlite3.connect(stranger)) as connection:
        connection.execute("CREATE TABLE notes (text)")
        connection.commit()
    said = refused(app, "restore", str(stranger))
    if POSTGRESQL:
        assert "is a SQLite backup, and the forum's database is PostgreSQL" in said
    else:
        assert "is a SQLite database, but not a backup of the forum" in said


def test_backing_up_says_plainly_when_there_is_nothing_to_back_up(app, tmp_path):
    no_folder = refused(app, "backup", str(tmp_path / "missing" / "forum.backup"))
    assert f"There is no folder {tmp_path / 'missing'}" in no_folder

    no_database = build_app(f"sqlite:///{tmp_path / 'never-made.db'}")
    said = refused(no_database, "backup", str(tmp_path / "forum.backup"))
    assert f"There is no database at {tmp_path / 'never-made.db'}" in said


def test_a_postgresql_server_that_doesnt_answer_is_said_so(app, tmp_path):
    """No server listens on the port: the command says so, whatever the suite runs on."""
    nobody = build_app(f"postgresql://forum:secret@127.0.0.1:{free_port()}/forum")

    said = refused(nobody, "backup", str(tmp_path / "forum.backup"))

    assert "The forum's database can't be reached:" in said
    assert "secret" not in said
    if POSTGRESQL:  # a backup to restore: it is read first, and then the database asked
        backup = tmp_path / "forum.backup"
        succeeds(app, "backup", str(backup))
        said = refused(nobody, "restore", str(backup), "--yes")
        assert "The forum's database can't be reached:" in said
    with nobody.app_context():
        db.engine.dispose()


# --- PostgreSQL's programs -------------------------------------------------------------------


def test_the_password_reaches_postgresqls_programs_through_their_environment_only():
    url = make_url("postgresql+psycopg://forum:s3cret word@db.example:5433/forum?options=-csx")

    client = postgresql_backups.client_connection(url, connect_timeout=2)

    assert "s3cret" not in client.conninfo
    assert client.environment["PGPASSWORD"] == "s3cret word"
    assert "host=db.example" in client.conninfo and "port=5433" in client.conninfo
    assert "dbname=forum" in client.conninfo and "user=forum" in client.conninfo


@pytest.mark.skipif(not POSTGRESQL, reason="needs TEST_DATABASE_URL")
def test_no_command_line_shows_the_password(app, story, tmp_path, monkeypatch):
    """The suite's server trusts connections from this machine, so any password will do: the
    commands are given one, and none of the programs they start has it in its arguments."""
    started: list[tuple[list[str], dict]] = []
    for name in ("run", "Popen"):
        original = getattr(subprocess, name)

        def recording(arguments, *rest, original=original, **options):
            started.append(([str(part) for part in arguments], options.get("env") or {}))
            return original(arguments, *rest, **options)

        monkeypatch.setattr(subprocess, name, recording)
    # (A URL names a password only with a user: libpq's default one, the account's name.)
    url = db.engine.url
    url = url.set(username=url.username or getpass.getuser(), password="no-one-may-see-this")
    forum = build_app(url.render_as_string(hide_password=False))
    backup = tmp_path / "forum.backup"

    succeeds(forum, "backup", str(backup))
    succeeds(forum, "restore", str(backup), "--yes")

    programs = {Path(arguments[0]).name for arguments, _ in started}
    assert programs >= {"pg_dump", "pg_restore", "psql"}
    for arguments, _ in started:
        assert not any("no-one-may-see-this" in part for part in arguments), arguments
    assert any(env.get("PGPASSWORD") == "no-one-may-see-this" for _, env in started)
    with forum.app_context():
        db.engine.dispose()


@pytest.mark.skipif(not POSTGRESQL, reason="needs TEST_DATABASE_URL")
def test_a_restore_into_a_database_in_use_gives_up_and_changes_nothing(
    app, story, tmp_path, monkeypatch
):
    opening_id, _, _ = story
    backup = tmp_path / "forum.backup"
    succeeds(app, "backup", str(backup))
    monkeypatch.setattr(postgresql_backups, "LOCK_TIMEOUT", "200ms")
    app_server = create_engine(db.engine.url)  # not the forum's own: a restore disposes of it
    try:
        with app_server.begin() as busy:  # in the middle of a request
            busy.execute(select(Post.id)).all()

            said = refused(app, "restore", str(backup), "--yes")
    finally:
        app_server.dispose()

    assert "The database is in use: stop the forum's app servers" in said
    assert "Nothing was changed." in said
    with app.app_context():
        assert db.session.get(Post, opening_id) is not None


@pytest.mark.skipif(not POSTGRESQL, reason="needs TEST_DATABASE_URL")
def test_a_backup_of_another_schema_is_refused(app, story, elsewhere, tmp_path):
    backup = tmp_path / "forum.backup"
    succeeds(app, "backup", str(backup))
    url = make_url(elsewhere.config["SQLALCHEMY_DATABASE_URI"])
    other = url.update_query_dict({"options": "-csearch_path=somewhere_else"})
    forum = build_app(other.render_as_string(hide_password=False))

    said = refused(forum, "restore", str(backup), "--yes")

    assert "and the forum's database uses 'somewhere_else'" in said
    with forum.app_context():
        db.engine.dispose()
