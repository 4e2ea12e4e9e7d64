"""Reading the forum in a real browser: finding the article, a deep reply tree on a phone,
paging with and without JavaScript, accessibility, and nothing leaving the site."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from support.browser import (
    ANONYMOUS,
    DESKTOP,
    PHONE,
    SignIn,
    another_device,
    assert_accessible,
    assert_fits_the_window,
    axe_violations_by_scheme,
    mark_page,
    record_errors,
    record_set_cookies,
    same_page,
    settle,
)
from support.content import thread_url
from support.members import make_member

from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
from forum.database import db
from forum.models import Post, Thread, ThreadKind

ARTICLE_SECTIONS = [
    "Why Is There Stigma Around Seeking Help?",
    "Understanding Your Hesitation",
    "How to Break Free from the Stigma",
    "Imagine the Possibilities",
    "Embrace the Journey",
]
# Written by the member behind the anonymous reply; must never reach a page.
HIDDEN_PSEUDONYM = "secret_author_7"


def publish_article() -> Thread:
    thread, _ = import_article(ArticleSource.read(DEFAULT_ARTICLE))
    return thread


@dataclass
class DeepThread:
    thread: Thread
    chain: list[Post]
    """chain[0] is the opening post, chain[n] the reply at depth n."""
    anonymous: Post

    @property
    def url(self) -> str:
        return thread_url(self.thread)

    @property
    def deepest_visible(self) -> Post:
        return self.chain[6]


def deep_thread() -> DeepThread:
    """A story whose replies nest 9 levels deep on one branch (deeper than a thread page
    shows), with a shorter branch beside it and an anonymous reply inside the deep one."""
    wren, harbour, tea = (
        make_member("Wren"),
        make_member("quiet_harbour"),
        make_member("morning-tea"),
    )
    hidden = make_member(HIDDEN_PSEUDONYM)
    opening = Thread.start(
        ThreadKind.STORY,
        "The first time I told someone I wasn't okay",
        "For months I told everyone I was *fine*. Last week I said it out loud to my sister.",
        author=harbour,
    )
    chain = [opening]
    authors = [wren, harbour, tea]
    anonymous = None
    for depth in range(1, 10):
        if depth == 4:
            reply = chain[-1].reply(hidden, "Reading this thread helped me today.", anonymous=True)
            anonymous = reply
        else:
            reply = chain[-1].reply(
                authors[depth % 3],
                f"A reply at depth {depth}: thank you for saying this, it helps to read it. "
                "Saying it out loud is so hard, and you did it.",
            )
        chain.append(reply)
    side = opening.reply(tea, "What you said about her asking what would help: exactly that.")
    side.reply(harbour, "She really did just listen.")
    assert anonymous is not None
    return DeepThread(opening.thread, chain, anonymous)


def conversations(count: int) -> list[Thread]:
    """`count` unpinned threads, oldest first (the home page lists them newest first)."""
    author = make_member("north_light")
    return [
        Thread.start(
            ThreadKind.DISCUSSION, f"Conversation number {n}", "How are you today?", author
        ).thread
        for n in range(1, count + 1)
    ]


def expect_listed(page: Page, titles: list[str]) -> None:
    """The "Recent conversations" list shows exactly these threads, in this order."""
    expect(page.locator("#threads .thread-title")).to_have_text(titles)


# --- Finding and reading the article ------------------------------------------------------


def test_home_leads_to_the_pinned_article(app: Flask, live_server: str, page: Page) -> None:
    article = publish_article()
    conversations(2)
    db.session.commit()

    page.goto(live_server + "/")
    titles = page.locator(".thread-title")
    expect(titles.first).to_have_text(article.title)
    expect(page.get_by_role("heading", name="Start here", level=2)).to_be_visible()

    page.get_by_role("link", name=article.title).click()
    expect(page).to_have_url(re.compile(rf"/t/{article.id}-{article.slug}$"))
    expect(page.get_by_role("heading", name=article.title, level=1)).to_be_visible()
    for section in ARTICLE_SECTIONS:
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()


def test_deep_branch_continues_on_its_own_page(app: Flask, live_server: str, page: Page) -> None:
    story = deep_thread()
    db.session.commit()

    page.goto(live_server + story.url)
    expect(page.get_by_role("heading", name="11 replies", level=2)).to_be_visible()
    expect(page.locator(f"#p{story.deepest_visible.id}")).to_be_visible()
    expect(page.locator(f"#p{story.chain[7].id}")).to_have_count(0)
    expect(page.locator(f"#p{story.anonymous.id} .author")).to_have_text(ANONYMOUS)
    assert HIDDEN_PSEUDONYM not in page.content()

    page.get_by_role("link", name="Continue this thread").click()
    expect(page).to_have_url(re.compile(rf"/p/{story.deepest_visible.id}$"))
    for post in story.chain[6:]:
        expect(page.locator(f"#p{post.id}")).to_be_visible()
    page.get_by_text("Earlier in this conversation").click()
    expect(page.locator(f"#p{story.anonymous.id} .author")).to_have_text(ANONYMOUS)
    assert HIDDEN_PSEUDONYM not in page.content()


# --- Accessibility ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["home", "thread", "continuation", "not-found"])
def test_axe_finds_no_violations(app: Flask, live_server: str, page: Page, kind: str) -> None:
    publish_article()
    story = deep_thread()
    db.session.commit()
    paths = {
        "home": "/",
        "thread": story.url,
        "continuation": f"/p/{story.deepest_visible.id}",
        "not-found": "/t/999999",
    }

    response = page.goto(live_server + paths[kind])
    assert response is not None
    assert response.status == (404 if kind == "not-found" else 200)
    if kind == "continuation":
        page.get_by_text("Earlier in this conversation").click()  # check the folded posts too
    if kind == "thread":
        expect(page.get_by_role("link", name="Continue this thread")).to_be_visible()
    assert_accessible(page, kind)


def test_axe_reports_what_it_finds(app: Flask, live_server: str, page: Page) -> None:
    """The check above can fail, in each scheme: an unnamed button and an unlabelled field are
    reported in both, and black text, readable on the light background only, in the dark."""
    db.session.commit()
    page.goto(live_server + "/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", "<button></button><input type=text><p>Black</p>");
            main.lastElementChild.style.color = "#000";  // the CSSOM, which the CSP allows
        }"""
    )
    found = {
        scheme: {violation["id"] for violation in violations}
        for scheme, violations in axe_violations_by_scheme(page).items()
    }
    assert {"button-name", "label"} <= found["light"]
    assert "color-contrast" not in found["light"]
    assert {"button-name", "label", "color-contrast"} <= found["dark"]


