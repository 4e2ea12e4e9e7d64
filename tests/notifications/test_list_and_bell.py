"""The list at /notifications and the header's bell: one rule of what is unread (not marked
read, and not read since in its thread), replies in one thread collapsed into one entry, pages
newest first, marking one or all read with plain forms or htmx, and the bell's count."""

import re

import pytest
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread
from support.forms import csrf_token
from support.moderation import remove
from support.notifications import (
    bell,
    bell_of,
    entries,
    entries_in,
    follow,
    kinds_of,
    read_up_to,
    told_replies,
    unread_shown,
)
from support.pages import html_of, location, page, parse

from forum.database import db
from forum.models import Thread, ThreadKind


def form_data(entry) -> dict[str, str]:
    return {i.get("name"): i.get("value") for i in entry.form.iter("input")}


@pytest.fixture
def scene(app, people):
    """Hazel's story with four replies from others (one to her story, three in it that she
    follows), and her discussion with one."""
    writer, reader, another = people["writer"], people["reader"], people["another"]
    story = start_thread(title="A long winter", author=writer)
    follow(writer, story.thread_id)
    first = told_replies(story, reader)[0]
    rest = told_replies(first, another, reader, another)
    talk = start_thread(ThreadKind.DISCUSSION, "What helps?", "Share.", writer)
    told_replies(talk, another)
    return {"story": story, "replies": [first, *rest], "talk": talk}


def test_replies_in_one_thread_collapse_into_one_entry(app, people, scene):
    client = signed_in(app, people["writer"])

    shown = entries(client)

    assert [e.text for e in shown] == [
        "Bracken replied to your discussion “What helps?”.",
        "4 new replies in your story “A long winter”, 1 of them to you.",
    ]
    first = scene["replies"][0]
    story_thread = db.session.get(Thread, first.thread_id)
    assert shown[1].links == [f"/t/{story_thread.id}-a-long-winter#p{first.id}"]
    assert all(e.unread and e.marked_new for e in shown)
    assert unread_shown(bell(client)) == 2


def test_reading_the_thread_past_a_reply_makes_it_read_with_no_write_of_its_own(app, people, scene):
    writer = people["writer"]
    replies = scene["replies"]
    read_up_to(writer, replies[1])  # as the thread page would leave it

    shown = entries(signed_in(app, writer))

    assert [(e.text, e.unread) for e in shown] == [
        ("Bracken replied to your discussion “What helps?”.", True),
        ("2 new replies in your story “A long winter”.", True),
        ("2 replies in your story “A long winter”, 1 of them to you.", False),
    ]
    assert shown[1].links[-1].endswith(f"#p{replies[2].id}"), "the first unread one"
    assert shown[1].id != shown[2].id
    assert unread_shown(bell(signed_in(app, writer))) == 2

    read_up_to(writer, replies[3])
    assert unread_shown(bell(signed_in(app, writer))) == 1
    assert [e.unread for e in entries(signed_in(app, writer))] == [True, False]


def test_mark_one_read_with_a_plain_form(app, people, scene):
    client = signed_in(app, people["writer"])
    talk_entry = entries(client)[0]

    response = client.post("/notifications/read", data=form_data(talk_entry))

    assert response.status_code == 303 and location(response) == "/notifications"
    after = page(client, "/notifications")
    assert "Marked as read." in after.find("div", class_="notice").text
    assert [e.unread for e in entries_in(after)] == [False, True]
    assert unread_shown(bell_of(after)) == 1


def test_mark_one_read_with_htmx_answers_the_list_and_the_bell(app, people, scene):
    client = signed_in(app, people["writer"])
    story_entry = entries(client)[1]

    response = client.post("/notifications/read", data=form_data(story_entry), headers=PARTIAL)

    assert response.status_code == 200
    tree = parse(html_of(response))
    assert "<html" not in html_of(response)
    shown = entries_in(tree)
    assert [e.unread for e in shown] == [True, False]
    assert "data-focus-here" in shown[1].element.attrs, "focus stays with the entry marked"
    oob = tree.by_id("notifications-link")
    assert oob.get("data-hx-swap-oob") == "true" and unread_shown(oob) == 1


def test_a_reply_arriving_after_the_page_was_shown_stays_unread(app, people, scene):
    client = signed_in(app, people["writer"])
    shown = entries(client)
    told_replies(scene["story"], people["another"])  # while the page was open

    client.post("/notifications/read", data=form_data(shown[1]))
    assert [(e.text, e.unread) for e in entries(client)] == [
        ("Bracken replied to your story “A long winter”.", True),
        ("Bracken replied to your discussion “What helps?”.", True),
        ("4 replies in your story “A long winter”, 1 of them to you.", False),
    ]

    form = page(client, "/notifications").find("form", class_="mark-all")
    stale_upto = {i.get("name"): i.get("value") for i in form.iter("input")}
    told_replies(scene["talk"], people["reader"])
    response = client.post("/notifications/read-all", data=stale_upto)
    assert response.status_code == 303
    assert [(e.text, e.unread) for e in entries(client)] == [
        ("Sorrel replied to your discussion “What helps?”.", True),
        ("5 replies in your story “A long winter”, 2 of them to you.", False),
        ("Bracken replied to your discussion “What helps?”.", False),
    ]


