"""What a member followed and how far they read each thread is theirs: in their data's JSON
file, and gone with their account (on SQLite and on PostgreSQL alike)."""

import json

import pytest
from sqlalchemy import delete, select
from support.content import start_thread, thread_of, thread_url
from support.forms import reply_through_form, settings_post
from support.members import PASSWORD

from forum.database import db
from forum.models import ThreadReader, User


@pytest.fixture
def places(app, story, wren, wrens_phone, hazel, hazels_phone):
    """Wren follows Hazel's thread by replying in it, and has read her own story and a thread
    she doesn't follow; Hazel has read Wren's story."""
    hazels = start_thread(title="Hazel's question", author=hazel)
    reply_through_form(wrens_phone, hazels.id, "An answer.")
    quiet = start_thread(title="Just read", author=hazel)
    for opening in (quiet, story):
        wrens_phone.get(thread_url(thread_of(opening)))
    hazels_phone.get(thread_url(thread_of(story)))
    return {"hazels": hazels, "quiet": quiet}


def test_follows_and_reading_places_are_in_my_data(app, story, wrens_phone, places):
    data = json.loads(wrens_phone.get("/settings/export").get_data(as_text=True))

    followed = [entry["thread_title"] for entry in data["followed_threads"]]
    assert followed == ["Hazel's question"], "where she replied"
    by_thread = {entry["thread_id"]: entry for entry in data["reading_places"]}
    assert set(by_thread) == {
        story.thread_id,
        places["hazels"].thread_id,
        places["quiet"].thread_id,
    }
    assert by_thread[places["quiet"].thread_id]["following"] is None
    assert by_thread[places["quiet"].thread_id]["last_read_post_id"] == places["quiet"].id
    assert data["profile"]["follow_threads_joined"] is True


def places_of(member_id: int) -> list[ThreadReader]:
    db.session.expire_all()
    return list(db.session.scalars(select(ThreadReader).where(ThreadReader.user_id == member_id)))


def test_deleting_the_account_erases_its_follows_and_places(
    app, story, wren, hazel, wrens_phone, places
):
    wren_id = wren.id
    assert len(places_of(wren_id)) == 3

    data = {"password": PASSWORD, "posts": "keep", "confirm": "y"}
    assert settings_post(wrens_phone, "delete", data).status_code == 200

    assert places_of(wren_id) == []
    assert [p.thread_id for p in places_of(hazel.id)] == [story.thread_id], "others keep theirs"


def test_the_database_itself_erases_them_with_the_member(app, story, sorrel):
    """However a member's row goes, their places go with it (the foreign key cascades)."""
    db.session.add(ThreadReader(user_id=sorrel.id, thread_id=story.thread_id, following=True))
    db.session.commit()
    sorrel_id = sorrel.id

    db.session.execute(delete(User).where(User.id == sorrel_id))
    db.session.commit()

    assert places_of(sorrel_id) == []
