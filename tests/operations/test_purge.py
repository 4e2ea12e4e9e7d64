"""`forum purge`: what the privacy page says the forum keeps only for a while is erased once its
time is up, and not before; the page and the command read the same setting; running it again
erases nothing more; it says and logs how many, never what. The clock is moved forward by
giving the purge a later "now"."""

import logging
import time
from datetime import timedelta

import pytest
from flask import Flask
from limits.storage import RedisStorage
from sqlalchemy import update
from support.clients import device, signed_in
from support.clock import move_clock
from support.content import reply, start_thread
from support.forms import log_in
from support.members import give_recovery_codes, make_member
from support.moderation import REPLY_BODY, community, remove, restore
from support.pages import html_of, page
from support.rows import all_stored_text, count, fresh

from forum.accounts import recovery, sign_ins
from forum.changes import site_marks
from forum.database import db, utcnow
from forum.extensions import limiter
from forum.models import Post, RecoveryCode, SignIn, Thread, ThreadKind
from forum.operations import purge

EARLIER = "What I first wrote, before I thought better of it."
LATER = "What I meant to say: you are not alone."
DELETED = "Something I wish I hadn't shared."
WARNING = "loss of a parent"
REMOVED_TITLE = "A thread the moderators took down"
REMOVED_OPENING = "Words that broke the guidelines."


@pytest.fixture
def clock(monkeypatch):
    """`clock(days=31)`: the purge runs that long from now."""
    return lambda **later: move_clock(monkeypatch, purge, **later)


@pytest.fixture
def taken_down(app: Flask):
    """A story with a reply edited after the grace period, a reply its author deleted (with a
    content warning), a reply the moderators removed, and a thread they removed."""
    scene = community(app)
    edited = reply(scene.story, scene.another, EARLIER)
    edited.edit(LATER, None, grace=timedelta(0))
    deleted = reply(scene.story, scene.author, DELETED, content_warning=WARNING)
    deleted.delete_by_author()
    elsewhere = start_thread(ThreadKind.STORY, REMOVED_TITLE, REMOVED_OPENING, scene.reader)
    db.session.commit()
    moderator = signed_in(app, scene.moderator)
    for post in (scene.harsh, elsewhere):
        assert remove(moderator, post).status_code == 303
    scene.deleted, scene.removed_thread = deleted, elsewhere.thread_id
    return scene


# Every text the `taken_down` scene keeps for moderators only.
KEPT_TEXTS = [EARLIER, DELETED, WARNING, REMOVED_TITLE, REMOVED_OPENING, REPLY_BODY]


def test_nothing_is_erased_before_its_time(taken_down, clock):
    clock(days=29)

    purged = purge.purge()
    db.session.commit()

    assert (purged.earlier_versions, purged.taken_down_texts) == (0, 0)
    stored = all_stored_text()
    assert [text for text in KEPT_TEXTS if text not in stored] == []


def test_taken_down_text_and_earlier_versions_are_erased_after_their_time(app, taken_down, clock):
    clock(days=31)

    purged = purge.purge()
    db.session.commit()

    # The edit's and the deletion's earlier versions; the removed reply, the removed thread's
    # opening post, and the deleted reply's content warning.
    assert (purged.earlier_versions, purged.taken_down_texts) == (2, 3)
    stored = all_stored_text()
    assert [text for text in KEPT_TEXTS if text in stored] == []
    assert LATER in stored and taken_down.answer.body in stored  # what stands, stays
    assert fresh(Thread, taken_down.removed_thread).title == purge.ERASED_TITLE

    # The tombstones keep their places, for everyone.
    address = taken_down.thread_url
    guest_view = html_of(device(app).get(address))
    assert "Removed by moderators: Harassment." in guest_view


