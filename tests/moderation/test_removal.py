"""Removing and restoring posts with a reason (a tombstone keeps the replies in place, the text
stays for moderators), with a plain form or htmx; locking and pinning threads."""

import pytest
from support.content import thread_url
from support.faults import database_gone_after_the_commit
from support.forms import csrf_token, reply_through_form
from support.moderation import (
    ANSWER_BODY,
    REPLY_BODY,
    STORY_BODY,
    STORY_TITLE,
    actions,
    flashed,
    lock,
    pin,
    remove,
    restore,
    send,
    tombstone,
)
from support.pages import html_of, notice, page, parse
from support.rows import fresh

from forum.database import db
from forum.models import Post, RemovalReason, Thread

REMOVED_TEXT_SUMMARY = "Removed text (moderators only)"


@pytest.mark.parametrize("reason", list(RemovalReason), ids=lambda reason: reason.value)
def test_a_moderator_removes_and_restores_a_reply_with_each_reason(town, reason):
    note = "Advertising a paid service" if reason == RemovalReason.OTHER else ""
    moderator = town.device(town.moderator)

    response = remove(moderator, town.harsh, reason.value, note)

    assert response.headers["Location"] == f"{town.thread_url}#p{town.harsh.id}"
    assert "Removed. The text is kept" in notice(flashed(moderator, response))
    removed = fresh(Post, town.harsh.id)
    assert removed.removed_at is not None
    assert removed.removed_by_id == town.moderator.id
    assert removed.removal_reason == reason
    assert removed.removal_note == (note or None)
    assert removed.body == REPLY_BODY  # kept for moderators and a restore
    tree = page(town.device(None), town.thread_url)
    shown = note or reason.label
    assert tombstone(tree, town.harsh) == f"Removed by moderators: {shown}."
    assert REPLY_BODY not in tree.text
    # The reply to it keeps its place, under the tombstone.
    under = tree.by_id(f"replies-{town.harsh.id}")
    assert under is not None and under.by_id(f"p{town.answer.id}") is not None
    assert ANSWER_BODY in under.text
    assert [(a.action, a.reason) for a in actions()] == [("remove", reason.value)]

    said = notice(flashed(moderator, restore(moderator, town.harsh)))
    assert "Restored: everyone can read it again." in said

    restored = fresh(Post, town.harsh.id)
    assert (restored.removed_at, restored.removal_reason, restored.removal_note) == (None,) * 3
    tree = page(town.device(None), town.thread_url)
    assert tombstone(tree, town.harsh) == ""
    assert REPLY_BODY in tree.by_id(f"p{town.harsh.id}").text
    assert [a.action for a in actions()] == ["remove", "restore"]


@pytest.mark.parametrize("note", ["", "   "])
def test_the_reason_other_needs_a_note(town, note):
    moderator = town.device(town.moderator)

    page_after = flashed(moderator, remove(moderator, town.harsh, "other", note))
    htmx = remove(moderator, town.harsh, "other", note, htmx=True)

    assert "Please say in a few words why" in notice(page_after)
    assert htmx.status_code == 403
    assert "Please say in a few words why" in html_of(htmx)
    assert fresh(Post, town.harsh.id).removed_at is None
    assert actions() == []


def test_a_removal_needs_a_known_reason(town):
    moderator = town.device(town.moderator)

    for reason in ("", "because"):
        assert remove(moderator, town.harsh, reason, htmx=True).status_code == 403

    assert fresh(Post, town.harsh.id).removed_at is None
    assert actions() == []


def test_a_note_is_only_kept_for_the_reason_other(town):
    moderator = town.device(town.moderator)

    remove(moderator, town.harsh, "spam", "a note that should not show")

    assert fresh(Post, town.harsh.id).removal_note is None
    assert "a note that should not show" not in html_of(town.device(None).get(town.thread_url))


def test_only_moderators_see_the_removed_text_and_can_restore_it(town):
    remove(town.device(town.moderator), town.harsh, "harassment")

    for reader in (None, town.author, town.reader, town.another):
        html = html_of(town.device(reader).get(town.thread_url))
        assert REPLY_BODY not in html, reader
        assert REMOVED_TEXT_SUMMARY not in html, reader
        assert f"/mod/posts/{town.harsh.id}/restore" not in html, reader

    for staff in (town.moderator, town.admin):
        card = page(town.device(staff), town.thread_url).by_id(f"p{town.harsh.id}")
        details = card.find("details", class_="removed-text")
        assert details is not None and "open" not in details.attrs
        assert details.find("summary").text == REMOVED_TEXT_SUMMARY
        assert REPLY_BODY in details.text
        restore_forms = [
            form
            for form in card.iter("form")
            if form.get("action") == f"/mod/posts/{town.harsh.id}/restore"
        ]
        assert len(restore_forms) == 1
        assert restore_forms[0].get("method") == "post"


