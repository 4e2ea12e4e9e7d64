"""No story left unanswered: members find the stories that have waited longest for a first
reply."""

from support.clients import device, signed_in
from support.content import aged, reply, start_thread
from support.forms import send_reply
from support.pages import (
    html_of,
    location,
    page,
)

from forum.database import db, utcnow
from forum.models import Thread, ThreadKind


def listed(client) -> list[str]:
    tree = page(client, "/stories/unanswered")
    return [a.text for a in tree.iter("a") if "thread-title" in a.classes]


def test_unanswered_is_for_members(app, people):
    response = device(app).get("/stories/unanswered")

    assert response.status_code == 302
    assert location(response).startswith("/login")
    home_for_guest = html_of(device(app).get("/"))
    assert "/stories/unanswered" not in home_for_guest
    home = page(signed_in(app, people["reader"]), "/")
    assert "/stories/unanswered" in [a.get("href") for a in home.iter("a")]


def test_unanswered_lists_waiting_stories_oldest_first(app, people):
    app.config["UNANSWERED_AFTER_HOURS"] = 3
    author = people["writer"]
    aged(start_thread(ThreadKind.STORY, "Waiting five hours", "Anyone?", author), 5)
    aged(start_thread(ThreadKind.STORY, "Waiting ten hours", "Hello?", author), 10)
    aged(start_thread(ThreadKind.STORY, "Waiting anonymously", "Hi.", author, anonymous=True), 4)
    answered = aged(start_thread(ThreadKind.STORY, "Answered", "Thanks.", author), 8)
    reply(answered, people["another"], "I hear you.")
    aged(start_thread(ThreadKind.DISCUSSION, "A discussion", "Thoughts?", author), 9)
    removed = aged(start_thread(ThreadKind.STORY, "Removed", "Spam.", author), 7)
    db.session.get(Thread, removed.thread_id).removed_at = utcnow()
    removed.removed_at = utcnow()
    deleted = aged(start_thread(ThreadKind.STORY, "Deleted", "Never mind.", author), 6)
    deleted.delete_by_author()
    aged(start_thread(ThreadKind.STORY, "Too recent", "Just now.", author), 1)
    db.session.commit()

    assert listed(signed_in(app, people["reader"])) == [
        "Waiting ten hours",
        "Waiting five hours",
        "Waiting anonymously",
    ]


def test_a_story_leaves_the_list_once_answered(app, people):
    story = aged(start_thread(ThreadKind.STORY, "Still waiting", "Anyone?", people["writer"]), 5)
    reader = signed_in(app, people["reader"])
    assert listed(reader) == ["Still waiting"]

    send_reply(reader, story.id, "I read it, and I'm glad you wrote it.")

    assert listed(reader) == []