def test_mark_all_read(app, people, scene):
    client = signed_in(app, people["writer"])
    form = page(client, "/notifications").find("form", class_="mark-all")
    data = {i.get("name"): i.get("value") for i in form.iter("input")}

    response = client.post("/notifications/read-all", data=data, headers=PARTIAL)

    tree = parse(html_of(response))
    assert [e.unread for e in entries_in(tree)] == [False, False]
    assert tree.find("form", class_="mark-all") is None
    status = tree.find("p", class_="notice")
    assert status.text == "All marked as read." and status.get("role") == "status"
    assert unread_shown(bell(client)) is None
    assert "Notifications" in bell(client).text


@pytest.mark.parametrize("path", ["/notifications/read", "/notifications/read-all"])
def test_marking_needs_a_valid_form(app, people, scene, path):
    client = signed_in(app, people["writer"])
    token = csrf_token(client, "/settings")
    assert client.post(path, data={"entry": "replies-1", "upto": "9"}).status_code == 400
    bad = {"csrf_token": token, "entry": "nonsense", "upto": "x", "waiting": "DROP TABLE"}
    assert client.post(path, data=bad).status_code == 400
    assert all(e.unread for e in entries(client))


def test_one_member_cannot_mark_anothers_notifications(app, people, scene):
    writer_entry = entries(signed_in(app, people["writer"]))[0]
    reader = signed_in(app, people["reader"])
    data = {**form_data(writer_entry), "csrf_token": csrf_token(reader, "/settings")}

    assert reader.post("/notifications/read", data=data).status_code == 303
    assert reader.post("/notifications/read-all", data={**data, "upto": "99999"}).status_code == 303

    assert all(e.unread for e in entries(signed_in(app, people["writer"])))


def test_pages_newest_first_each_entry_once(app, people):
    app.config["NOTIFICATIONS_PER_PAGE"] = 3
    writer = people["writer"]
    threads = [start_thread(title=f"Story {n}", author=writer) for n in range(7)]
    for opening in threads:
        told_replies(opening, people["reader"], people["another"])
    client = signed_in(app, writer)

    seen, url, pages = [], "/notifications", 0
    while url:
        tree = page(client, url)
        seen += [e.text for e in entries_in(tree)]
        more = tree.by_id("more-notifications")
        url = more.find("a").get("href") if more is not None else None
        pages += 1

    assert pages == 3
    assert seen == [
        f"2 new replies in your story “Story {n}”, all of them to you." for n in range(6, -1, -1)
    ]
    older = page(client, "/notifications").by_id("more-notifications").find("a")
    part = client.get(older.get("href"), headers=PARTIAL)
    assert len(entries_in(f'<ol id="notification-list">{html_of(part)}</ol>')) == 3


def test_an_anonymous_reply_is_told_by_its_alias_only(app, people):
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Alias", author=writer)
    reply(story, reader, "Named earlier.")
    (hidden,) = told_replies(story, reader)
    hidden.make_anonymous()
    db.session.commit()

    html = html_of(signed_in(app, writer).get("/notifications"))

    (entry,) = entries_in(html)
    assert re.fullmatch(r"Anonymous [A-Z][a-z]+ replied to your story “Alias”\.", entry.text)
    assert "Sorrel" not in html and "/u/Sorrel" not in html


def test_the_bell_is_for_members_only_and_its_count_can_be_hidden(app, people, scene):
    guest_home = html_of(device(app).get("/"))
    assert "notifications-link" not in guest_home and "/notifications" not in guest_home

    writer = people["writer"]
    item = bell(signed_in(app, writer))
    link = item.find("a")
    assert link.get("href") == "/notifications"
    heard = link.find("span", class_="visually-hidden")
    assert heard.text == "Notifications, 2 unread", "in words, for screen readers"
    assert link.visible_text == "Notifications2"  # the word, and the count as a badge
    assert item.get("data-hx-get") == "/notifications/bell"
    assert item.get("data-hx-trigger") == "forum-refresh"
    assert item.get("data-refresh-every") == str(app.config["NOTIFICATIONS_POLL_SECONDS"])
    assert item.get("data-hx-select-oob") == "#notifications-link"

    writer.show_notification_count = False
    db.session.commit()
    quiet = bell(signed_in(app, writer))
    assert quiet.find("a").text == "Notifications"
    assert quiet.find("span", class_="count") is None
    assert quiet.get("data-hx-get") is None, "no count: nothing to ask for again"


def test_the_bells_own_address(app, people, scene):
    client = signed_in(app, people["writer"])
    response = client.get("/notifications/bell", headers=PARTIAL)

    (item,) = parse(html_of(response)).elements
    assert item.get("id") == "notifications-link" and unread_shown(item) == 2
    assert "HX-Request-Type" in response.headers.get("Vary", "")
    as_page = client.get("/notifications/bell")
    assert as_page.status_code == 303 and location(as_page) == "/notifications"
    guest = device(app).get("/notifications/bell", headers=PARTIAL)
    assert guest.status_code == 302 and location(guest).startswith("/login")


def test_nothing_yet(app, people):
    tree = page(signed_in(app, people["writer"]), "/notifications")
    assert entries_in(tree) == []
    assert "Nothing yet" in tree.find("p", class_="empty").text
    assert tree.find("form", class_="mark-all") is None


def test_the_bell_counts_what_the_list_shows(app, people, scene):
    """A removed reply's notification is gone from both; a moderator's removal is in both."""
    writer = people["writer"]
    remove(signed_in(app, people["moderator"]), scene["replies"][0], "spam")
    client = signed_in(app, writer)
    shown = entries(client)
    assert [e.text for e in shown] == [
        "Bracken replied to your discussion “What helps?”.",
        "3 new replies in your story “A long winter”.",
    ]
    assert unread_shown(bell(client)) == len([e for e in shown if e.unread])
    assert len(kinds_of(writer)) == 4