def test_a_removed_post_is_on_no_page_of_its_author(town):
    remove(town.device(town.moderator), town.harsh, "harassment")

    html = html_of(town.device(None).get(f"/u/{town.reader.pseudonym}"))

    assert f"#p{town.harsh.id}" not in html


def test_removing_the_opening_post_takes_the_thread_out_of_the_listings(town):
    moderator = town.device(town.moderator)
    assert STORY_TITLE in page(town.device(None), "/").text

    response = remove(moderator, town.story, "personal-information")

    assert response.status_code == 303
    assert fresh(Thread, town.story.thread_id).removed_at is not None
    for listing in ("/", "/stories"):
        assert STORY_TITLE not in page(town.device(None), listing).text
    for reader in (None, town.reader, town.author):
        gone = town.device(reader).get(town.thread_url)
        assert gone.status_code == 410
        assert "This thread was removed by the moderators." in html_of(gone)
        assert STORY_TITLE not in html_of(gone) and STORY_BODY not in html_of(gone)
    tree = page(moderator, town.thread_url)  # moderators still see it, for a restore
    assert tombstone(tree, town.story) == "Removed by moderators: Personal information."
    assert tree.by_id(f"p{town.harsh.id}") is not None  # the replies are still there
    assert [a.action for a in actions()] == ["remove-thread"]

    restore(moderator, town.story)

    assert STORY_TITLE in page(town.device(None), "/").text
    assert [a.action for a in actions()] == ["remove-thread", "restore-thread"]


def test_a_removed_thread_no_longer_names_its_author(town):
    """The log links to the tombstone: it must not name the member behind the removal."""
    remove(town.device(town.moderator), town.story, "harmful")

    for reader in (None, town.reader, town.moderator):
        html = html_of(town.device(reader).get(town.thread_url))
        assert f"/u/{town.author.pseudonym}" not in html
        opening = parse(html).find("article", class_="opening")
        assert opening is None or town.author.pseudonym not in opening.text


# --- htmx ----------------------------------------------------------------------------------


def is_fragment(html: str) -> bool:
    return "<html" not in html and "<body" not in html and "site-header" not in html


def test_htmx_remove_and_restore_answer_the_post_card_alone(town):
    moderator = town.device(town.moderator)

    removed = remove(moderator, town.harsh, "spam", htmx=True)

    assert removed.status_code == 200
    assert is_fragment(html_of(removed))
    tree = parse(html_of(removed))
    assert [article.get("id") for article in tree.find_all("article")] == [f"p{town.harsh.id}"]
    assert tombstone(tree, town.harsh) == "Removed by moderators: Spam."
    assert REPLY_BODY in tree.find("details", class_="removed-text").text
    assert any(f.get("action") == f"/mod/posts/{town.harsh.id}/restore" for f in tree.iter("form"))
    assert fresh(Post, town.harsh.id).removed_at is not None

    restored = restore(moderator, town.harsh, htmx=True)

    assert restored.status_code == 200
    assert is_fragment(html_of(restored))
    tree = parse(html_of(restored))
    assert tree.find("p", class_="tombstone") is None
    assert REPLY_BODY in tree.by_id(f"p{town.harsh.id}").find("div", class_="prose").text
    assert any(f.get("action") == f"/mod/posts/{town.harsh.id}/remove" for f in tree.iter("form"))
    assert fresh(Post, town.harsh.id).removed_at is None


def test_htmx_remove_from_the_queue_answers_the_queue_item(town):
    moderator = town.device(town.moderator)

    response = send(
        moderator,
        f"/mod/posts/{town.harsh.id}/remove",
        {"reason": "harassment", "note": "", "from": "queue"},
        htmx=True,
    )

    assert response.status_code == 200
    assert is_fragment(html_of(response))
    item = parse(html_of(response)).find("li")
    assert {"queue-item", "done"} <= item.classes
    assert item.get("role") == "status"
    assert "Removed." in item.text
    assert REPLY_BODY not in html_of(response)
    assert fresh(Post, town.harsh.id).removed_at is not None


