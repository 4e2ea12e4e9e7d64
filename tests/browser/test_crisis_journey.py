"""A crisis journey in a real browser: a member replies inline with words that suggest they may
be at risk, sees a kind note and follows it to the crisis contacts; the reply is published for
everyone; the moderator's queue shows it first, marked "May be at risk"; the take-care page
passes axe."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from support.browser import SignIn, another_device, assert_accessible, settle
from support.content import thread_url
from support.members import make_member

from forum.database import db
from forum.models import Post, Report, ReportReason, Role, Thread, ThreadKind

WRITER = "quiet_harbour"
MODERATOR = "steady_keeper"
STORY_TITLE = "The winter I stopped answering the phone"
CRISIS = "Reading this, I have to say it: some nights I want to die."

# The journey posts quickly; the pace has tests of its own.
pytestmark = pytest.mark.usefixtures("unpaced")


@pytest.fixture
def story(app: Flask) -> tuple[str, int]:
    """A story with an older, ordinary report on it already; its path and opening post id."""
    author = make_member("gentle_author")
    reporter = make_member("morning_tea")
    make_member(WRITER)
    make_member(MODERATOR, Role.MODERATOR)
    opening = Thread.start(ThreadKind.STORY, STORY_TITLE, "I let every call ring out.", author)
    harsh = opening.reply(reporter, "Nobody wants to read this.")
    db.session.flush()
    db.session.add(Report(post_id=harsh.id, reporter_id=author.id, reason=ReportReason.HARASSMENT))
    thread = db.session.get(Thread, opening.thread_id)
    found = (thread_url(thread), opening.id)
    db.session.commit()
    return found


def test_a_reply_with_crisis_language_is_met_with_care(
    app: Flask,
    live_server: str,
    sign_in: SignIn,
    page: Page,
    browser: Browser,
    story: tuple[str, int],
) -> None:
    path, opening = story
    sign_in(page, WRITER)
    page.goto(live_server + path)

    page.locator(f"#p{opening}").get_by_role("link", name=re.compile(r"^Reply to the ")).click()
    slot = page.locator(f"#reply-slot-{opening}")
    slot.get_by_label("Your reply").fill(CRISIS)
    slot.get_by_role("button", name="Send reply").click()

    # The reply in its place on the same page, with a kind note for its writer.
    replies = page.locator(f"#replies-{opening} > li > article.post")
    note = replies.last.locator(".sent")
    expect(note).to_contain_text("Sent. Everyone can read it now.")
    expect(note).to_contain_text("you don't have to face this alone")
    expect(slot.get_by_label("Your reply")).to_have_count(0)
    expect(replies.last).to_contain_text("some nights I want to die")
    # Spoken to, not about: the note on their own post is addressed to them.
    expect(replies.last.locator(".kind-note")).to_contain_text(
        "People here can answer what you wrote. Reactions are switched off on it"
    )
    expect(replies.last.locator(".reactions")).to_have_count(0)

    settle()  # a read in a new transaction, which sees the reply the server wrote
    reply_id = db.session.scalar(select(Post.id).where(Post.body == CRISIS))
    settle()
    assert reply_id is not None

    note.get_by_role("link", name="People you can talk to right now").click()
    expect(page).to_have_url(re.compile(rf"/p/{reply_id}/take-care$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.locator("section.country li.resource").first).to_be_visible()
    expect(page.get_by_role("link", name="More places to find help, by country")).to_be_visible()

    assert_accessible(page, "take-care")

    # Published: a guest, in a browser of their own, reads it.
    with another_device(browser) as reader:
        reader.goto(live_server + path)
        published = reader.locator(f"#p{reply_id}")
        expect(published).to_contain_text("some nights I want to die")
        expect(published.locator(".kind-note")).to_be_visible()

    # The moderator's queue shows it first, marked "May be at risk".
    with another_device(browser) as moderator:
        sign_in(moderator, MODERATOR)
        moderator.goto(live_server + "/mod")
        items = moderator.locator("section[aria-labelledby=reports-title] li.queue-item")
        expect(items).to_have_count(2)
        expect(items.first).to_have_attribute("id", f"report-{reply_id}")
        expect(items.first.locator(".tag.risk")).to_have_text("May be at risk")
        expect(items.nth(1).locator(".tag.risk")).to_have_count(0)
