"""Accounts in a real browser: joining, keeping the recovery codes, logging in and out and
getting back in with a code, with and without JavaScript; accessibility of every account page,
a narrow phone, the keyboard alone, and guests who read without a cookie."""

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, func, select
from support.browser import (
    DESKTOP,
    PHONE,
    WITH_AND_WITHOUT_JS,
    another_device,
    assert_accessible,
    assert_fits_the_window,
    expect_logged_in,
    expect_logged_out,
    log_in,
    record_errors,
    record_set_cookies,
    site_nav,
    submit_login,
)
from support.members import NEW_PASSWORD, PASSWORD, make_member

from forum.database import db
from forum.models import Post, RecoveryCode, Thread, ThreadKind, User

PSEUDONYM = "quiet_heron"
CODE = re.compile(r"^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$")

# What the forum says; each test names the message it expects to see.
KEEP_CODES_ERROR = "Please tick the box once you have saved your codes."
NO_MATCH = "That pseudonym and password don't match. Please try again."
CODE_REFUSED = "That pseudonym and recovery code don't match, or the code was used already."
NOT_CONFIRMED = "You haven't confirmed that you kept your recovery codes."


# --- Helpers --------------------------------------------------------------------------------


def log_out(page: Page) -> None:
    site_nav(page).get_by_role("button", name="Log out").click()
    expect_logged_out(page)


def submit_join(page: Page, pseudonym: str, password: str, again: str | None = None) -> None:
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password if again is None else again)
    page.get_by_role("button", name="Join").click()


def submit_recovery(page: Page, pseudonym: str, code: str, new_password: str) -> None:
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("One of your recovery codes").fill(code)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Set my new password").click()


def member() -> User:
    """PSEUDONYM, a member who hasn't yet confirmed keeping their recovery codes, as after
    joining: their pages carry the reminder, and axe checks it too."""
    return make_member(PSEUDONYM, recovery_codes_confirmed=False)


def shown_codes(page: Page) -> list[str]:
    """The recovery codes as the page shows them, after checking there are ten."""
    codes = page.get_by_role("list", name="Recovery codes").locator("code")
    expect(codes).to_have_count(10)
    texts = [text.strip() for text in codes.all_inner_texts()]
    assert all(CODE.fullmatch(text) for text in texts), texts
    assert len(set(texts)) == 10
    return texts


def join_in_browser(page: Page, live_server: str) -> list[str]:
    """Join as PSEUDONYM through the form; the page is left showing the codes, returned."""
    page.goto(live_server + "/join")
    submit_join(page, PSEUDONYM, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome. Please keep these recovery codes"
    )
    return shown_codes(page)


def continue_unticked(page: Page) -> None:
    """Press Continue on the codes page without ticking the box, and see the forum refuse.

    The box is `required` and its form has no `novalidate`, so the browser's own check stops
    the first press (Chromium's "Please check this box" bubble; no request is sent). The
    forum's refusal, for a browser without that check, is reached by switching it off.
    """
    form = page.locator("form", has=page.get_by_role("button", name="Continue"))
    if not form.evaluate("form => form.noValidate"):
        url = page.url
        page.get_by_role("button", name="Continue").click()
        keep = page.get_by_label("I have saved these codes somewhere safe")
        assert keep.evaluate("box => box.validity.valueMissing")
        assert page.url == url
        form.evaluate("form => { form.noValidate = true }")
        page.get_by_role("button", name="Continue").click()
    else:
        page.get_by_role("button", name="Continue").click()
    expect(page.locator("#kept-error")).to_have_text(KEEP_CODES_ERROR)


def expect_single_form_problem(page: Page, message: str) -> None:
    """The form is refused with this one message, and no field of its own is blamed."""
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page.locator("main .error")).to_have_count(0)


# --- The journey ------------------------------------------------------------------------------