def test_without_javascript_the_queue_form_returns_to_the_queue(town):
    moderator = town.device(town.moderator)

    response = send(
        moderator, f"/mod/posts/{town.harsh.id}/remove", {"reason": "spam", "from": "queue"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/mod"


def test_the_thread_page_gives_moderators_a_plain_form_for_each_post(town):
    """Works without JavaScript: every hx-post sits on a real form with the same action."""
    tree = page(town.device(town.moderator), town.thread_url)

    for post in (town.story, town.harsh, town.answer):
        forms = [
            form
            for form in tree.by_id(f"p{post.id}").iter("form")
            if form.get("action") == f"/mod/posts/{post.id}/remove"
        ]
        assert len(forms) == 1, post
        assert forms[0].get("method") == "post"
        assert forms[0].get("data-hx-post") == forms[0].get("action")
        options = {o.get("value") for o in forms[0].iter("option")}
        assert options == {reason.value for reason in RemovalReason}


def test_htmx_removing_the_opening_post_keeps_the_threads_title(town):
    response = remove(town.device(town.moderator), town.story, "spam", htmx=True)

    tree = parse(html_of(response))
    assert tree.by_id("thread-title") is not None
    assert STORY_TITLE in tree.text


# --- lock and pin --------------------------------------------------------------------------


def test_a_locked_thread_shows_its_reason_and_takes_no_replies(town):
    moderator = town.device(town.moderator)

    response = lock(moderator, town.thread, "This has become heated")

    assert response.headers["Location"] == town.thread_url
    assert "Thread locked." in notice(flashed(moderator, response))
    member = town.device(town.another)
    tree = page(member, town.thread_url)
    locked = tree.find("p", class_="locked")
    assert locked.text == (
        "This thread is locked and takes no new replies or reactions: This has become heated."
    )
    assert not [a for a in tree.iter("a") if a.visible_text == "Reply"]
    for post in (town.story, town.harsh):
        assert member.get(f"/p/{post.id}/reply").status_code == 403
        refused = send(member, f"/p/{post.id}/reply", {f"reply-{post.id}-body": "Hi"})
        assert refused.status_code == 403
        assert "locked" in html_of(refused)
    assert [a.action for a in actions()] == ["lock"]

    assert "Thread unlocked." in notice(flashed(moderator, lock(moderator, town.thread)))

    tree = page(member, town.thread_url)
    assert tree.find("p", class_="locked") is None
    reply_through_form(member, town.story.id, "Thank you for unlocking.")
    assert [a.action for a in actions()] == ["lock", "unlock"]
    assert fresh(Thread, town.story.thread_id).locked_reason is None


def test_a_thread_can_be_locked_without_a_reason(town):
    lock(town.device(town.moderator), town.thread)

    tree = page(town.device(None), town.thread_url)

    assert tree.find("p", class_="locked").text == (
        "This thread is locked and takes no new replies or reactions."
    )
    member = town.device(town.reader)
    assert member.get(f"/p/{town.story.id}/reply").status_code == 403
    refused = send(member, f"/p/{town.story.id}/reply", {f"reply-{town.story.id}-body": "Hi"})
    assert refused.status_code == 403


def test_pinning_puts_a_thread_under_start_here(town):
    moderator = town.device(town.moderator)

    def start_here() -> str:
        section = next(
            (
                s
                for s in page(town.device(None), "/").iter("section")
                if s.get("aria-labelledby") == "start-here"
            ),
            None,
        )
        return section.text if section else ""

    assert STORY_TITLE not in start_here()

    assert "Thread pinned." in notice(flashed(moderator, pin(moderator, town.thread)))

    assert STORY_TITLE in start_here()
    assert page(town.device(None), thread_url(town.thread)).find("p", class_="tag").text == "Pinned"

    assert "Thread unpinned." in notice(flashed(moderator, pin(moderator, town.thread)))

    assert STORY_TITLE not in start_here()
    assert [a.action for a in actions()] == ["pin", "unpin"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_removal_made_is_answered_as_made(town, monkeypatch, htmx):
    """The answer is made before the commit: a failure after it can't say the post stands."""
    moderator = town.device(town.moderator)
    moderator.csrf_token = csrf_token(moderator, "/settings")  # read before the database goes

    with database_gone_after_the_commit(monkeypatch):
        response = remove(moderator, town.harsh, "harassment", htmx=htmx)

    assert response.status_code == (200 if htmx else 303)
    assert fresh(Post, town.harsh.id).removed_at is not None


def test_restoring_a_post_removed_while_it_waited_says_it_waits_again(town):
    """Removal doesn't approve: restored, the post goes back to waiting, and the moderator
    is told so rather than that it is up."""
    moderator = town.device(town.moderator)
    waiting = town.story.reply(town.another, "My first words here.", awaiting_approval=True)
    db.session.commit()
    remove(moderator, waiting)

    said = notice(flashed(moderator, restore(moderator, waiting)))

    assert "waiting for approval again" in said and "everyone" not in said
    assert fresh(Post, waiting.id).awaiting_approval
