"""Searching on a phone: results as the reader types, an address that Back returns to, and a
page axe finds nothing wrong with, at 360 px."""

import re

from flask import Flask
from playwright.sync_api import Page, expect
from support.browser import (
    PHONE,
    assert_accessible,
    assert_fits_the_window,
    record_errors,
    record_set_cookies,
)
from support.content import reply, start_thread
from support.members import make_member

from forum.database import db
from forum.models import ThreadKind


def test_results_come_as_a_guest_types_and_back_returns_to_them(
    app: Flask, live_server: str, page: Page
) -> None:
    wren = make_member("Wren", days_old=30)
    story = start_thread(ThreadKind.STORY, "Nights by the harbour", "I walk there.", wren)
    reply(story, make_member("Hazel", days_old=30), "The harbour lights help me.", anonymous=True)
    start_thread(ThreadKind.STORY, "Harbour", "Hard words.", wren, content_warning="Self-harm")
    db.session.commit()
    errors = record_errors(page)
    cookies = record_set_cookies(page)
    page.set_viewport_size(PHONE)

    page.goto(live_server + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    # Typed once htmx has taken the page in hand: keys pressed before it loads (a busy
    # machine) would type into a plain form, which waits for Enter.
    page.wait_for_load_state("load")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    page.get_by_label("Words to find in posts and titles").press_sequentially("harbo")

    status = page.locator("#search-status")
    expect(status).to_have_text("3 posts found, best matches first.")
    expect(page).to_have_url(re.compile(r"/search\?q=harbo$"))
    first_mark = page.locator("article.search-result mark").first
    expect(first_mark).to_have_text(re.compile("harbo", re.IGNORECASE))
    assert_fits_the_window(page, "the search page")
    assert_accessible(page, "the search page with results")

    page.locator("article.search-result a.thread-title").first.click()
    expect(page.locator("article.opening")).to_have_count(1)
    page.go_back()
    expect(page.get_by_label("Words to find in posts and titles")).to_have_value("harbo")
    expect(page.locator("article.search-result")).to_have_count(3)
    assert errors == []
    assert cookies == []
