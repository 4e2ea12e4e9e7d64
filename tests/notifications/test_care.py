"""A member's notifications are theirs: in their data export, never anyone else's, and erased
with their account (on SQLite and PostgreSQL alike)."""

import json

import pytest
from sqlalchemy import delete
from support.clients import signed_in
from support.content import reply, start_thread
from support.forms import send_reply, settings_post
from support.members import PASSWORD, make_member
from support.moderation import send
from support.notifications import kinds_of, notifications_of
from support.pages import html_of
from support.rows import count

from forum.database import db
from forum.models import Notification, User


@pytest.fixture
def told(app, people) -> dict:
    """Hazel's story, replied to by Sorrel, supported by Bracken; Sorrel's reply answered."""
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="What I keep", author=writer)
    send_reply(signed_in(app, reader), story.id, "I read all of it.")
    answer = reply(story, reader, "Me again.")
    send_reply(signed_in(app, writer), answer.id, "Thank you.")
    send(signed_in(app, people["another"]), f"/p/{story.id}/react", {"kind": "support"})
    return {"story": story}


def test_my_notifications_are_in_my_data_and_nobody_elses(app, people, told):
    writer = people["writer"]
    response = signed_in(app, writer).get("/settings/export")
    data = json.loads(html_of(response))

    kinds = [(item["kind"], item["post_id"]) for item in data["notifications"]]
    assert kinds == kinds_of(writer)
    assert {item["kind"] for item in data["notifications"]} == {"reply", "support"}
    assert all(item["read_at"] is None for item in data["notifications"])
    assert data["profile"]["show_notification_count"] is True
    assert data["profile"]["listens_for_unanswered"] is False
    # Never who replied or reacted, beyond the post the notification is about.
    text = json.dumps(data["notifications"])
    assert "Bracken" not in text and "Sorrel" not in text
    other = json.loads(html_of(signed_in(app, people["reader"]).get("/settings/export")))
    assert [(i["kind"], i["post_id"]) for i in other["notifications"]] == kinds_of(people["reader"])


@pytest.mark.parametrize("posts", ["erase", "keep"])
def test_deleting_the_account_erases_its_notifications(app, people, told, posts):
    writer = people["writer"]
    writer_id = writer.id
    assert len(notifications_of(writer)) == 2
    others = count(Notification) - 2

    data = {"password": PASSWORD, "posts": posts, "confirm": "y"}
    response = settings_post(signed_in(app, writer), "delete", data)

    assert response.status_code == 200
    assert db.session.get(User, writer_id) is None
    assert count(Notification) == others
    assert not db.session.query(Notification).filter_by(user_id=writer_id).count()


def test_the_database_itself_erases_an_accounts_notifications(app, people, told):
    """Whatever deletes an account (the forum, or an operator by hand), its notifications go
    with it: ON DELETE CASCADE, enforced on SQLite too (foreign_keys=ON)."""
    quiet = make_member("Quietly", days_old=30)
    db.session.add(
        Notification(
            user_id=quiet.id, kind="support", thread_id=told["story"].thread_id,
            post_id=told["story"].id,
        )
    )  # fmt: skip
    db.session.commit()
    before = count(Notification)

    db.session.execute(delete(User).where(User.id == quiet.id))
    db.session.commit()

    assert count(Notification) == before - 1