# --- A cheap phone ------------------------------------------------------------------------


def test_deep_replies_fit_a_narrow_phone(app: Flask, live_server: str, page: Page) -> None:
    story = deep_thread()
    db.session.commit()
    page.set_viewport_size(PHONE)

    for path, deepest in [
        (story.url, story.deepest_visible),
        (f"/p/{story.chain[6].id}", story.chain[9]),
    ]:
        page.goto(live_server + path)
        assert_fits_the_window(page, path)
        box = page.locator(f"#p{deepest.id}").bounding_box()
        assert box is not None
        assert box["width"] >= 200, f"{path}: the deepest reply is {box['width']}px wide"
        assert box["x"] + box["width"] <= PHONE["width"]


# --- Paging the home listing ----------------------------------------------------------------


def test_older_conversations_load_in_place_with_htmx(
    app: Flask, live_server: str, page: Page, sign_in
) -> None:
    """A member's pages have htmx: the next conversations come in place of the link."""
    app.config["THREADS_PER_PAGE"] = 3
    publish_article()
    titles = [thread.title for thread in reversed(conversations(7))]  # newest first
    make_member("Wren")
    db.session.commit()
    sign_in(page, "Wren")

    page.goto(live_server + "/")
    expect_listed(page, titles[:3])
    home_url = page.url
    mark_page(page)

    page.get_by_role("link", name="Older conversations").click()
    expect_listed(page, titles[:6])
    expect(page.get_by_role("link", name="Older conversations")).to_have_count(1)

    page.get_by_role("link", name="Older conversations").click()
    expect_listed(page, titles)
    expect(page.get_by_role("link", name="Older conversations")).to_have_count(0)

    assert same_page(page), "the page was reloaded"
    assert page.url == home_url
    # The pinned article stays where it was, once.
    expect(page.locator(".pinned .thread-item")).to_have_count(1)


def test_a_guest_pages_with_plain_links(app: Flask, live_server: str, page: Page) -> None:
    """A guest's page loads no htmx: "Older conversations" is a plain link to the next page."""
    app.config["THREADS_PER_PAGE"] = 3
    publish_article()
    titles = [thread.title for thread in reversed(conversations(7))]
    db.session.commit()

    page.goto(live_server + "/")
    assert page.evaluate("typeof htmx") == "undefined"
    page.get_by_role("link", name="Older conversations").click()
    expect(page).to_have_url(re.compile(r"/\?after=\d+-\d+$"))
    expect_listed(page, titles[3:6])


