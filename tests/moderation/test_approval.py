"""First-post approval: a new member's first posts wait for a moderator, seen only by their
author (marked as waiting) and the moderators, until one approves them."""

from datetime import timedelta

import pytest
from support.clients import PARTIAL
from support.content import thread_url
from support.forms import csrf_token, reply_through_form, send_reply, share_story
from support.members import make_member
from support.moderation import (
    STORY_TITLE,
    actions,
    approve,
    flashed,
    item_post_id,
    remove,
    waiting_items,
)
from support.pages import html_of, notice, page, parse, without_tokens
from support.rows import fresh

from forum.database import db, utcnow
from forum.models import Post, Role, Thread

FIRST_STORY = "My first time writing here"
FIRST_REPLY = "This is exactly how I felt."
AUTHOR_SEES = "Waiting for a moderator: only you and the moderators can see it for now."
MODERATOR_SEES = "Waiting for a moderator: not public yet."
JUST_SENT = "Sent. A moderator will look at it before others can see it."


pytestmark = pytest.mark.usefixtures("first_posts_wait")


def pending_note(tree, post) -> str:
    article = tree.by_id(f"p{post.id}")
    note = article.find("p", class_="pending") if article else None
    return note.text if note else ""


def reply_count(post) -> int:
    db.session.expire_all()
    return db.session.get(Thread, post.thread_id).reply_count


def test_a_new_members_first_reply_waits_seen_by_them_and_the_moderators_only(town, newcomer):
    mine = town.device(newcomer)

    waiting = reply_through_form(mine, town.story.id, FIRST_REPLY)

    assert waiting.awaiting_approval
    assert reply_count(town.story) == 2  # the community's own replies only
    assert JUST_SENT in page(mine, town.thread_url).by_id(f"p{waiting.id}").text
    assert pending_note(page(mine, town.thread_url), waiting) == AUTHOR_SEES
    assert pending_note(page(town.device(town.moderator), town.thread_url), waiting) == (
        MODERATOR_SEES
    )
    for other in (None, town.author, town.another):
        html = html_of(town.device(other).get(town.thread_url))
        assert FIRST_REPLY not in html, other
        assert f'id="p{waiting.id}"' not in html, other
        assert town.device(other).get(f"/p/{waiting.id}").status_code == 404, other
    assert town.device(newcomer).get(f"/p/{waiting.id}").status_code == 200


def anonymised(response, post_id: int) -> str:
    """The answer's page with the post's id taken out of its addresses."""
    page = without_tokens(html_of(response))  # a form's token changes every second
    return page.replace(f"/p/{post_id}", "/p/N").replace(f"%2Fp%2F{post_id}", "N")


def test_a_waiting_post_answers_others_as_a_post_that_never_was(town, newcomer):
    """Its reply page would show its text; its other addresses would say it exists. To anyone
    but its author and the moderators, each answers word for word as an unknown post's does."""
    waiting = reply_through_form(town.device(newcomer), town.story.id, FIRST_REPLY)
    never = waiting.id + 1000
    member = town.device(town.another)
    member.get("/settings")  # a session, as a member who has been reading has

    for path in ("", "/reply", "/report", "/take-care", "/edit", "/delete", "/unlink"):
        for client in (town.device(None), member):
            hidden = client.get(f"/p/{waiting.id}{path}")
            unknown = client.get(f"/p/{never}{path}")
            assert hidden.status_code in (302, 404), path
            assert (hidden.status_code, anonymised(hidden, waiting.id)) == (
                unknown.status_code,
                anonymised(unknown, never),
            ), path
    for path in ("/reply", "/react", "/report"):
        data = {"kind": "support", "reason": "spam", "csrf_token": csrf_token(member)}
        response = member.post(f"/p/{waiting.id}{path}", data=data)
        assert response.status_code == 404, path
        assert FIRST_REPLY not in html_of(response)
    assert fresh(Post, waiting.id).awaiting_approval


def test_an_inline_reply_that_waits_says_so(town, newcomer):
    response = send_reply(town.device(newcomer), town.story.id, FIRST_REPLY, headers=PARTIAL)

    assert response.status_code == 200
    assert JUST_SENT in parse(html_of(response)).text


def test_a_new_members_first_thread_waits_and_is_not_listed(town, newcomer):
    thread = share_story(town.device(newcomer), title=FIRST_STORY, body="It was a long year.")
    url = thread_url(thread)

    assert town.device(newcomer).get(url).status_code == 200
    assert town.device(town.moderator).get(url).status_code == 200
    for other in (None, town.author):
        assert town.device(other).get(url).status_code == 404, other
    for reader in (None, town.author, newcomer):
        for listing in ("/", "/stories"):
            assert FIRST_STORY not in page(town.device(reader), listing).text, (reader, listing)
    assert STORY_TITLE in page(town.device(None), "/").text


