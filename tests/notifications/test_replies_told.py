"""A reply tells its parent's author and the thread's followers, once each, in one statement
of the reply's own transaction: never its writer, never a member who muted a named writer,
never while it waits for a moderator (then at its approval)."""

import re
from datetime import timedelta

from support.clients import PARTIAL, signed_in
from support.content import reply, start_thread, thread_of
from support.forms import reply_through_form, send_reply
from support.members import make_member
from support.moderation import approve
from support.notifications import entries, everyone_told, follow
from support.pages import html_of

from forum.database import db, utcnow
from forum.models import Mute, Notification, Role, Thread, ThreadKind
from forum.notifications import telling

INSERT_NOTIFICATION = re.compile(r"^\s*INSERT INTO notification\b", re.I)


def test_a_reply_tells_the_parents_author_and_the_followers_once_each(app, people):
    writer, reader, another = people["writer"], people["reader"], people["another"]
    story = start_thread(title="A long winter", author=writer)
    answer = reply(story, reader, "I hear you.")
    for follower in (writer, reader, another):
        follow(follower, story.thread_id)

    new = reply_through_form(signed_in(app, another), answer.id, "Me too, every word.")

    # Sorrel wrote the post answered: a reply to her post, not also one in a thread she
    # follows; Hazel follows her story; Bracken wrote the reply and hears nothing of it.
    assert everyone_told(new) == {"Sorrel": "reply", "Hazel": "followed-reply"}
    texts = [entry.text for entry in entries(signed_in(app, reader))]
    assert texts == ["Bracken replied to your post in “A long winter”."]
    assert [e.text for e in entries(signed_in(app, writer))] == [
        "Bracken replied in your story “A long winter”."
    ]


def test_a_reply_to_the_opening_post_tells_its_author_of_a_reply_to_their_story(app, people):
    story = start_thread(title="Nights without sleep", author=people["writer"])

    send_reply(signed_in(app, people["reader"]), story.id, "That sounds exhausting.")

    (entry,) = entries(signed_in(app, people["writer"]))
    assert entry.text == "Sorrel replied to your story “Nights without sleep”."
    assert entry.unread


def test_telling_a_reply_is_one_statement_however_many_hear_of_it(app, people, count_queries):
    story = start_thread(title="Busy", author=people["writer"])
    followers = [make_member(f"follower_{n}", days_old=30) for n in range(12)]
    client = signed_in(app, people["reader"])
    with count_queries() as few:
        send_reply(client, story.id, "First.")
    for member in followers:
        follow(member, story.thread_id)
    with count_queries() as many:
        send_reply(client, story.id, "Second.")

    inserts = [s for s in many if INSERT_NOTIFICATION.match(s)]
    assert len(inserts) == 1
    assert len(many) == len(few)
    assert db.session.query(Notification).count() == 1 + 1 + len(followers)


def test_a_muted_members_named_replies_tell_nobody_who_muted_them(app, people):
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Quiet", author=writer)
    follow(writer, story.thread_id)
    db.session.add(Mute(muter_id=writer.id, muted_id=reader.id))
    db.session.commit()

    named = reply_through_form(signed_in(app, reader), story.id, "Named words.")

    assert everyone_told(named) == {}
    assert entries(signed_in(app, writer)) == []


def test_an_anonymous_reply_is_told_even_to_who_muted_its_writer(app, people):
    """As the thread page folds a muted member's named posts only: leaving an anonymous reply
    untold would tell the one who muted its writer who wrote it."""
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Quiet", author=writer)
    db.session.add(Mute(muter_id=writer.id, muted_id=reader.id))
    db.session.commit()

    hidden = reply_through_form(signed_in(app, reader), story.id, "Hidden words.", anonymous=True)

    assert everyone_told(hidden) == {"Hazel": "reply"}
    (entry,) = entries(signed_in(app, writer))
    assert re.fullmatch(r"Anonymous [A-Z][a-z]+ replied to your story “Quiet”\.", entry.text)
    assert "Sorrel" not in html_of(signed_in(app, writer).get("/notifications"))


def test_muting_a_member_later_hides_what_their_named_replies_told(app, people):
    writer, reader = people["writer"], people["reader"]
    story = start_thread(title="Later", author=writer)
    send_reply(signed_in(app, reader), story.id, "Named.")
    send_reply(signed_in(app, people["another"]), story.id, "Another.")
    db.session.add(Mute(muter_id=writer.id, muted_id=reader.id))
    db.session.commit()

    assert [e.text for e in entries(signed_in(app, writer))] == [
        "Bracken replied to your story “Later”."
    ]