def journey(page: Page, live_server: str) -> None:
    """Join, keep the codes, log out, log in, log out, recover with a code, and the aftermath."""
    page.goto(live_server + "/")
    expect_logged_out(page)
    site_nav(page).get_by_role("link", name="Join").click()
    expect(page).to_have_url(live_server + "/join")
    submit_join(page, PSEUDONYM, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome. Please keep these recovery codes"
    )
    expect(page.get_by_text("the only way back into your account")).to_be_visible()
    codes = shown_codes(page)

    # Continuing without saying the codes were kept: refused, and the same codes shown again.
    continue_unticked(page)
    keep = page.get_by_label("I have saved these codes somewhere safe")
    expect(keep).to_have_attribute("aria-invalid", "true")
    assert shown_codes(page) == codes

    keep.check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("status")).to_contain_text("Keep those codes safe")
    expect(page.get_by_text(NOT_CONFIRMED)).to_have_count(0)
    expect_logged_in(page, PSEUDONYM)

    log_out(page)
    site_nav(page).get_by_role("link", name="Log in").click()
    submit_login(page, PSEUDONYM, PASSWORD)
    expect(page).to_have_url(live_server + "/")
    expect_logged_in(page, PSEUDONYM)

    log_out(page)
    site_nav(page).get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Use a recovery code").click()
    expect(page).to_have_url(live_server + "/recover")
    # People copy codes by hand: lower case is accepted as well.
    submit_recovery(page, PSEUDONYM, codes[3].lower(), NEW_PASSWORD)
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("status")).to_contain_text("You have 9 recovery codes left.")
    expect_logged_in(page, PSEUDONYM)

    log_out(page)
    site_nav(page).get_by_role("link", name="Log in").click()
    submit_login(page, PSEUDONYM, NEW_PASSWORD)
    expect_logged_in(page, PSEUDONYM)

    log_out(page)
    site_nav(page).get_by_role("link", name="Log in").click()
    submit_login(page, PSEUDONYM, PASSWORD)
    expect_single_form_problem(page, NO_MATCH)
    expect(page.get_by_label("Pseudonym")).to_have_value(PSEUDONYM)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect_logged_out(page)

    page.get_by_role("link", name="Use a recovery code").click()
    submit_recovery(page, PSEUDONYM, codes[3], "a third password nobody set")
    expect_single_form_problem(page, CODE_REFUSED)
    expect(page.get_by_label("One of your recovery codes")).to_have_value(codes[3])
    expect(page.get_by_label("New password", exact=True)).to_have_value("")
    expect_logged_out(page)

    # The refused recovery changed nothing: the password set by the first one still works.
    log_in(page, live_server, PSEUDONYM, NEW_PASSWORD)


def test_join_keep_codes_log_in_out_and_recover(app: Flask, live_server: str, page: Page) -> None:
    # Chromium logs every 4xx page as an error; a refused form's 422 is expected here.
    problems = record_errors(page, expected=("status of 422",))

    journey(page, live_server)
    assert page.evaluate("typeof htmx") == "object", "htmx was not loaded: JavaScript is on"
    assert problems == []


def test_the_same_journey_without_javascript(
    app: Flask, live_server: str, browser: Browser
) -> None:
    with another_device(browser, javascript=False) as page:
        journey(page, live_server)
        assert page.evaluate("typeof htmx") == "undefined", "the page's scripts ran"


# --- Accessibility ----------------------------------------------------------------------------


def profile_with_posts() -> User:
    """A member with a Markdown bio, posts under their name, and an anonymous one."""
    user = member()
    user.set_bio("Here to *listen*. Walking helps me; so does [the article](/).")
    story = Thread.start(
        ThreadKind.STORY, "What helped me this winter", "Short walks, every day.", author=user
    )
    other = make_member("morning-tea")
    talk = Thread.start(ThreadKind.DISCUSSION, "Small wins today", "Share one.", author=other)
    talk.reply(user, "I made a phone call I had put off for weeks.")
    talk.reply(user, "Only you know this was me.", anonymous=True)
    story.reply(other, "Thank you for this.").reply(user, "Thank you for reading it.")
    db.session.commit()
    return user


