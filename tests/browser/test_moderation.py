"""Moderation in a real browser: a member reports a post, a moderator finds it in the queue and
removes it with a reason (with htmx and without JavaScript), the thread shows the tombstone
and the public log the entry; an anonymous author is never named on the moderator's pages;
the queue, the log and the report page pass axe in light and dark."""

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from support.browser import (
    WITH_AND_WITHOUT_JS,
    SignIn,
    another_device,
    assert_accessible,
    mark_page,
    same_page,
    settle,
)
from support.content import thread_url
from support.members import make_member

from forum.database import db
from forum.models import (
    Post,
    Report,
    ReportReason,
    RevealRequest,
    Role,
    Thread,
    ThreadKind,
    User,
)
from forum.safety.at_risk import flag_if_at_risk

REPORTER = "morning_tea"
MODERATOR = "steady_keeper"
UNKIND = "harsh_words_42"
HIDDEN = "shadow_walker_7"  # writes anonymously; must never be shown to the moderator
HARSH = "Nobody wants to read this, stop posting."
ANSWER = "Please be gentle with each other here."
HIDDEN_TEXT = "You should all just leave me alone."
STORY_TITLE = "Saying it out loud for the first time"


@dataclass(frozen=True)
class Scene:
    path: str
    opening: int
    harsh: int
    answer: int
    hidden: int


def scene() -> Scene:
    """A story with an unkind reply (answered by someone), and an anonymous reply already
    reported by another member. Committed, and the test's transaction ended."""
    author = make_member("gentle_author")
    unkind = make_member(UNKIND)
    hidden = make_member(HIDDEN)
    make_member(REPORTER)
    make_member(MODERATOR, Role.MODERATOR)
    other_reporter = make_member("quiet_reader")
    opening = Thread.start(ThreadKind.STORY, STORY_TITLE, "I told a friend I wasn't okay.", author)
    harsh = opening.reply(unkind, HARSH)
    answer = harsh.reply(author, ANSWER)
    anonymous = opening.reply(hidden, HIDDEN_TEXT, anonymous=True)
    db.session.flush()
    db.session.add(
        Report(post_id=anonymous.id, reporter_id=other_reporter.id, reason=ReportReason.HARASSMENT)
    )
    thread = db.session.get(Thread, opening.thread_id)
    found = Scene(thread_url(thread), opening.id, harsh.id, answer.id, anonymous.id)
    db.session.commit()
    settle()
    return found