def test_a_reply_waiting_for_a_moderator_is_told_when_approved(app, people):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1
    writer, moderator = people["writer"], people["moderator"]
    newcomer = make_member("Newcomer", days_old=2)
    story = start_thread(title="Waiting with me", author=writer)
    follow(people["another"], story.thread_id)

    waiting = reply_through_form(signed_in(app, newcomer), story.id, "Hello, I am new.")
    assert waiting.awaiting_approval
    assert everyone_told(waiting) == {}

    assert approve(signed_in(app, moderator), waiting).status_code in (200, 303)
    told = everyone_told(waiting)
    assert told == {"Hazel": "reply", "Bracken": "followed-reply", "Newcomer": "approved"}
    (entry,) = entries(signed_in(app, newcomer))
    assert entry.text == (
        "A moderator approved your reply in “Waiting with me”: everyone can read it now."
    )


def test_the_first_reply_to_a_story_that_waited_is_told_gently(app, people):
    app.config["UNANSWERED_AFTER_HOURS"] = 3
    writer = people["writer"]
    story = start_thread(title="Anyone there?", author=writer)
    thread_of(story).created_at = utcnow() - timedelta(hours=5)
    quick = start_thread(title="Answered soon", author=writer)
    db.session.commit()
    reader = signed_in(app, people["reader"])

    send_reply(reader, story.id, "I am here. I read every word.")
    send_reply(reader, quick.id, "Thank you for sharing.")

    texts = [e.text for e in entries(signed_in(app, writer))]
    assert texts == [
        "Sorrel replied to your story “Answered soon”.",
        "Your story “Anyone there?” has its first reply, from Sorrel. Waiting can feel long: "
        "thank you for sharing it here.",
    ]
    send_reply(signed_in(app, people["another"]), story.id, "Me too.")
    assert entries(signed_in(app, writer))[0].text == (
        "2 new replies in your story “Anyone there?”, all of them to you."
    )


def test_nobody_hears_of_a_reply_they_may_not_see(app, people):
    """A staff reply in a thread whose opening post waits for a moderator stands in no public
    place: nobody is told (forum.policy.public_posts)."""
    newcomer = make_member("Newcomer", days_old=1)
    opening = start_thread(title="Still waiting", author=newcomer, awaiting_approval=True)
    follow(people["another"], opening.thread_id)
    staff = make_member("Birch", Role.MODERATOR, days_old=90)

    staff_reply = reply(opening, staff, "Welcome.", commit=False)
    telling.reply_published(staff_reply)
    db.session.commit()

    assert everyone_told(staff_reply) == {}


def test_a_reply_in_a_removed_thread_tells_nobody(app, people):
    story = start_thread(title="Gone", author=people["writer"])
    thread_of(story).removed_at = utcnow()
    db.session.commit()
    late = reply(story, people["moderator"], "Noted.", commit=False)
    telling.reply_published(late)
    db.session.commit()

    assert everyone_told(late) == {}


def test_each_reply_links_to_the_reply_in_place(app, people):
    app.config["REPLIES_PER_PAGE"] = 2
    writer = people["writer"]
    story = start_thread(ThreadKind.DISCUSSION, "What helps?", "Share.", writer)
    for number in range(4):
        reply(story, people["another"], f"Earlier {number}")
    late = reply_through_form(signed_in(app, people["reader"]), story.id, "Late, on a later page.")

    (entry,) = entries(signed_in(app, writer))
    link = entry.links[-1]
    thread = db.session.get(Thread, story.thread_id)
    assert link == f"/t/{thread.id}-{thread.slug}?from={late.id}#p{late.id}"
    landing = html_of(signed_in(app, writer).get(link.split("#")[0]))
    assert f'id="p{late.id}"' in landing


def test_the_list_and_its_htmx_part_answer_one_url(app, people):
    story = start_thread(title="Shapes", author=people["writer"])
    send_reply(signed_in(app, people["reader"]), story.id, "Hello.")
    client = signed_in(app, people["writer"])

    whole = client.get("/notifications")
    part = client.get("/notifications?before=999999", headers=PARTIAL)

    assert "<html" in html_of(whole) and "<html" not in html_of(part)
    assert "HX-Request-Type" in whole.headers.get("Vary", "")
    assert whole.headers["Cache-Control"] == "no-store"