def open_account_page(page: Page, live_server: str, kind: str) -> str:
    """Brings the page to the state named `kind`; returns the path, for messages."""
    if kind == "join":
        page.goto(live_server + "/join")
        expect(page.get_by_role("heading", name=re.compile("^Join"), level=1)).to_be_visible()
    elif kind == "join-errors":
        page.goto(live_server + "/join")
        submit_join(page, "admin", "short", "different")
        expect(page.locator("main .error")).to_have_count(3)
    elif kind in ("codes", "codes-error"):
        join_in_browser(page, live_server)
        if kind == "codes-error":
            continue_unticked(page)
    elif kind == "login-error":
        member()
        page.goto(live_server + "/login")
        submit_login(page, PSEUDONYM, "not the right password")
        expect(page.get_by_role("alert")).to_have_text(NO_MATCH)
    elif kind == "recover":
        page.goto(live_server + "/recover")
        expect(page.get_by_role("button", name="Set my new password")).to_be_visible()
    elif kind == "recover-error":
        member()
        page.goto(live_server + "/recover")
        submit_recovery(page, PSEUDONYM, "ABCDE-12345-FGHJK-67890", NEW_PASSWORD)
        expect(page.get_by_role("alert")).to_have_text(CODE_REFUSED)
    elif kind in ("settings", "settings-error"):
        member()
        log_in(page, live_server, PSEUDONYM)
        page.goto(live_server + "/settings")
        expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
        if kind == "settings-error":
            section = page.get_by_role("region", name="Change password")
            section.get_by_label("Current password").fill(PASSWORD)
            section.get_by_label("New password", exact=True).fill("short")
            section.get_by_label("New password again").fill("short")
            section.get_by_role("button", name="Change password").click()
            expect(page.locator("#new_password-error")).to_contain_text("at least 10 characters")
            expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    elif kind == "profile":
        profile_with_posts()
        page.goto(live_server + f"/u/{PSEUDONYM}")
        expect(page.locator("#profile-posts .thread-item")).to_have_count(3)
        expect(page.locator(".bio em")).to_have_text("listen")
    else:
        raise AssertionError(kind)
    return page.url.removeprefix(live_server)


@pytest.mark.parametrize(
    "kind",
    [
        "join",
        "join-errors",
        "codes",
        "codes-error",
        "login-error",
        "recover",
        "recover-error",
        "settings",
        "settings-error",
        "profile",
    ],
)
def test_axe_finds_no_violations(app: Flask, live_server: str, page: Page, kind: str) -> None:
    open_account_page(page, live_server, kind)
    assert_accessible(page, kind)


