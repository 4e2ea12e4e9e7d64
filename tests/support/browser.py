"""Helpers for the Playwright tests: serving an app, logging in through the form, checking a
page with axe-core, and watching a page for errors, cookies and reloads."""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, expect
from werkzeug.serving import make_server

from forum.accounts import sign_ins
from forum.database import db
from forum.models import User

from .members import PASSWORD
from .rows import fresh

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
# "Anonymous", or a per-thread alias such as "Anonymous Heron".
ANONYMOUS = re.compile(r"^Anonymous\b")

# A journey run in a browser with JavaScript, and in one without it (pytest-playwright's
# `page` then comes from a context with JavaScript switched off).
WITH_AND_WITHOUT_JS = [
    pytest.param(True, id="js"),
    pytest.param(
        False, id="no-js", marks=pytest.mark.browser_context_args(java_script_enabled=False)
    ),
]


@contextmanager
def serving(wsgi_app) -> Iterator[str]:
    """`wsgi_app` served on a free port of this machine, in threads; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    # A short poll interval: shutdown() waits for it.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def settle() -> None:
    """End the test's own transaction before the live server writes.

    Outside a request the forum opens every SQLite transaction with BEGIN IMMEDIATE (it may
    write), so a test that reads the database holds the write lock until its transaction
    ends, and the live server's next write waits for it, then fails with "database is locked".
    """
    db.session.rollback()


@contextmanager
def another_device(browser: Browser, javascript: bool = True) -> Iterator[Page]:
    """A page in a browser context of its own: no cookies shared with the test's `page`."""
    context = browser.new_context(java_script_enabled=javascript)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- Logging in ----------------------------------------------------------------------------


def site_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Site")


def expect_logged_in(page: Page, pseudonym: str) -> None:
    expect(site_nav(page).get_by_role("link", name=pseudonym, exact=True)).to_be_visible()
    expect(site_nav(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(site_nav(page).get_by_role("link", name="Log in")).to_have_count(0)


def expect_logged_out(page: Page) -> None:
    expect(site_nav(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(site_nav(page).get_by_role("link", name="Join")).to_be_visible()
    expect(site_nav(page).get_by_role("button", name="Log out")).to_have_count(0)


def submit_login(page: Page, pseudonym: str, password: str = PASSWORD) -> None:
    """Fill in the login form on the page and press its button."""
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, live_server: str, pseudonym: str, password: str = PASSWORD) -> None:
    """Log in through the login page, and see the site say so."""
    page.goto(live_server + "/login")
    submit_login(page, pseudonym, password)
    expect_logged_in(page, pseudonym)


# The browser conftest's `sign_in` fixture: sign_in(page, pseudonym).
SignIn = Callable[[Page, str], None]


def sign_in(page: Page, app: Flask, live_server: str, pseudonym: str) -> None:
    """Log `pseudonym` in on the page's browser context at once, with the session cookie the
    login form would leave: for tests about what members see and do, not about logging in
    (`log_in` goes through the form, and the accounts tests use it).

    The cookie is signed by the app's own session serializer and names a new sign-in of the
    member's, as after the form; a request for the settings page, which only a member gets,
    checks that it works before the test goes on.
    """
    user = fresh(User, pseudonym=pseudonym)
    assert user is not None, f"no member {pseudonym}"
    token = sign_ins.begin(user, user_agent="", remember=False)
    db.session.commit()
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": token, "_fresh": True}
    )
    settle()
    page.context.add_cookies(
        [
            {
                "name": app.config["SESSION_COOKIE_NAME"],
                "value": value,
                "url": live_server,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    settings = page.request.get(live_server + "/settings", max_redirects=0)
    assert settings.status == 200, f"{pseudonym} is not signed in ({settings.status})"


# --- Watching a page -----------------------------------------------------------------------


def mark_page(page: Page) -> None:
    """A flag that lives as long as the document: gone if anything reloads the page."""
    page.evaluate("window.marker = 'same page'")


def same_page(page: Page) -> bool:
    return page.evaluate("window.marker") == "same page"


def record_errors(page: Page, expected: tuple[str, ...] = ()) -> list[str]:
    """Page errors, failed requests and console errors or warnings, as they happen (but console
    messages containing one of the `expected` strings)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and not any(
            text in message.text for text in expected
        ):
            errors.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    return errors


def record_set_cookies(page: Page) -> list[str]:
    """The URLs whose responses set a cookie, as they arrive."""
    set_cookies: list[str] = []

    def on_request_finished(request: Request) -> None:
        response = request.response()
        if response and response.header_value("set-cookie"):
            set_cookies.append(request.url)

    page.on("requestfinished", on_request_finished)
    return set_cookies


def assert_fits_the_window(page: Page, what: str) -> None:
    """Nothing on the page is wider than the window: it never scrolls sideways."""
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{what} scrolls sideways: {width}px in a {window}px window"


# --- Accessibility -------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now: rule id, impact, help and the elements.

    The forum's Content-Security-Policy (script-src 'self') blocks the inline script that
    `add_script_tag(path=...)` would write, and bypassing the CSP would test a different page.
    So axe is offered at a same-origin URL that Playwright answers from node_modules; the
    server never sees the request.
    """
    if page.evaluate("typeof axe === 'undefined'"):
        origin = urlsplit(page.url)
        axe_url = f"{origin.scheme}://{origin.netloc}/__tests__/axe.min.js"
        page.route(axe_url, lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
        page.add_script_tag(url=axe_url)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
            "html": [node["html"] for node in violation["nodes"]][:3],
            "summary": [node["failureSummary"] for node in violation["nodes"]][:1],
        }
        for violation in result["violations"]
    ]


COLOUR_SCHEMES = ("light", "dark")


def axe_violations_by_scheme(page: Page) -> dict[str, list[dict]]:
    """axe-core's violations on the page as it is now, in each colour scheme that has any.

    The scheme is switched in place (the stylesheet follows prefers-color-scheme), so both are
    checked in the state the test brought the page to, with one visit.
    """
    found = {}
    for scheme in COLOUR_SCHEMES:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        if violations := axe_violations(page):
            found[scheme] = violations
    return found


def assert_accessible(page: Page, what: str) -> None:
    """axe-core finds nothing on the page, light or dark; `what` names the page in the message."""
    found = axe_violations_by_scheme(page)
    assert found == {}, f"axe on {what} ({page.url}):\n" + "\n".join(
        f"{scheme}: {violation}" for scheme, violations in found.items() for violation in violations
    )