def assert_names_nobody_hidden(page: Page) -> None:
    html = page.content()
    assert HIDDEN.casefold() not in html.casefold(), page.url
    assert f"/u/{HIDDEN}" not in html, page.url


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_a_report_reaches_a_moderator_who_removes_the_post(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, browser: Browser, javascript: bool
) -> None:
    where = scene()

    # A member reports the unkind reply.
    sign_in(page, REPORTER)
    page.goto(live_server + where.path)
    page.locator(f"#p{where.harsh}").get_by_role("link", name=re.compile(r"^Report the ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report this post to the moderators")
    page.get_by_role("radio", name="Harassment or unkindness").check()
    page.get_by_label("Anything the moderators should know (optional)").fill("Again and again.")
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(re.escape(where.path) + rf"#p{where.harsh}$"))
    # Thanked on the post they return to, in sight: not at the top of the page, above it.
    thanks = page.locator(f"#p{where.harsh}").get_by_role("status")
    expect(thanks).to_have_text("Thank you. A moderator will look at it.")
    expect(thanks).to_be_in_viewport()
    expect(page.locator("main > div.notice")).to_have_count(0)

    # A moderator, on a device of their own, finds it in the queue.
    with another_device(browser, javascript) as moderator:
        sign_in(moderator, MODERATOR)
        moderator.goto(live_server + "/mod")
        item = moderator.locator(f"#report-{where.harsh}")
        expect(item).to_contain_text("Harassment or unkindness")
        expect(item).to_contain_text(HARSH)
        expect(moderator.locator(f"#report-{where.hidden}")).to_contain_text(HIDDEN_TEXT)
        assert_names_nobody_hidden(moderator)

        if javascript:
            mark_page(moderator)
        item.get_by_label("Reason", exact=True).select_option("harassment")
        item.get_by_role("button", name="Remove").click()
        if javascript:
            done = moderator.locator("li.queue-item.done")
            expect(done).to_have_text(
                "Removed. The text is kept for moderators and a restore. Its report is closed."
            )
            expect(item).to_have_count(0)
            assert same_page(moderator), "removing from the queue reloaded the page"
        else:
            expect(moderator).to_have_url(live_server + "/mod")
            expect(moderator.locator("div.notice")).to_contain_text("Removed.")
            expect(moderator.locator(f"#report-{where.harsh}")).to_have_count(0)
        expect(moderator.locator(f"#report-{where.hidden}")).to_be_visible()
        assert_names_nobody_hidden(moderator)

        # The thread: a tombstone, the reply to it still in place, the text for moderators.
        moderator.goto(live_server + where.path)
        stone = moderator.locator(f"#p{where.harsh} .tombstone")
        expect(stone).to_have_text("Removed by moderators: Harassment.")
        expect(moderator.locator(f"#replies-{where.harsh} #p{where.answer}")).to_contain_text(
            ANSWER
        )
        removed = moderator.locator(f"#p{where.harsh} details.removed-text")
        expect(removed.locator("summary")).to_have_text("Removed text (moderators only)")
        expect(removed.get_by_text(HARSH)).to_be_hidden()
        assert_names_nobody_hidden(moderator)

        # The public log has the entry, naming nobody.
        moderator.goto(live_server + "/mod/log")
        entry = moderator.locator("#log-entries > li").first
        expect(entry).to_contain_text("A moderator: Removed a reply (Harassment)")
        expect(entry.get_by_role("link", name="where")).to_have_attribute(
            "href", f"/p/{where.harsh}"
        )
        assert UNKIND not in moderator.content()
        assert HARSH not in moderator.content()
        assert_names_nobody_hidden(moderator)

    # The member who reported sees the tombstone, not the text.
    page.goto(live_server + where.path)
    expect(page.locator(f"#p{where.harsh} .tombstone")).to_have_text(
        "Removed by moderators: Harassment."
    )
    assert HARSH not in page.content()