def test_every_settings_field_is_labelled(app: Flask, live_server: str, page: Page) -> None:
    """Five forms on one page: each field's label must reach that field and no other.

    A `<label for=X>` names the first element with id X; a repeated id leaves a field
    unnamed for screen readers, and clicking its label moves the focus elsewhere.
    """
    open_account_page(page, live_server, "settings")
    # Ids something points at (a label, an ARIA reference, a link) that more than one element has.
    repeated = page.evaluate(
        """() => {
            const pointedAt = new Set();
            for (const label of document.querySelectorAll("label[for]")) {
                pointedAt.add(label.htmlFor);
            }
            for (const element of document.querySelectorAll(
                "[aria-describedby], [aria-labelledby], [aria-controls], [aria-errormessage]"
            )) {
                for (const name of ["aria-describedby", "aria-labelledby", "aria-controls",
                                    "aria-errormessage"]) {
                    for (const id of (element.getAttribute(name) || "").split(/\\s+/)) {
                        if (id) pointedAt.add(id);
                    }
                }
            }
            for (const link of document.querySelectorAll("a[href^='#']")) {
                pointedAt.add(decodeURIComponent(link.getAttribute("href").slice(1)));
            }
            return [...pointedAt].filter(
                (id) => id && document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length > 1
            );
        }"""
    )
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll("main input:not([type=hidden]):not([hidden]),"
                                           + " main textarea, main select")]
            .filter((field) => field.type !== "submit" && field.labels.length === 0)
            .map((field) => field.outerHTML)"""
    )
    assert repeated == [], f"ids pointed at but used more than once on /settings: {repeated}"
    assert unlabelled == [], "fields on /settings without a working label:\n" + "\n".join(
        unlabelled
    )
    for region, label in [
        ("Recovery codes", "Your password"),
        ("Delete my account", "Your password"),
    ]:
        field = page.get_by_role("region", name=region).get_by_label(label, exact=True)
        expect(field).to_have_count(1)
        expect(field).to_have_accessible_name(label)


# --- A narrow phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["join", "join-errors", "codes", "login-error", "settings", "settings-error"]
)
def test_account_pages_fit_a_narrow_phone(
    app: Flask, live_server: str, page: Page, kind: str
) -> None:
    page.set_viewport_size(PHONE)
    path = open_account_page(page, live_server, kind)
    assert_fits_the_window(page, f"{kind} {path}")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["360", "1280"])
def test_recovery_codes_are_readable(app: Flask, live_server: str, page: Page, size: dict) -> None:
    """Each code whole, on one line and inside the window: a code broken over two lines is
    easy to copy wrongly, and these are copied by hand."""
    page.set_viewport_size(size)
    join_in_browser(page, live_server)
    assert_fits_the_window(page, f"the codes page at {size['width']}px")
    codes = page.get_by_role("list", name="Recovery codes").locator("code")
    problems = []
    for index in range(10):
        code = codes.nth(index)
        code.scroll_into_view_if_needed()
        box = code.bounding_box()
        assert box is not None
        text = code.inner_text()
        if box["x"] < 0 or box["x"] + box["width"] > size["width"]:
            problems.append(f"code {index + 1} ({text}) is not fully inside the window: {box}")
        lines = code.evaluate("element => element.getClientRects().length")
        if lines != 1:
            problems.append(f"code {index + 1} ({text}) is split over {lines} lines")
    assert problems == [], f"at {size['width']}px:\n" + "\n".join(problems)


# --- The keyboard alone -----------------------------------------------------------------------


def tab_to(page: Page, element_id: str, most: int = 15) -> None:
    """Press Tab until the element with this id has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached with {most} presses of Tab")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_the_codes_download_print_and_are_shown_once(
    live_server: str, page: Page, javascript: bool
) -> None:
    """The new codes download as a text file and print on their own, with or without
    JavaScript; reloading the page neither makes a new set nor shows these again."""
    codes = join_in_browser(page, live_server)
    assert page.url == live_server + "/recovery-codes"

    with page.expect_download() as download:
        page.get_by_role("button", name="Download them as a text file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if CODE.fullmatch(line)] == codes
    assert download.value.suggested_filename == f"recovery-codes-{PSEUDONYM}.txt"

    page.emulate_media(media="print")
    expect(page.get_by_role("list", name="Recovery codes")).to_be_visible()
    for hidden in (
        page.get_by_role("button", name="Continue"),
        page.get_by_role("button", name="Download them as a text file"),
        page.get_by_role("link", name="Quick exit"),
        site_nav(page),
    ):
        expect(hidden).to_be_hidden()
    page.emulate_media(media="screen")

    page.reload()
    expect(page).to_have_url(live_server + "/settings#recovery")
    expect(page.get_by_role("list", name="Recovery codes")).to_have_count(0)
    assert not [code for code in codes if code in page.content()]


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_a_refused_join_opens_on_a_summary_of_every_problem(
    live_server: str, page: Page, javascript: bool
) -> None:
    """Three problems at once: the page opens with the focus on a list of all three, which a
    screen reader reads by its heading; each links to its field."""
    page.goto(live_server + "/join")
    submit_join(page, "admin", "short", "different")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("Please check these 3 things")
    expect(summary.get_by_role("link")).to_have_count(3)
    summary.get_by_role("link", name=re.compile("not the same")).click()
    expect(page.get_by_label("Password again")).to_be_focused()


def test_join_with_the_keyboard_alone(app: Flask, live_server: str, page: Page) -> None:
    page.goto(live_server + "/join")

    # First with a password that is too short: the first error is tied to its field.
    tab_to(page, "pseudonym")
    page.keyboard.type(PSEUDONYM)
    page.keyboard.press("Tab")
    assert focused_id(page) == "password"
    page.keyboard.type("too short")
    page.keyboard.press("Tab")
    assert focused_id(page) == "password_again"
    page.keyboard.type("too short")
    page.keyboard.press("Enter")

    first_invalid = page.locator("main [aria-invalid='true']").first
    expect(first_invalid).to_have_id("password")
    described_by = (first_invalid.get_attribute("aria-describedby") or "").split()
    assert "password-error" in described_by, described_by
    expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
    expect(first_invalid).to_have_accessible_description(re.compile("at least 10 characters"))
    # What was typed stays, except the passwords, which are never sent back.
    expect(page.get_by_label("Pseudonym")).to_have_value(PSEUDONYM)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused_id(page) == "password_again"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome. Please keep these recovery codes"
    )
    shown_codes(page)

    # The codes page too: tick the box with Space, continue with Enter.
    tab_to(page, "kept", most=30)
    page.keyboard.press("Space")
    expect(page.get_by_label("I have saved these codes somewhere safe")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server + "/")
    expect_logged_in(page, PSEUDONYM)