def test_older_conversations_work_without_javascript(
    app: Flask, live_server: str, browser: Browser
) -> None:
    app.config["THREADS_PER_PAGE"] = 3
    article = publish_article()
    titles = [thread.title for thread in reversed(conversations(7))]
    db.session.commit()

    with another_device(browser, javascript=False) as page:
        page.goto(live_server + "/")
        expect_listed(page, titles[:3])

        page.get_by_role("link", name="Older conversations").click()
        expect(page).to_have_url(re.compile(r"/\?after=\d+-\d+$"))
        expect(page.get_by_role("heading", name="Older conversations", level=1)).to_be_visible()
        expect_listed(page, titles[3:6])
        expect(page.get_by_role("link", name=article.title)).to_have_count(0)

        page.get_by_role("link", name="Older conversations").click()
        expect_listed(page, titles[6:])
        expect(page.get_by_role("link", name="Older conversations")).to_have_count(0)


# --- Long threads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LongStory:
    """A story with 7 replies to it (`top`), the first answered 5 times (`folded_last`: the
    last of those, which folds): plain ids, committed, the test's transaction ended."""

    path: str
    opening: int
    top: list[int]
    folded_last: int


def long_story() -> LongStory:
    author, other = make_member("north_light"), make_member("quiet_harbour")
    make_member("morning_tea")
    opening = Thread.start(ThreadKind.STORY, "A long night", "I couldn't sleep again.", author)
    top = [opening.reply(other, f"Answer number {n}.") for n in range(7)]
    answers = [top[0].reply(author, f"Thank you, part {n}.") for n in range(5)]
    db.session.commit()
    story = LongStory(
        thread_url(db.session.get(Thread, opening.thread_id)),
        opening.id,
        [post.id for post in top],
        answers[-1].id,
    )
    settle()
    return story


def branches(page: Page, story: LongStory) -> Locator:
    return page.locator(f"#replies-{story.opening} > li > article.post")


def assert_ids_unique(page: Page) -> None:
    ids = page.eval_on_selector_all("[id]", "elements => elements.map(e => e.id)")
    assert len(ids) == len(set(ids)), "an id twice"