def test_a_removed_post_whose_text_is_erased_cant_be_restored(app, taken_down, clock):
    clock(days=31)
    purge.purge()
    db.session.commit()
    moderator = signed_in(app, taken_down.moderator)  # the earlier sign-in ended, and went

    card = page(moderator, taken_down.thread_url).by_id(f"p{taken_down.harsh.id}")
    assert "Its text has been erased, so it can't be restored." in card.text
    assert not any(button.text == "Restore" for button in card.iter("button"))

    refused = restore(moderator, taken_down.harsh, follow_redirects=True)
    assert "nothing left to restore" in html_of(refused)
    assert fresh(Post, taken_down.harsh.id).removed_at is not None


def test_running_it_again_erases_and_changes_nothing_more(taken_down, clock):
    clock(days=31)
    purge.purge()
    db.session.commit()
    marks = site_marks(db.session).revision

    again = purge.purge()
    db.session.commit()

    assert again == purge.Purged(0, 0, 0, 0)
    db.session.expire_all()
    assert site_marks(db.session).revision == marks  # no guest's page changed


def test_the_privacy_page_and_the_purge_read_the_same_setting(app, client, taken_down, clock):
    app.config["KEPT_FOR_MODERATORS"] = timedelta(days=7)

    text = page(client, "/privacy").find("main").text
    assert "kept for moderators for 7 days, then erased" in text
    assert "erased 7 days after its removal" in text

    clock(days=6)
    assert purge.purge().earlier_versions == 0
    clock(days=8)
    assert purge.purge().earlier_versions == 2


def test_ended_sign_ins_are_deleted(app, clock):
    member = make_member("Wren", days_old=30)
    sign_ins.begin(member, user_agent="", remember=False)  # ends after a day unused
    sign_ins.begin(member, user_agent="", remember=True)  # ends 30 days after logging in
    db.session.commit()

    clock(hours=23)
    assert purge.purge().ended_sign_ins == 0
    clock(days=2)
    assert purge.purge().ended_sign_ins == 1
    db.session.commit()
    assert count(SignIn) == 1
    clock(days=31)
    assert purge.purge().ended_sign_ins == 1
    db.session.commit()
    assert count(SignIn) == 0


def test_used_recovery_codes_are_not_kept(app):
    member = make_member("Wren", days_old=30)
    codes = give_recovery_codes(member)

    assert recovery.spend_code(member, codes[0])
    db.session.commit()
    assert count(RecoveryCode) == 9  # a code goes as it is used
    assert not recovery.spend_code(member, codes[0])

    # One kept marked as used, as earlier versions of the forum did: the purge erases it.
    db.session.execute(update(RecoveryCode).where(RecoveryCode.id == 2).values(used_at=utcnow()))
    db.session.commit()
    assert purge.purge().used_recovery_codes == 1
    db.session.commit()
    assert count(RecoveryCode) == 8
    assert recovery.codes_left(member) == 8


def test_the_command_says_and_logs_how_many_never_what(app, cli, taken_down, clock, caplog):
    clock(days=31)

    with caplog.at_level(logging.INFO, logger="forum.operations.purge"):
        result = cli.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    said = result.output.strip()
    assert said.startswith("Erased 2 earlier versions of posts, the text of 3 posts taken down")
    logged = [record.getMessage() for record in caplog.records]
    assert logged == [f"Purge: {said}"]
    for text in [*KEPT_TEXTS, taken_down.author.pseudonym, LATER]:
        assert text not in said and text not in caplog.text


def test_rate_limit_counts_are_forgotten_by_themselves_within_their_window(app):
    """Nothing for the purge to do: each count the limiter keeps carries its own expiry, no
    longer than its window (the longest a failed login counts in is 15 minutes)."""
    make_member("Wren", days_old=30)
    assert log_in(device(app), "Wren", "not the password").status_code in (200, 401, 422)

    storage = limiter.storage
    if isinstance(storage, RedisStorage):
        connection = storage.get_connection()
        lifetimes = [connection.ttl(key) for key in connection.scan_iter("LIMITS*")]
    else:
        lifetimes = [expiry - time.time() for expiry in storage.expirations.values()]
    assert lifetimes, "the failed login was counted"
    assert all(0 < lifetime <= 15 * 60 for lifetime in lifetimes), lifetimes
