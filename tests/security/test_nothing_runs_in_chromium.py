"""In a real browser with JavaScript on, nothing a member wrote runs: script payloads and htmx
attributes in a story, a reply, a content warning, a title and a bio, and in a preview, open
no dialog, set no marker, change no title, log no error (an inline script the
Content-Security-Policy blocked would say so in the console) and send no request to an injected
address. Real Chromium, as the browser tests run it (see tests/browser/conftest.py)."""

from flask import Flask
from playwright.sync_api import Page, expect
from support.browser import record_errors, settle, sign_in
from support.content import reply, start_thread, thread_of, thread_url
from support.hostile import HTMX, PAYLOADS, PWNED, Scene, injected
from support.moderation import AUTHOR, READER

from forum.database import db
from forum.models import ThreadKind

ALL_PAYLOADS = "\n\n".join(PAYLOADS)
TITLE = "<script>document.title='pwned'</script><img src=x onerror=alert('pwned')>"
SITE_NAME = "Test Forum"  # as support/config.py sets it
WARNING = "<b onmouseover=\"window.__pwned='warning'\">Other</b>"


def assert_nothing_ran(page: Page, what: str, dialogs: list[str], requests: list[str]) -> None:
    # Long enough for htmx to have processed the page and fired any "load" trigger.
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined", what
    # A payload would make the title "pwned"; the forum's own ends with the site's name.
    assert page.title() != PWNED and page.title().endswith(SITE_NAME), what
    assert dialogs == [], what
    assert [url for url in requests if injected(url)] == [], what


def test_payloads_run_nothing_in_chromium(app: Flask, live_server: str, page: Page, scene: Scene):
    town = scene.town
    story = start_thread(
        ThreadKind.STORY, TITLE, ALL_PAYLOADS, town.author, content_warning=WARNING
    )
    reply(story, town.reader, ALL_PAYLOADS, content_warning=WARNING)
    town.author.set_bio("\n\n".join(HTMX))
    db.session.commit()
    url = live_server + thread_url(thread_of(story))
    settle()

    dialogs: list[str] = []
    requests: list[str] = []
    errors = record_errors(page)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, app, live_server, READER)

    page.goto(url)
    # Unfold the content warnings, and pass the pointer and the focus over what was written.
    for summary in page.locator("details > summary").all():
        summary.click()
    for prose in page.locator(".prose").all():
        prose.hover()
        prose.focus()
    assert_nothing_ran(page, "the thread", dialogs, requests)

    page.goto(f"{live_server}/u/{AUTHOR}")
    page.locator(".prose").first.hover()
    assert_nothing_ran(page, "the profile", dialogs, requests)

    page.goto(f"{live_server}/stories/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your story").fill(ALL_PAYLOADS)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview .prose")).to_be_visible()
    page.locator("#preview .prose").hover()
    assert_nothing_ran(page, "the preview", dialogs, requests)

    assert errors == []
