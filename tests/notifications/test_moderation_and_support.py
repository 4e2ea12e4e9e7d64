"""A moderator's action on a member's post, told with its reason's category and never its
text, with care for a post removed as harmful; a removed or deleted post's notifications gone;
support summed up ("3 people sent support"), never who, and true when support is taken back."""

import re

from support.clients import signed_in
from support.content import reply, start_thread
from support.forms import confirm, reply_through_form, send_reply
from support.members import make_member
from support.moderation import remove, restore, send
from support.notifications import bell, entries, kinds_of, unread_shown
from support.pages import html_of

from forum.database import db
from forum.models import Notification, ThreadKind

HARMFUL_WORDS = "Here is exactly how I would do it, step by step."


def react(client, post, kind="support"):
    return send(client, f"/p/{post.id}/react", {"kind": kind})


def test_a_removal_is_told_by_its_category_never_its_text(app, people):
    writer, moderator = people["writer"], people["moderator"]
    story = start_thread(title="Thin ice", author=people["another"])
    post = reply(story, writer, "Buy my course on resilience!")

    assert remove(signed_in(app, moderator), post, "spam").status_code == 303

    client = signed_in(app, writer)
    (entry,) = entries(client)
    assert entry.text == "A moderator removed your reply in “Thin ice”. Reason: Spam."
    assert "resilience" not in html_of(client.get("/notifications"))
    assert entry.links == [f"/t/{story.thread_id}-thin-ice#p{post.id}"]


def test_a_post_removed_as_harmful_is_told_with_care_and_a_way_to_help(app, people):
    writer = people["writer"]
    story = start_thread(title="The worst night", author=writer)
    post = reply(story, writer, HARMFUL_WORDS)

    remove(signed_in(app, people["moderator"]), post, "harmful")

    client = signed_in(app, writer)
    (entry,) = entries(client)
    assert entry.text.startswith("A moderator took down your reply in “The worst night”")
    assert "a judgement of you" in entry.text
    assert "/help" in entry.links
    assert "step by step" not in html_of(client.get("/notifications"))


def test_a_removed_posts_notifications_go_with_it_and_a_restore_is_told(app, people):
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Rough week", author=writer)
    answer = reply_through_form(signed_in(app, reader), story.id, "You are a waste of time.")
    react(signed_in(app, people["another"]), answer)
    assert kinds_of(writer) == [("reply", answer.id)]
    assert kinds_of(reader) == [("support", answer.id)]
    moderator = signed_in(app, people["moderator"])

    remove(moderator, answer, "harassment")

    assert kinds_of(writer) == [], "the reply's notification is deleted"
    assert kinds_of(reader) == [("moderated", answer.id)]
    assert entries(signed_in(app, writer)) == []

    restore(moderator, answer)
    assert [e.text for e in entries(signed_in(app, reader))] == [
        "A moderator restored your reply in “Rough week”: everyone can read it again.",
        "A moderator removed your reply in “Rough week”. Reason: Harassment.",
    ]


def test_a_deleted_posts_notifications_disappear(app, people):
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Second thoughts", author=writer)
    answer = reply_through_form(signed_in(app, reader), story.id, "Something I regret.")
    assert len(entries(signed_in(app, writer))) == 1

    assert confirm(signed_in(app, reader), f"/p/{answer.id}/delete").status_code == 303

    assert entries(signed_in(app, writer)) == []
    assert kinds_of(writer) == []


def test_what_a_removed_thread_told_disappears_but_its_removal(app, people):
    writer = people["writer"]
    story = start_thread(title="Removed story", author=writer)
    send_reply(signed_in(app, people["reader"]), story.id, "A reply.")
    follow_up = reply(story, people["another"], "Another.")
    db.session.add(
        Notification(
            user_id=writer.id, kind="reply", thread_id=story.thread_id, post_id=follow_up.id
        )
    )
    db.session.commit()

    remove(signed_in(app, people["moderator"]), story, "spam")

    client = signed_in(app, writer)
    (entry,) = entries(client)
    assert entry.text == "A moderator removed your story “Removed story”. Reason: Spam."
    assert entry.links == [], "a removed thread has no page to go to"
    assert unread_shown(bell(client)) == 1


def test_support_is_summed_up_never_who_and_stays_true_when_taken_back(app, people):
    writer = people["writer"]
    story = start_thread(ThreadKind.STORY, "Small wins", "I got out of bed today.", writer)
    supporters = [people["reader"], people["another"], make_member("Juniper", days_old=30)]
    clients = [signed_in(app, member) for member in supporters]
    for client, kind in zip(clients, ("support", "me-too", "thank-you"), strict=True):
        assert react(client, story, kind).status_code == 303
    react(clients[0], story, "me-too")  # one person, two reactions: counted once
    react(signed_in(app, writer), story, "support")  # the author's own: not counted

    author = signed_in(app, writer)
    (entry,) = entries(author)
    assert entry.text == "3 people sent support to your story “Small wins”."
    html = html_of(author.get("/notifications"))
    assert not any(member.pseudonym in html for member in supporters)
    assert len(kinds_of(writer)) == 1, "one row per post"

    react(clients[1], story, "me-too")  # taken back
    assert entries(author)[0].text == "2 people sent support to your story “Small wins”."
    react(clients[2], story, "thank-you")
    react(clients[0], story, "support")
    react(clients[0], story, "me-too")
    assert entries(author) == [], "nobody's support stands: nothing to say"
    assert unread_shown(bell(author)) is None


def test_support_after_it_was_read_is_told_again_once(app, people):
    writer = people["writer"]
    story = start_thread(title="Again", author=writer)
    react(signed_in(app, people["reader"]), story)
    author = signed_in(app, writer)
    (entry,) = entries(author)
    form_values = {i.get("name"): i.get("value") for i in entry.form.iter("input")}
    author.post("/notifications/read", data=form_values)
    assert not entries(author)[0].unread

    react(signed_in(app, people["another"]), story)

    (again,) = entries(author)
    assert again.unread and again.text == "2 people sent support to your story “Again”."
    assert len(kinds_of(writer)) == 1


def test_notifications_never_say_who_follows(app, people):
    writer = people["writer"]
    story = start_thread(title="Followed", author=writer)
    text = html_of(signed_in(app, writer).get("/notifications"))
    send_reply(signed_in(app, people["reader"]), story.id, "Hi.")
    text += html_of(signed_in(app, writer).get("/notifications"))

    assert not re.search(r"\bfollow(ed|s|ing)? by\b", text, re.I)
    assert "Bracken" not in text and "Cedar" not in text
