"""Once a post is saved, its writer is told so: the answer to a write is made before the
commit, so a failure after it (the database gone the moment after) can't turn a saved reply
into an error page, which would have them send it again or give up."""

import sqlite3

import pytest
from sqlalchemy import select
from support.clients import PARTIAL
from support.config import TEST_DATABASE_URL
from support.content import start_thread
from support.faults import database_gone_after_the_commit
from support.forms import compose_form, csrf_token, reply_form, reply_url
from support.rows import count

from forum.database import db
from forum.models import Post, Reaction, ThreadKind
from forum.posting import views as posting_views

pytestmark = pytest.mark.usefixtures("unpaced")


@pytest.fixture
def story() -> Post:
    return start_thread(ThreadKind.STORY, "A hard week", "It has been a hard week.")


def posts_saying(body: str) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Post).where(Post.body == body)).all())


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["page", "htmx"])
def test_a_saved_reply_is_answered_as_saved(harbours_phone, story, monkeypatch, headers):
    values = reply_form(harbours_phone, story.id, body="Saved, whatever happens next.")

    with database_gone_after_the_commit(monkeypatch):
        response = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    assert posts_saying("Saved, whatever happens next.") == 1
    assert response.status_code == (200 if headers else 303)
    if headers:
        assert "Saved, whatever happens next." in response.get_data(as_text=True)


def test_a_saved_story_is_answered_as_saved(harbours_phone, monkeypatch):
    values = {**compose_form(harbours_phone, "story"), "title": "Kept", "body": "Still here."}

    with database_gone_after_the_commit(monkeypatch):
        response = harbours_phone.post("/stories/new", data=values)

    assert posts_saying("Still here.") == 1
    assert response.status_code == 303


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["page", "htmx"])
def test_a_saved_reaction_is_answered_as_saved(harbours_phone, story, monkeypatch, headers):
    data = {"kind": "support", "csrf_token": csrf_token(harbours_phone)}

    with database_gone_after_the_commit(monkeypatch):
        response = harbours_phone.post(f"/p/{story.id}/react", data=data, headers=headers)

    assert count(Reaction) == 1
    assert response.status_code == (200 if headers else 303)


# --- slow work outside the write lock ------------------------------------------------------


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's database-wide write lock")
@pytest.mark.parametrize("shape", ["htmx", "no-JS"])
def test_a_preview_renders_with_no_write_lock_held(app, harbours_phone, monkeypatch, shape):
    """A preview of the costliest Markdown takes a good part of a second to render: meanwhile
    every other writer must be free to write (SQLite has one write lock for the database)."""
    others_could_write = []

    def render_while_another_writes(text, *args):
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the request holds the lock
            other.execute("ROLLBACK")
            others_could_write.append(True)
        except sqlite3.OperationalError:
            others_could_write.append(False)
        finally:
            other.close()
        return f"<p>{text}</p>"

    monkeypatch.setattr(posting_views, "render_markdown", render_while_another_writes)
    values = {**compose_form(harbours_phone, "story"), "body": "Is this right?"}
    if shape == "htmx":
        response = harbours_phone.post("/preview", data=values, headers=PARTIAL)
    else:
        response = harbours_phone.post("/stories/new", data={**values, "preview": "1"})

    assert response.status_code == 200
    assert "Is this right?" in response.get_data(as_text=True)
    assert others_could_write == [True]
