"""Notifications in a real browser: a member replies to another's anonymous story; the story's
author, on another page, sees the bell's count rise without reloading (asked again only while
the page is in sight), opens the notification and lands on the reply; the same without
JavaScript, by reloading. axe on /notifications on a narrow phone, light and dark."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from support.browser import (
    PHONE,
    WITH_AND_WITHOUT_JS,
    SignIn,
    another_device,
    assert_accessible,
    assert_fits_the_window,
    mark_page,
    record_errors,
    same_page,
    settle,
    site_nav,
)
from support.content import reply, start_thread
from support.members import make_member
from support.notifications import told_replies

from forum.database import db, utcnow
from forum.models import Mute, Post, Reaction, ReactionKind, Thread, ThreadKind
from forum.notifications import telling

AUTHOR = "quiet_lantern"
REPLIER = "morning_tea"
STORY_TITLE = "The night I couldn't stop crying"

pytestmark = pytest.mark.usefixtures("unpaced")


def bell(page: Page):
    return site_nav(page).get_by_role("link", name=re.compile(r"^Notifications"))


def anonymous_story() -> int:
    """AUTHOR's anonymous story, and the REPLIER; the story's opening post id."""
    author = make_member(AUTHOR, days_old=30)
    make_member(REPLIER, days_old=30)
    opening = start_thread(ThreadKind.STORY, STORY_TITLE, "It came out of nowhere.", author,
                           anonymous=True)  # fmt: skip
    opening_id = opening.id
    settle()
    return opening_id


def reply_as(browser: Browser, sign_in: SignIn, live_server: str, post_id: int, text: str) -> int:
    """REPLIER's reply through the reply page, on a device of their own; the reply's id."""
    with another_device(browser, javascript=False) as page:
        sign_in(page, REPLIER)
        page.goto(f"{live_server}/p/{post_id}/reply")
        page.get_by_label("Your reply").fill(text)
        page.get_by_role("button", name="Send reply").click()
        expect(page).to_have_url(re.compile(r"#p\d+$"))
        return int(page.url.rsplit("#p", 1)[1])


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_a_reply_to_my_anonymous_story_rings_the_bell_and_leads_to_the_reply(
    app: Flask,
    live_server: str,
    sign_in: SignIn,
    page: Page,
    browser: Browser,
    javascript: bool,
) -> None:
    app.config["NOTIFICATIONS_POLL_SECONDS"] = 1
    opening = anonymous_story()
    errors = record_errors(page)
    sign_in(page, AUTHOR)
    page.goto(f"{live_server}/p/{opening}")  # the author reads their story once...
    page.goto(live_server + "/stories")  # ...and is on another page when the reply comes
    expect(bell(page)).to_have_accessible_name("Notifications")
    if javascript:
        mark_page(page)

    reply_id = reply_as(browser, sign_in, live_server, opening, "I'm here. You're not alone.")

    if not javascript:
        page.reload()
    expect(bell(page)).to_have_accessible_name("Notifications, 1 unread", timeout=5000)
    expect(bell(page).locator(".count")).to_have_text("1")
    if javascript:
        assert same_page(page), "the count came without reloading the page"

    bell(page).click()
    expect(page).to_have_url(live_server + "/notifications")
    entry = page.locator("#notification-list > li.notification").first
    expect(entry).to_contain_text(f"{REPLIER} replied to your story “{STORY_TITLE}”.")
    expect(entry).to_contain_text("New")
    entry.get_by_role("link", name=f"“{STORY_TITLE}”").click()

    expect(page).to_have_url(re.compile(rf"/t/\d+-[\w-]+#p{reply_id}$"))
    landed = page.locator(f"#p{reply_id}")
    expect(landed).to_contain_text("You're not alone.")
    expect(landed).to_be_in_viewport()
    expect(landed.locator(".tag.new")).to_have_text("New")  # new since the author's visit
    assert errors == []


def test_the_bell_asks_again_only_while_the_page_is_in_sight(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    app.config["NOTIFICATIONS_POLL_SECONDS"] = 1
    opening = anonymous_story()
    # The page says it is hidden or in sight as the test chooses (a headless page is always
    # in sight otherwise).
    page.add_init_script(
        "Object.defineProperty(document, 'visibilityState', "
        "{get: () => window.testVisibility || 'visible'})"
    )
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    sign_in(page, AUTHOR)
    page.goto(live_server + "/")
    page.wait_for_timeout(3500)
    assert any("/notifications/bell" in url for url in asked), "asked while in sight"

    page.evaluate(
        "window.testVisibility = 'hidden'; document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(300)  # a request already on its way
    asked.clear()
    told_replies(db.session.get(Post, opening), make_member("late_owl", days_old=30))
    settle()
    page.wait_for_timeout(3000)
    assert not any("/notifications/bell" in url for url in asked), "nothing while hidden"
    expect(bell(page)).to_have_accessible_name("Notifications")

    with page.expect_request(re.compile(r"/notifications/bell")):
        look_away(page, "visible")
    expect(bell(page)).to_have_accessible_name("Notifications, 1 unread")


def look_away(page: Page, visibility: str) -> None:
    """The page is hidden (another tab, the phone locked) or in sight again, as it would say."""
    page.evaluate(
        "visibility => { window.testVisibility = visibility;"
        " document.dispatchEvent(new Event('visibilitychange')); }",
        visibility,
    )


def busy_notifications() -> None:
    """AUTHOR, a listener, with one of each kind of notification, some read; and a waiting
    story."""
    author = make_member(AUTHOR, days_old=30)
    author.listens_for_unanswered = True
    others = [make_member(name, days_old=30) for name in (REPLIER, "late_owl", "river_stone")]
    story = start_thread(ThreadKind.STORY, STORY_TITLE, "It came out of nowhere.", author,
                         anonymous=True)  # fmt: skip
    first = told_replies(story, *others)[0]
    told_replies(first, others[1])
    told_replies(start_thread(title="A short one", author=author), others[2])
    mine = reply(first, author, "Thank you, all of you.")
    db.session.add(Reaction(post_id=mine.id, user_id=others[0].id, kind=ReactionKind.SUPPORT))
    telling.supported(mine, others[0].id)
    db.session.add(Mute(muter_id=others[0].id, muted_id=others[1].id))
    waiting_post = reply(story, author, "An update, later.", awaiting_approval=True)
    telling.approved(waiting_post)
    waiting_post.awaiting_approval = False
    removed = reply(story, author, "Something a moderator took down.")
    removed.removed_at = utcnow()
    telling.removed(removed, "harmful")
    waiting = start_thread(ThreadKind.STORY, "Is anyone awake?", "Hello?", others[2],
                           content_warning="Self-harm")  # fmt: skip
    db.session.get(Thread, waiting.thread_id).created_at = utcnow().replace(year=2020)
    db.session.commit()
    settle()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_notifications_on_a_narrow_phone(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, scheme: str
) -> None:
    busy_notifications()
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme=scheme)
    sign_in(page, AUTHOR)
    page.goto(live_server + "/notifications")
    expect(page.locator("li.notification")).to_have_count(6)

    assert_accessible(page, "the notifications")
    assert_fits_the_window(page, "the notifications")

    # Marked read with htmx: the focus stays with the entry, and the bell follows.
    before = bell(page).get_attribute("href")
    first = page.locator("#notification-list > li.notification").first
    first.get_by_role("button", name=re.compile(r"^Mark as read")).click()
    expect(page.locator("#notification-list > li.notification").first).to_be_focused()
    expect(bell(page)).to_have_accessible_name(re.compile(r"^Notifications, \d+ unread$"))
    assert bell(page).get_attribute("href") == before
    assert_accessible(page, "the notifications after marking one read")