def test_a_moderator_removes_and_restores_on_the_thread_and_suspends_from_the_queue(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    """With htmx, in place, and never shown who wrote the anonymous post."""
    where = scene()
    sign_in(page, MODERATOR)
    page.goto(live_server + where.path)
    mark_page(page)

    card = page.locator(f"#p{where.harsh}")
    card.locator("summary", has_text="Moderate").click()
    card.get_by_label("Reason", exact=True).select_option("other")
    card.get_by_label("Note for “Other”").fill("Off the rails")
    card.get_by_role("button", name="Remove").click()
    expect(page.locator(f"#p{where.harsh} .tombstone")).to_have_text(
        "Removed by moderators: Off the rails."
    )
    # The Remove button went with the card it was on: focus moves to the card that replaced
    # it, not to the top of the page.
    expect(page.locator(f"#p{where.harsh}")).to_be_focused()
    page.locator(f"#p{where.harsh} summary", has_text="Moderate").click()
    page.locator(f"#p{where.harsh}").get_by_role("button", name="Restore").click()
    expect(page.locator(f"#p{where.harsh} .tombstone")).to_have_count(0)
    expect(page.locator(f"#p{where.harsh} .prose")).to_have_text(HARSH)
    assert same_page(page), "removing or restoring reloaded the page"

    page.goto(live_server + "/mod")
    mark_page(page)
    item = page.locator(f"#report-{where.hidden}")
    item.locator("summary", has_text="Suspend the author").click()
    item.get_by_label("For how long").select_option("indefinitely")
    item.get_by_label("Reason (the member will see this)").fill("Hostile replies.")
    item.get_by_role("button", name="Suspend").click()
    expect(page.locator("li.queue-item.done")).to_have_text(
        "Suspended until further notice: the account behind that post, if it still exists, "
        "can read but not post, reply, react or report. Its report is closed. The post stays up."
    )
    assert same_page(page)
    assert_names_nobody_hidden(page)
    db.session.expire_all()
    hidden = db.session.scalars(db.select(User).where(User.pseudonym == HIDDEN)).one()
    assert hidden.is_suspended
    settle()


# --- One card per post ----------------------------------------------------------------------

RISKY = "I can't see a way forward, I want to die."
STILL_WAITING = "The post is still waiting for approval: only its author and moderators see it."


def newcomers_posts(where: Scene) -> tuple[int, int]:
    """A new member's first reply in words of risk (held for approval, and reported at risk by
    the forum's check, as posting does) and another's plain first reply, held too."""
    opening_post = db.session.get(Post, where.opening)
    risky = opening_post.reply(make_member("first_timer"), RISKY, awaiting_approval=True)
    plain = opening_post.reply(make_member("also_new"), "Hello, I'm new.", awaiting_approval=True)
    db.session.flush()
    risky.may_be_at_risk = True
    db.session.add(Report(post_id=risky.id, reporter_id=None, reason=ReportReason.AT_RISK))
    found = (risky.id, plain.id)
    db.session.commit()
    settle()
    return found


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_dismiss_then_approve_act_on_the_one_card_of_a_post_both_waiting_and_at_risk(
    app: Flask, live_server: str, sign_in: SignIn, browser: Browser, javascript: bool
) -> None:
    where = scene()
    risky, plain = newcomers_posts(where)
    with another_device(browser, javascript) as page:
        sign_in(page, MODERATOR)
        page.goto(live_server + "/mod")
        cards = page.locator(f"li.queue-item:has-text({RISKY!r})")
        expect(cards).to_have_count(1)
        card = page.locator(f"#report-{risky}")
        reports = page.locator("section[aria-labelledby=reports-title] li.queue-item")
        expect(reports.first).to_have_id(f"report-{risky}")  # at risk, first
        expect(card.locator(".tag")).to_have_text(["May be at risk", "Waiting for approval"])
        expect(card.locator("details.content-warning > div.prose")).to_be_hidden()  # folded
        if javascript:
            mark_page(page)

        card.get_by_role("button", name="Dismiss the reports").click()

        dismissed = f"1 report dismissed. {STILL_WAITING}"
        if javascript:
            # The same card, in place: its reports gone, still to approve.
            expect(card.get_by_role("status")).to_have_text(dismissed)
            expect(card.get_by_role("status")).to_be_focused()
            expect(card.get_by_role("button", name="Dismiss the reports")).to_have_count(0)
            assert_accessible(page, "a queue card after an action")
        else:
            expect(page).to_have_url(live_server + "/mod")
            expect(page.locator("main > div.notice")).to_have_text(dismissed)
            expect(card).to_have_count(0)
            card = page.locator(f"#waiting-{risky}")  # now among the waiting posts
        expect(cards).to_have_count(1)
        other = page.locator(f"#report-{where.hidden}")  # another card, untouched
        expect(other.get_by_role("button", name="Dismiss the reports")).to_be_visible()

        card.get_by_role("button", name="Approve").click()

        approved = "Approved: everyone can see it now."
        if javascript:
            expect(page.locator("li.queue-item.done")).to_have_text(approved)
            expect(page.locator("li.queue-item.done")).to_be_focused()
            assert same_page(page), "acting from the queue reloaded the page"
        else:
            expect(page.locator("main > div.notice")).to_have_text(approved)
        expect(cards).to_have_count(0)
        waiting = page.locator(f"#waiting-{plain}")
        expect(waiting.get_by_role("button", name="Approve")).to_be_visible()
        expect(other).to_be_visible()


# --- Accessibility -------------------------------------------------------------------------


def busy_queue() -> Scene:
    """A queue with one of everything: reports (one at risk, one behind a content warning),
    a post waiting for approval and a reveal request."""
    where = scene()
    newcomer = make_member("new_here")
    admin = make_member("site_keeper", Role.ADMIN)
    opening_post = db.session.get(Post, where.opening)
    warned = opening_post.reply(newcomer, "What happened that night.", content_warning="Abuse")
    worrying = opening_post.reply(newcomer, "I can't see a way forward.")
    opening_post.reply(newcomer, "Hello, I'm new here.", awaiting_approval=True)
    db.session.flush()
    reporter = db.session.scalars(db.select(User).where(User.pseudonym == REPORTER)).one()
    db.session.add(Report(post_id=warned.id, reporter_id=reporter.id, reason=ReportReason.HARMFUL))
    db.session.add(
        Report(post_id=worrying.id, reporter_id=reporter.id, reason=ReportReason.AT_RISK)
    )
    db.session.add(
        RevealRequest(post_id=where.hidden, requested_by_id=admin.id, reason="An emergency: " * 3)
    )
    db.session.commit()
    settle()
    return where


def open_everything(page: Page) -> None:
    """Unfold every <details> on the page, so axe checks what is folded too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")


def moderation_log(page: Page, live_server: str, where: Scene) -> None:
    # A few entries first: the moderator removes and restores.
    page.goto(live_server + "/mod")
    item = page.locator(f"#report-{where.hidden}")
    item.get_by_label("Reason", exact=True).select_option("spam")
    item.get_by_role("button", name="Remove").click()
    expect(page.locator("li.queue-item.done")).to_be_visible()
    page.goto(live_server + "/mod/log")
    expect(page.locator("#log-entries > li")).to_have_count(1)


PAGES = {
    "queue": lambda page, live_server, where: page.goto(live_server + "/mod"),
    "log": moderation_log,
    "report": lambda page, live_server, where: page.goto(live_server + f"/p/{where.harsh}/report"),
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violations(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, kind: str
) -> None:
    where = busy_queue()
    sign_in(page, MODERATOR)

    PAGES[kind](page, live_server, where)
    if kind == "queue":
        expect(page.locator("li.queue-item")).to_have_count(5)  # 3 reports, 1 waiting, 1 reveal
    open_everything(page)

    assert_accessible(page, kind)
    assert_names_nobody_hidden(page)


def test_axe_on_the_report_page_with_an_error(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    where = scene()
    sign_in(page, REPORTER)
    page.goto(live_server + f"/p/{where.harsh}/report")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Please choose what is wrong.").first).to_be_visible()

    assert_accessible(page, "the report page with an error")


# --- The header's Moderation link ------------------------------------------------------------


def moderation_link(page: Page):
    return page.get_by_role("navigation", name="Site").get_by_role(
        "link", name=re.compile(r"^Moderation")
    )


def flag_a_post() -> None:
    """A reply the forum flags as its writer may be at risk, as posting does."""
    opening = Thread.start(ThreadKind.STORY, "A night", "Hard.", make_member("night_owl"))
    db.session.flush()
    post = opening.reply(make_member("quiet_one"), "I want to end my life.")
    db.session.flush()
    assert flag_if_at_risk(post, post.body)
    db.session.commit()
    settle()


def test_the_moderation_link_counts_again_every_minute(
    app: Flask, live_server: str, page: Page, sign_in: SignIn
) -> None:
    make_member(MODERATOR, Role.MODERATOR)
    sign_in(page, MODERATOR)
    page.clock.install()
    page.goto(live_server + "/")
    mark_page(page)
    expect(moderation_link(page)).to_have_text("Moderation")

    flag_a_post()
    page.clock.run_for(61_000)

    expect(moderation_link(page)).to_have_text("Moderation (1 may be at risk)")
    expect(moderation_link(page)).to_have_attribute("href", "/mod")
    assert same_page(page)
    assert_accessible(page, "a page with the Moderation link counting")


def test_the_moderation_link_keeps_its_place_when_the_moderator_is_logged_out(
    app: Flask, live_server: str, page: Page, sign_in: SignIn
) -> None:
    """Asked again after logging out elsewhere, it gets the login page: nothing of it is put in
    the header, which stays as it was."""
    make_member(MODERATOR, Role.MODERATOR)
    sign_in(page, MODERATOR)
    page.clock.install()
    page.goto(live_server + "/")
    page.context.clear_cookies()

    with page.expect_response(re.compile(r"/login")):
        page.clock.run_for(61_000)
    page.clock.run_for(1_000)

    expect(moderation_link(page)).to_have_text("Moderation")
    expect(page.locator("header form")).to_have_count(1)  # the log out button's, no login form
    expect(page.locator("h1")).to_have_count(page.locator("main h1").count())
