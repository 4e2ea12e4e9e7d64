"""Help and a way out, in a real browser: "Need help now?" is the first thing Tab reaches,
Quick exit (a click, or Escape three times) leaves for a neutral site and Back does not come
back, it still leaves without JavaScript, and the help and privacy pages pass axe."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from support.browser import (
    COLOUR_SCHEMES,
    DESKTOP,
    PHONE,
    WITH_AND_WITHOUT_JS,
    another_device,
    assert_accessible,
    assert_fits_the_window,
    serving,
    settle,
)
from support.content import start_thread, thread_of, thread_url
from werkzeug.wrappers import Request, Response

from forum.database import db


@Request.application
def neutral_site(request: Request) -> Response:
    """Somewhere ordinary to land: a local stand-in for a weather page, never an outside host."""
    title = "Weather" if request.path == "/weather" else "Somewhere else"
    body = f"<!doctype html><html lang='en'><title>{title}</title><h1>{title}</h1></html>"
    return Response(body, mimetype="text/html")


@pytest.fixture(scope="module")
def neutral() -> Iterator[str]:
    """The neutral site, served once for the module: it keeps no state between tests."""
    with serving(neutral_site) as url:
        yield url


@pytest.fixture
def story_url(app: Flask) -> str:
    return thread_url(thread_of(start_thread(title="A hard week", body="It has been a hard week.")))


@pytest.fixture
def exit_to(app: Flask, neutral: str) -> str:
    """Quick exit configured to leave for the local neutral site."""
    app.config["QUICK_EXIT_URL"] = neutral + "/weather"
    return app.config["QUICK_EXIT_URL"]


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )


@pytest.mark.parametrize("path", ["/", "/help", "story"])
def test_tab_reaches_help_first(
    app: Flask, live_server: str, page: Page, story_url: str, path: str
) -> None:
    page.goto(live_server + (story_url if path == "story" else path))

    page.keyboard.press("Tab")
    assert focused(page) == {"text": "Need help now?", "href": "/help"}
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Quick exit"
    # The skip link still comes next, and still works.
    page.keyboard.press("Tab")
    assert focused(page) == {"text": "Skip to content", "href": "#main"}
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_help_link_opens_the_crisis_resources(app: Flask, live_server: str, page: Page) -> None:
    page.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server + "/help")
    expect(page.get_by_role("heading", level=1)).to_have_text("Need help now?")
    first = page.locator("section.country").first
    expect(first.get_by_role("heading", level=2)).to_have_text("United Kingdom")
    expect(first.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")


def test_quick_exit_leaves_and_back_does_not_return(
    app: Flask, live_server: str, page: Page, story_url: str, neutral: str, exit_to: str
) -> None:
    page.goto(neutral + "/before")
    page.goto(live_server + story_url)

    page.get_by_role("link", name="Quick exit").click()

    expect(page).to_have_url(exit_to)
    expect(page).to_have_title("Weather")
    page.go_back()
    expect(page).to_have_url(neutral + "/before")
    assert not page.url.startswith(live_server)


def test_escape_three_times_leaves_and_back_does_not_return(
    app: Flask, live_server: str, page: Page, story_url: str, neutral: str, exit_to: str
) -> None:
    page.goto(neutral + "/before")
    page.goto(live_server + story_url)

    for _ in range(3):
        page.keyboard.press("Escape")

    expect(page).to_have_url(exit_to)
    page.go_back()
    expect(page).to_have_url(neutral + "/before")


def test_escape_works_while_typing_in_a_field(
    app: Flask, live_server: str, page: Page, neutral: str, exit_to: str
) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Pseudonym").fill("someone")
    page.get_by_label("Pseudonym").focus()

    for _ in range(3):
        page.keyboard.press("Escape")

    expect(page).to_have_url(exit_to)


def test_escape_pressed_slowly_or_twice_stays(
    app: Flask, live_server: str, page: Page, neutral: str, exit_to: str
) -> None:
    """Escape closes things in many places: only three quick presses mean "leave".

    The page's clock is Playwright's (it runs on, and jumps forward when told), so the pauses
    between presses take no real time: the script measures them with performance.now().
    """
    page.clock.install()
    page.goto(live_server + "/help")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")  # twice
    page.clock.fast_forward(1700)
    page.keyboard.press("Escape")  # the two before are too old to count
    page.clock.fast_forward(800)
    page.keyboard.press("Escape")  # three in 2.5 s, but only two within 1.5 s
    page.wait_for_timeout(300)  # real time, for a navigation to start if one were coming

    expect(page).to_have_url(live_server + "/help")
    expect(page.locator("body")).to_be_visible()


def test_quick_exit_works_without_javascript(
    app: Flask, live_server: str, browser: Browser, exit_to: str
) -> None:
    with another_device(browser, javascript=False) as page:
        page.goto(live_server + "/")
        page.get_by_role("link", name="Quick exit").click()
        expect(page).to_have_url(exit_to)


def test_help_and_quick_exit_are_visible_on_a_phone(
    app: Flask, live_server: str, page: Page, story_url: str
) -> None:
    page.set_viewport_size(PHONE)
    for path in ["/", story_url, "/help", "/privacy"]:
        page.goto(live_server + path)
        for name in ["Need help now?", "Quick exit"]:
            link = page.get_by_role("link", name=name)
            expect(link).to_be_in_viewport(ratio=1)
            box = link.bounding_box()
            assert box["height"] >= 24, f"{name} on {path} is a small target: {box}"
        assert_fits_the_window(page, path)


@pytest.mark.parametrize("path", ["/help", "/privacy"])
def test_axe_finds_no_violations(app: Flask, live_server: str, page: Page, path: str) -> None:
    page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    page.goto(live_server + path)

    assert_accessible(page, path)


# --- In reach however far the page scrolls -------------------------------------------------

REPLIES = 40


@pytest.fixture
def long_thread(app: Flask) -> tuple[str, list[int]]:
    """A thread with many replies on one page, far taller than any window: its address and
    reply ids."""
    app.config["REPLIES_PER_PAGE"] = REPLIES
    opening = start_thread(title="A long night", body="Thank you all for being here.")
    replies = [
        opening.reply(None, f"Reply {number}. " + "Holding on, one day at a time. " * 6)
        for number in range(REPLIES)
    ]
    db.session.commit()
    ids = [post.id for post in replies]
    url = thread_url(thread_of(opening))
    settle()
    return url, ids


def on_top(page: Page, selector: str) -> bool:
    """Whether what a tap at the middle of `selector` lands on is that element: on screen, and
    covered by nothing."""
    return page.evaluate(
        """(selector) => {
            const element = document.querySelector(selector);
            const box = element.getBoundingClientRect();
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
            const hit = document.elementFromPoint(x, y);
            return hit !== null && (hit === element || element.contains(hit));
        }""",
        selector,
    )


def bar_bottom(page: Page) -> float:
    return page.evaluate("document.querySelector('.safety-bar').getBoundingClientRect().bottom")


def top_of(page: Page, selector: str) -> float:
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")


# The two links stack in a window narrower than about 300 px (a small phone, or a zoomed one).
NARROW = {"width": 280, "height": 640}
SIZES = [
    pytest.param(PHONE, id="phone"),
    pytest.param(DESKTOP, id="desktop"),
    pytest.param(NARROW, id="narrow"),
]


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
@pytest.mark.parametrize("size", SIZES)
def test_help_and_quick_exit_stay_on_screen_at_the_bottom_of_a_long_thread(
    app: Flask, live_server: str, page: Page, long_thread, size: dict, javascript: bool
) -> None:
    url, _ = long_thread
    page.set_viewport_size(size)
    page.goto(live_server + url)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bottom = page.evaluate("scrollY")
    assert bottom > 3 * size["height"], "the thread is not long enough to test anything"

    for scheme in COLOUR_SCHEMES:
        page.emulate_media(color_scheme=scheme)
        assert on_top(page, ".help-now"), f"Need help now? is off screen or covered ({scheme})"
        assert on_top(page, ".quick-exit"), f"Quick exit is off screen or covered ({scheme})"
        assert_fits_the_window(page, f"{url} ({scheme})")
    # Reached from down here with one tap, without scrolling back up.
    page.get_by_role("link", name="Need help now?").click()
    expect(page).to_have_url(live_server + "/help")


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
@pytest.mark.parametrize("size", SIZES)
def test_a_post_opened_by_its_address_shows_below_the_bar(
    app: Flask, live_server: str, page: Page, long_thread, size: dict, javascript: bool
) -> None:
    url, ids = long_thread
    page.set_viewport_size(size)
    target = ids[REPLIES // 2]
    page.goto(f"{live_server}{url}#p{target}")

    assert page.evaluate("scrollY") > 0
    top = top_of(page, f"#p{target}")
    assert bar_bottom(page) <= top < size["height"] / 2, (bar_bottom(page), top)
    assert on_top(page, f"#p{target} .byline")


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
@pytest.mark.parametrize("size", SIZES)
def test_the_skip_link_shows_below_the_bar_and_works_from_anywhere(
    app: Flask, live_server: str, page: Page, long_thread, size: dict, javascript: bool
) -> None:
    url, _ = long_thread
    page.set_viewport_size(size)
    page.goto(live_server + url)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")

    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused(page) == {"text": "Skip to content", "href": "#main"}
    assert top_of(page, ".skip-link") >= bar_bottom(page)
    assert on_top(page, ".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert top_of(page, "#main") >= bar_bottom(page)


def test_tabbing_back_up_a_long_thread_never_hides_focus_under_the_bar(
    app: Flask, live_server: str, page: Page, long_thread
) -> None:
    url, _ = long_thread
    page.set_viewport_size(PHONE)
    page.goto(live_server + url)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.get_by_role("link", name=re.compile(r"^Reply to the ")).last.focus()

    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= (
            bar_bottom(page)
        ), focused(page)


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_help_says_honestly_what_back_does(
    app: Flask, live_server: str, page: Page, javascript: bool
) -> None:
    page.goto(live_server + "/help")
    with_script = page.locator(".if-quick-exit-script")
    without_script = page.locator(".unless-quick-exit-script")

    if javascript:
        expect(with_script).to_be_visible()
        expect(with_script).to_contain_text("Back won't return")
        expect(without_script).to_be_hidden()
    else:
        expect(without_script).to_be_visible()
        expect(without_script).to_contain_text("Back may bring you back to this forum")
        expect(with_script).to_be_hidden()