def test_more_replies_come_in_place_with_htmx(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    """The next replies take the link's place, the first of them focused; a reply sent before
    they came shows once, in its place; the heading still counts the thread's replies."""
    app.config.update(REPLIES_PER_PAGE=3, FOLD_REPLIES_AFTER=3, REPLY_INTERVAL_SECONDS=0)
    story = long_story()
    top = story.top
    sign_in(page, "morning_tea")
    page.goto(live_server + story.path)
    mark_page(page)
    expect(branches(page, story)).to_have_count(3)
    heading = page.get_by_role("heading", level=2, name="12 replies")
    expect(heading).to_be_visible()
    # The busy branch folds past 3 replies, and opens.
    fold = page.get_by_text("2 more replies", exact=True)
    expect(page.get_by_text("Thank you, part 4.")).to_be_hidden()
    fold.click()
    expect(page.get_by_text("Thank you, part 4.")).to_be_visible()

    # A reply to the story sent now goes at the end of what is shown.
    page.locator(f"#p{story.opening}").get_by_role("link", name=re.compile("^Reply to the")).click()
    slot = page.locator(f"#reply-slot-{story.opening}")
    slot.get_by_label("Your reply").fill("Late, but here.")
    slot.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Late, but here.")).to_have_count(1)
    expect(page.get_by_role("heading", level=2, name="13 replies")).to_be_visible()

    more = page.get_by_role("link", name="Show more replies")
    more.click()
    expect(page.locator(f"#p{top[3]}")).to_be_focused()
    expect(branches(page, story)).to_have_count(3 + 3 + 1)
    page.get_by_role("link", name="Show more replies").click()
    expect(page.locator(f"#p{top[6]}")).to_be_focused()
    expect(page.get_by_role("link", name="Show more replies")).to_have_count(0)
    # The reply sent earlier came again with the last page: it shows once, last.
    expect(page.get_by_text("Late, but here.")).to_have_count(1)
    expect(branches(page, story)).to_have_count(8)
    expect(branches(page, story).last).to_contain_text("Late, but here.")
    expect(page.get_by_role("heading", level=2, name="13 replies")).to_be_visible()
    assert_ids_unique(page)
    assert same_page(page), "the page was reloaded"
    assert_accessible(page, "a long thread, every reply loaded")


def test_more_replies_work_without_javascript(
    app: Flask, live_server: str, browser: Browser, page: Page
) -> None:
    app.config["REPLIES_PER_PAGE"] = 3
    story = long_story()
    url = live_server + story.path

    with another_device(browser, javascript=False) as plain:
        plain.goto(url)
        expect(branches(plain, story)).to_have_count(3)
        plain.get_by_role("link", name="Show more replies").click()
        expect(plain).to_have_url(re.compile(rf"\?from={story.top[3]}$"))
        expect(plain.get_by_role("heading", name="A long night", level=1)).to_be_visible()
        expect(branches(plain, story)).to_have_count(3)
        expect(plain.locator("article.opening")).to_have_count(0)

        plain.get_by_role("link", name="Show more replies").click()
        expect(branches(plain, story)).to_have_count(1)
        expect(plain.get_by_role("link", name="Show more replies")).to_have_count(0)

        plain.get_by_role("link", name="The story and its first replies").click()
        expect(plain.locator("article.opening")).to_have_count(1)

        # A folded reply's address opens its fold.
        plain.goto(f"{url}#p{story.folded_last}")
        expect(plain.locator(f"#p{story.folded_last}")).to_be_visible()

    # axe runs in the page: with JavaScript.
    page.goto(f"{url}?from={story.top[3]}")
    assert_accessible(page, "a later page of replies")


# --- Self-contained, private, quiet -------------------------------------------------------

# Records Content-Security-Policy violations, which Chromium may also log to the console.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_pages_load_nothing_from_elsewhere_and_log_no_errors(
    app: Flask, live_server: str, page: Page, browser: Browser, sign_in
) -> None:
    app.config["THREADS_PER_PAGE"] = 3
    publish_article()
    story = deep_thread()
    conversations(4)
    make_member("Fern")
    db.session.commit()

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors = record_errors(page)
    page.add_init_script(CSP_RECORDER)

    # A guest: the site's own files, no htmx.
    page.goto(live_server + story.url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "undefined"
    assert page.evaluate("window.__cspViolations") == []
    assert not any("/vendor/htmx/" in url for url in requests)

    # A member: htmx too, used in place.
    sign_in(page, "Fern")
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("htmx.version") == "4.0.1"
    with page.expect_request(lambda request: "after=" in request.url):
        page.get_by_role("link", name="Older conversations").click()
    expect(page.locator("#threads .thread-item")).to_have_count(5)
    assert page.evaluate("window.__cspViolations") == []

    page.goto(live_server + story.url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("htmx.version") == "4.0.1"
    assert page.evaluate("window.__cspViolations") == []

    elsewhere = [url for url in requests if not url.startswith(live_server + "/")]
    assert elsewhere == []
    assert any("/vendor/htmx/4.0.1/htmx.min.js" in url for url in requests)
    assert errors == []


def test_a_guest_gets_no_cookie(app: Flask, live_server: str, page: Page) -> None:
    publish_article()
    story = deep_thread()
    db.session.commit()
    set_cookies = record_set_cookies(page)

    page.goto(live_server + "/")
    page.get_by_role("link", name=story.thread.title).click()
    expect(page.get_by_role("heading", name=story.thread.title, level=1)).to_be_visible()
    page.goto(live_server + f"/p/{story.deepest_visible.id}")
    page.wait_for_load_state("networkidle")

    assert page.context.cookies() == []
    assert set_cookies == []


# --- Pictures for people ----------------------------------------------------------------------


@pytest.mark.screenshots
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_for_review(
    app: Flask, live_server: str, page: Page, screenshot_dir: Path, scheme: str
) -> None:
    """Pictures in test-results/screenshots/ for a person to look at (`make screenshots`);
    each page photographed fits its window."""
    publish_article()
    story = deep_thread()
    conversations(3)
    db.session.commit()
    page.emulate_media(color_scheme=scheme)

    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for name, path in [("home", "/"), ("thread", story.url)]:
            page.goto(live_server + path)
            assert_fits_the_window(page, f"{path} at {size['width']}px")
            page.screenshot(
                path=screenshot_dir / f"{name}-{size['width']}-{scheme}.png", full_page=True
            )
