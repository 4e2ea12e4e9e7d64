"""Listeners: members who choose to hear of stories that have waited hours without a reply (the
unanswered list's stories, at its threshold) see them with their notifications, by title, never
by who wrote them. They are read live, so it works with no scheduled job: a story that crosses
the threshold is there at the next page or bell, and one that is answered leaves."""

import pytest
from support.clients import PARTIAL, signed_in
from support.content import aged, reply, start_thread
from support.forms import settings_post
from support.notifications import bell, read_up_to, unread_shown, waiting_in
from support.pages import html_of, is_checked, page, parse

from forum.database import db
from forum.models import Mute, ThreadKind, User


def waiting(client) -> list:
    return waiting_in(page(client, "/notifications"))


@pytest.fixture
def listener(app, people) -> User:
    app.config["UNANSWERED_AFTER_HOURS"] = 3
    client = signed_in(app, people["reader"])
    ticked = {"listens_for_unanswered": "y", "show_notification_count": "y"}
    assert settings_post(client, "preferences", ticked).status_code == 303
    assert is_checked(page(client, "/settings"), "listens_for_unanswered")
    db.session.expire_all()
    return db.session.get(User, people["reader"].id)


def test_members_are_no_listeners_until_they_choose(app, people):
    aged(start_thread(title="Waiting", author=people["writer"]), 5)
    client = signed_in(app, people["reader"])

    assert waiting(client) is None
    assert unread_shown(bell(client)) is None
    assert not is_checked(page(client, "/settings"), "listens_for_unanswered")


def test_a_listener_hears_of_waiting_stories_by_title_never_by_author(app, people, listener):
    writer = people["writer"]
    aged(start_thread(title="Five hours", body="Anyone?", author=writer), 5)
    aged(start_thread(title="Anonymous wait", author=writer, anonymous=True), 4)
    aged(start_thread(title="Too recent", author=writer), 1)
    answered = aged(start_thread(title="Answered", author=writer), 8)
    reply(answered, people["another"], "I hear you.")
    aged(start_thread(ThreadKind.DISCUSSION, "A discussion", "Hm?", writer), 9)
    aged(start_thread(title="My own", author=listener), 6)
    client = signed_in(app, listener)

    shown = waiting(client)

    assert [s.text for s in shown] == [
        "“Anonymous wait” is waiting for a first reply.",
        "“Five hours” is waiting for a first reply.",
    ]
    assert all(s.unread and s.marked_new for s in shown)
    html = html_of(client.get("/notifications"))
    assert "Hazel" not in html and "/u/Hazel" not in html
    assert unread_shown(bell(client)) == 2


def test_reading_a_waiting_story_or_marking_it_read_makes_it_read(app, people, listener):
    first = aged(start_thread(title="First", author=people["writer"]), 5)
    aged(start_thread(title="Second", author=people["writer"]), 4)
    client = signed_in(app, listener)

    read_up_to(listener, first)  # the story's page, as the reading position leaves it
    assert [s.unread for s in waiting(client)] == [True, False]
    second = waiting(client)[0]
    data = {i.get("name"): i.get("value") for i in second.form.iter("input")}
    response = client.post("/notifications/read", data=data, headers=PARTIAL)

    tree = parse(html_of(response))
    assert [s.unread for s in waiting_in(tree)] == [False, False]
    assert unread_shown(tree.by_id("notifications-link")) is None
    assert unread_shown(bell(client)) is None


def test_mark_all_read_includes_the_waiting_stories_shown(app, people, listener):
    aged(start_thread(title="Shown", author=people["writer"]), 5)
    client = signed_in(app, listener)
    form = page(client, "/notifications").find("form", class_="mark-all")
    data = {i.get("name"): i.get("value") for i in form.iter("input")}
    aged(start_thread(title="Crossed the line later", author=people["writer"]), 6)

    client.post("/notifications/read-all", data=data)

    assert [(s.text, s.unread) for s in waiting(client)] == [
        ("“Shown” is waiting for a first reply.", False),
        ("“Crossed the line later” is waiting for a first reply.", True),
    ]


def test_an_answered_story_leaves_the_listeners_list(app, people, listener):
    story = aged(start_thread(title="Still waiting", author=people["writer"]), 5)
    client = signed_in(app, listener)
    assert len(waiting(client)) == 1

    reply(story, people["another"], "I read it.")

    assert waiting(client) == []
    assert "No story has waited long" in page(client, "/notifications").text


def test_a_listener_who_muted_a_member_does_not_hear_of_their_named_stories(app, people, listener):
    writer = people["writer"]
    aged(start_thread(title="Named", author=writer), 5)
    aged(start_thread(title="Anonymous", author=writer, anonymous=True), 5)
    db.session.add(Mute(muter_id=listener.id, muted_id=writer.id))
    db.session.commit()

    assert [s.text for s in waiting(signed_in(app, listener))] == [
        "“Anonymous” is waiting for a first reply."
    ]


def test_a_listener_sees_the_newest_ten_and_the_whole_list_is_a_link_away(app, people, listener):
    for hours in range(4, 16):
        aged(start_thread(title=f"Waited {hours} hours", author=people["writer"]), hours)
    tree = page(signed_in(app, listener), "/notifications")

    shown = waiting_in(tree)
    assert [s.text.split(" is ")[0] for s in shown] == [
        f"“Waited {hours} hours”" for hours in range(4, 14)
    ]
    assert unread_shown(bell(signed_in(app, listener))) == 10
    assert "/stories/unanswered" in [a.get("href") for a in tree.iter("a")]
