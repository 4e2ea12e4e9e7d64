"""Guidance beside a story's reply box, on a narrow phone in Chromium: the intent and tips
describe the box; a reply holding words that tend to hurt gets kinder ones in place, which
axe finds nothing wrong with, and "Send as written" sends it, all without a page load."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from support.browser import (
    PHONE,
    SignIn,
    assert_accessible,
    assert_fits_the_window,
    mark_page,
    record_errors,
    same_page,
    settle,
)
from support.content import start_thread, thread_of, thread_url
from support.members import make_member

from forum.database import db
from forum.models import Post, ReplyIntent, ThreadKind

pytestmark = pytest.mark.usefixtures("unpaced")

WRITTEN = "Honestly? Just cheer up, others have it worse."


def test_kinder_words_in_place_on_a_phone(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    story = start_thread(
        ThreadKind.STORY, "The long winter", "I stopped answering the phone.",
        make_member("Hazel"), intent=ReplyIntent.LISTENING.value,
    )  # fmt: skip
    make_member("Sorrel")
    address, story_id = thread_url(thread_of(story)), story.id
    settle()  # nothing read from here on until the forum has written
    errors = record_errors(page)
    sign_in(page, "Sorrel")
    page.set_viewport_size(PHONE)
    page.goto(live_server + address)
    mark_page(page)

    page.locator(f"#p{story_id}").get_by_role("link", name=re.compile("^Reply to")).click()
    box = page.get_by_label("Your reply")
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(re.compile(r"^Just listening, please\..*courage"))

    box.fill(WRITTEN)
    page.get_by_role("button", name="Send reply").click()

    kinder = page.get_by_role("status")
    expect(kinder).to_contain_text("You wrote “just cheer up”.")
    expect(kinder).to_be_focused()
    expect(box).to_have_value(WRITTEN)
    assert_fits_the_window(page, "the story with kinder words")
    assert_accessible(page, "the story with kinder words at 360 px")

    kinder.get_by_role("button", name="Send as written").click()
    expect(page.locator(f"#replies-{story_id} .prose")).to_have_text(WRITTEN)
    assert same_page(page), "the page reloaded"
    db.session.expire_all()
    assert db.session.scalars(select(Post.body).where(Post.parent_id == story_id)).all() == [
        WRITTEN
    ]
    settle()
    assert errors == []
