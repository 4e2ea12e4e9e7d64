"""Coming back to a conversation in a real browser, on a 360 px phone: the replies new since
the last visit marked and reached by "Jump to the first new reply" (onto a later page of a
long thread, with and without JavaScript), following a thread in one click, and My
conversations; axe finds nothing on the thread or on /me, light or dark."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from support.browser import (
    PHONE,
    WITH_AND_WITHOUT_JS,
    SignIn,
    assert_accessible,
    assert_fits_the_window,
    mark_page,
    same_page,
    settle,
)
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member

from forum.database import db
from forum.models import Post, ThreadKind, ThreadReader, User

READER = "Sorrel"


def story_read_once(app: Flask, replies: int) -> tuple[Post, list[Post], User]:
    """Wren's anonymous story with `replies` answers by Hazel, all read once by Sorrel."""
    wren, hazel, sorrel = make_member("Wren"), make_member("Hazel"), make_member(READER)
    story = start_thread(
        ThreadKind.STORY, "The winter I stopped pretending", "It was a long one.", wren,
        anonymous=True,
    )  # fmt: skip
    answers = [reply(story, hazel, f"Answer {n}: you are not alone.") for n in range(replies)]
    db.session.add(
        ThreadReader(
            user_id=sorrel.id, thread_id=story.thread_id, following=True,
            last_seen_post_id=answers[-1].id if answers else story.id,
        )
    )  # fmt: skip
    db.session.commit()
    return story, answers, hazel


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_the_jump_to_the_first_new_reply_lands_on_its_page_marked(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, javascript: bool
) -> None:
    app.config["REPLIES_PER_PAGE"] = 3
    story, answers, hazel = story_read_once(app, 7)
    latest = reply(answers[5], hazel, "Still thinking of you.")
    url, branch, new_id = thread_url(thread_of(story)), answers[5].id, latest.id
    settle()  # nothing read from the database below: the live server writes
    page.set_viewport_size(PHONE)
    sign_in(page, READER)

    page.goto(live_server + url)
    jump = page.get_by_role("link", name="Jump to the new reply (1 new)")
    expect(jump).to_be_visible()
    jump.click()

    expect(page).to_have_url(re.compile(rf"\?from={branch}&since=\d+#p{new_id}$"))
    marked = page.locator(f"#p{new_id}")
    expect(marked).to_be_in_viewport()
    expect(marked).to_have_accessible_name(re.compile(r"^New reply by Hazel"))
    expect(marked.get_by_text("New", exact=True)).to_be_visible()
    assert_fits_the_window(page, "a later page with a new reply")


def test_a_thread_with_new_replies_and_my_conversations_read_well_at_360px(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    story, answers, hazel = story_read_once(app, 2)
    first = reply(answers[0], hazel, "And one more thing.")
    reply(story, hazel, "Thinking of you.")
    url, first_id = thread_url(thread_of(story)), first.id
    settle()  # nothing read from the database below: the live server writes
    page.set_viewport_size(PHONE)
    sign_in(page, READER)

    page.goto(live_server + url)
    expect(page.get_by_role("link", name="Jump to the first new reply (2 new)")).to_be_visible()
    expect(page.locator("article.post.new")).to_have_count(2)
    new = page.locator(f"#p{first_id}")
    # Marked in words and by its edge, not by colour alone.
    assert new.evaluate("e => getComputedStyle(e).borderLeftWidth") == "4px"
    expect(new.locator(".byline")).to_contain_text("New")
    assert_fits_the_window(page, "a thread with new replies")
    assert_accessible(page, "a thread with new replies")

    header = page.get_by_role("navigation", name="Site")
    header.get_by_role("link", name="My conversations").click()
    expect(page.get_by_role("heading", name="My conversations", level=1)).to_be_visible()
    followed = page.locator("#followed")
    expect(followed).to_contain_text("The winter I stopped pretending")
    assert_fits_the_window(page, "My conversations")
    assert_accessible(page, "My conversations")


def test_my_anonymous_story_on_my_conversations(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    story, _, _ = story_read_once(app, 1)
    db.session.add(
        ThreadReader(user_id=story.author_id, thread_id=story.thread_id, following=True,
                     last_seen_post_id=story.id)
    )  # fmt: skip
    db.session.commit()
    settle()
    page.set_viewport_size(PHONE)
    sign_in(page, "Wren")

    page.goto(live_server + "/me")

    mine = page.locator("#started li")
    expect(mine).to_contain_text("1 reply")
    expect(mine).to_contain_text("1 new")
    expect(mine).to_contain_text("Only you can see this is yours.")
    assert_fits_the_window(page, "My conversations with an anonymous story")
    assert_accessible(page, "My conversations with an anonymous story")


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_follow_and_unfollow_in_one_click(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, javascript: bool
) -> None:
    story, _, _ = story_read_once(app, 1)
    make_member("Bracken")
    url, box = thread_url(thread_of(story)), f"#follow-{story.thread_id}"
    settle()  # nothing read from the database below: the live server writes
    page.set_viewport_size(PHONE)
    sign_in(page, "Bracken")
    page.goto(live_server + url)
    if javascript:
        mark_page(page)

    page.get_by_role("button", name="Follow this thread").click()
    unfollow = page.get_by_role("button", name="Unfollow this thread")
    expect(unfollow).to_be_visible()
    expect(page.locator(box)).to_contain_text("You follow this thread")
    if javascript:
        expect(unfollow).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(rf"{box}$"))

    unfollow.click()
    expect(page.get_by_role("button", name="Follow this thread")).to_be_visible()
    if javascript:
        expect(page.get_by_role("button", name="Follow this thread")).to_be_focused()
        assert same_page(page), "following reloaded the page"
    assert_fits_the_window(page, "a thread with the follow button")