def test_a_waiting_thread_is_marked_as_waiting_for_its_author(town, newcomer):
    thread = share_story(town.device(newcomer), title=FIRST_STORY, body="It was a long year.")

    tree = page(town.device(newcomer), thread_url(thread))

    assert AUTHOR_SEES in tree.text


def test_moderators_approve_the_first_posts_then_the_next_is_published_at_once(town, newcomer):
    mine = town.device(newcomer)
    thread = share_story(mine, title=FIRST_STORY, body="It was a long year.")
    waiting_reply = reply_through_form(mine, town.story.id, FIRST_REPLY)
    opening_id = fresh_waiting()[0].id
    moderator = town.device(town.moderator)

    assert [item_post_id(i) for i in waiting_items(moderator)] == [opening_id, waiting_reply.id]
    assert "Waiting for approval (2)" in page(moderator, "/mod").text

    plain = approve(moderator, fresh(Post, opening_id))
    assert plain.headers["Location"] == "/mod"
    assert "Approved: everyone can see it now." in notice(flashed(moderator, plain))
    with_htmx = approve(moderator, waiting_reply, htmx=True)
    assert with_htmx.status_code == 200
    assert "<html" not in html_of(with_htmx)
    assert "Approved: everyone can see it now." in parse(html_of(with_htmx)).find("li").text

    assert waiting_items(moderator) == []
    assert town.device(None).get(thread_url(thread)).status_code == 200
    assert FIRST_STORY in page(town.device(None), "/").text
    assert FIRST_REPLY in page(town.device(town.author), town.thread_url).text
    assert reply_count(town.story) == 3
    assert [a.action for a in actions()] == ["approve", "approve"]

    third = reply_through_form(mine, town.story.id, "And one more thing.")

    assert not third.awaiting_approval
    assert "And one more thing." in page(town.device(None), town.thread_url).text
    assert reply_count(town.story) == 4
    assert waiting_items(moderator) == []


def test_an_approved_post_shows_when_it_was_published(town, newcomer):
    """Shown with the time it was written, a post published hours later would tell every
    reader that it waited for a moderator, and so that its author is new here."""
    waiting = reply_through_form(town.device(newcomer), town.story.id, FIRST_REPLY)
    waiting.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()

    approve(town.device(town.moderator), waiting)

    assert abs(fresh(Post, waiting.id).created_at - utcnow()) < timedelta(minutes=1)
    shown = page(town.device(None), town.thread_url).by_id(f"p{waiting.id}").find("time")
    assert shown.text == "just now"


def fresh_waiting() -> list[Post]:
    db.session.expire_all()
    return db.session.scalars(db.select(Post).where(Post.awaiting_approval).order_by(Post.id)).all()


def test_posts_keep_waiting_until_enough_are_approved(town, newcomer):
    mine = town.device(newcomer)
    first = reply_through_form(mine, town.story.id, "One.")
    second = reply_through_form(mine, town.story.id, "Two.")
    third = reply_through_form(mine, town.story.id, "Three.")
    assert [first.awaiting_approval, second.awaiting_approval, third.awaiting_approval] == [
        True,
        True,
        True,
    ]

    approve(town.device(town.moderator), first)

    assert reply_through_form(mine, town.story.id, "Four.").awaiting_approval
    assert reply_count(town.story) == 3  # the community's two and the approved one


def test_the_reply_count_counts_approved_replies_only(town, newcomer):
    waiting = reply_through_form(town.device(newcomer), town.story.id, FIRST_REPLY)
    heading = page(town.device(None), town.thread_url).by_id("replies-heading")
    assert heading.text == "2 replies"  # the reply and the answer to it

    approve(town.device(town.moderator), waiting)

    assert page(town.device(None), town.thread_url).by_id("replies-heading").text == "3 replies"
    approve(town.device(town.moderator), waiting)  # twice: counted once
    assert reply_count(town.story) == 3


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_staff_posts_never_wait(town, role):
    staff = make_member(f"new_{role.value}", role)

    posted = reply_through_form(town.device(staff), town.story.id, "Welcome, everyone.")

    assert not posted.awaiting_approval


def test_approval_can_be_switched_off(app, town, newcomer):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 0

    assert not reply_through_form(town.device(newcomer), town.story.id, "Hi.").awaiting_approval


def test_a_waiting_post_removed_by_a_moderator_leaves_the_waiting_list(town, newcomer):
    spam = reply_through_form(town.device(newcomer), town.story.id, "Cheap pills here.")
    moderator = town.device(town.moderator)

    remove(moderator, spam, "spam")

    assert fresh(Post, spam.id).removed_at is not None
    assert waiting_items(moderator) == []