def test_a_form_problem_is_announced(app: Flask, live_server: str, page: Page) -> None:
    """A refusal that belongs to no single field is an alert, read out when the page loads."""
    member()
    page.goto(live_server + "/login")
    tab_to(page, "pseudonym")
    page.keyboard.type(PSEUDONYM)
    page.keyboard.press("Tab")
    page.keyboard.type("not the right password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(NO_MATCH)


# --- Guests -----------------------------------------------------------------------------------


def test_a_guest_reading_gets_no_cookie(app: Flask, live_server: str, page: Page) -> None:
    app.config["THREADS_PER_PAGE"] = 2
    member = profile_with_posts()
    thread = db.session.scalars(
        select(Thread).where(Thread.title == "What helped me this winter")
    ).one()
    set_cookies = record_set_cookies(page)

    page.goto(live_server + "/")
    page.get_by_role("link", name=thread.title).click()
    expect(page.get_by_role("heading", name=thread.title, level=1)).to_be_visible()
    page.get_by_role("link", name=member.pseudonym).first.click()
    expect(page).to_have_url(live_server + f"/u/{member.pseudonym}")
    expect(page.get_by_role("heading", name=member.pseudonym, level=1)).to_be_visible()
    # A plain link for a guest (no htmx): the next page, with the older post.
    page.get_by_role("link", name="Older posts").click()
    expect(page).to_have_url(re.compile(r"/u/[^?]+\?before=\d+$"))
    expect(page.locator("#profile-posts .thread-item")).to_have_count(1)
    page.wait_for_load_state("networkidle")

    assert set_cookies == [], "a guest reading was given a cookie"
    assert page.context.cookies() == []
    # Anonymous posts never reach a profile.
    assert "Only you know this was me" not in page.content()
    assert not page.get_by_role("link", name=re.compile("Anonymous")).count()
    assert db.session.scalar(select(func.count(Post.id)).where(Post.anonymous)) == 1


# --- Pictures for people ----------------------------------------------------------------------


@pytest.mark.screenshots
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["360", "1280"])
def test_screenshots_for_review(
    app: Flask, live_server: str, page: Page, screenshot_dir: Path, size: dict, scheme: str
) -> None:
    """Pictures in test-results/screenshots/ for a person to look at (`make screenshots`);
    each page photographed fits its window."""
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(size)
    for kind in ("join-errors", "codes", "settings-error"):
        if kind == "settings-error":
            page.context.clear_cookies()  # the member of the codes page joined; start afresh
            db.session.execute(delete(RecoveryCode))
            db.session.execute(delete(User))
            db.session.commit()
        path = open_account_page(page, live_server, kind)
        assert_fits_the_window(page, f"{kind} {path} at {size['width']}px")
        page.screenshot(
            path=screenshot_dir / f"accounts-{kind}-{size['width']}-{scheme}.png", full_page=True
        )
