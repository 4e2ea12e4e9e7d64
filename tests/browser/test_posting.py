"""Posting in a real browser: sharing a story anonymously behind a content warning, replying
inline three levels deep, reacting, editing and deleting, each with JavaScript and without;
accessibility of every writing page, and a narrow phone."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from support.browser import (
    ANONYMOUS,
    DESKTOP,
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
    submit_login,
)
from support.content import thread_url
from support.members import make_member

from forum.database import db
from forum.models import Post, Reaction, ReactionKind, ReplyIntent, Thread, ThreadKind, User

WRITER = "hidden_harbour_9"
READER = "morning_tea"
LISTENING = ReplyIntent.LISTENING
STORY_TITLE = "The night I finally told my sister"
STORY_BODY = (
    "For months I said I was *fine*. Then I **told** my sister everything.\n\n"
    "- she listened\n- she didn't try to fix it"
)

# Journeys post quickly and often; the pace has tests of its own.
pytestmark = pytest.mark.usefixtures("unpaced")


def post_id(article: Locator) -> int:
    """The id of the post an `article#p<id>` shows."""
    identifier = article.get_attribute("id")
    assert identifier is not None and re.fullmatch(r"p\d+", identifier), identifier
    return int(identifier[1:])


def replies_of(page: Page, parent_id: int) -> Locator:
    """The posts directly under `parent_id` in the tree: its own nested list, not deeper."""
    return page.locator(f"#replies-{parent_id} > li > article.post")


def replies_heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=2, name=re.compile(r"^(\d+ repl(y|ies))$"))


def reply_link(page: Page, post: int) -> Locator:
    return page.locator(f"#p{post}").get_by_role("link", name=re.compile(r"^Reply to the "))


@dataclass(frozen=True)
class Conversation:
    """A story by READER (listening, please; a content warning) with replies, as plain ids:
    `chain[0]` is the opening post and `chain[n]` a reply at depth n (WRITER's at odd depths);
    `side` is a second branch: WRITER's anonymous reply behind its own warning, and READER's
    answer to it."""

    path: str
    chain: list[int]
    side: list[int]

    @property
    def opening(self) -> int:
        return self.chain[0]


def conversation(depth: int = 3) -> Conversation:
    """Members WRITER and READER, and a story of READER's with replies `depth` deep, some
    reactions, an anonymous reply and content warnings. Committed, and the test's transaction
    ended (see `settle`)."""
    writer, reader = make_member(WRITER), make_member(READER)
    opening = Thread.start(
        ThreadKind.STORY,
        "Saying it out loud for the first time",
        "I told a friend I wasn't okay. It was **so hard**, and it helped.",
        reader,
        content_warning="Grief",
        intent=LISTENING.value,
    )
    chain = [opening]
    for level in range(1, depth + 1):
        author = writer if level % 2 else reader
        chain.append(
            chain[-1].reply(author, f"A reply at depth {level}: thank you for writing this.")
        )
    side = [opening.reply(writer, "Me too, last winter.", anonymous=True, content_warning="Abuse")]
    side.append(side[0].reply(reader, "Thank you for telling me."))
    db.session.add(Reaction(post_id=opening.id, user_id=writer.id, kind=ReactionKind.SUPPORT))
    db.session.add(Reaction(post_id=opening.id, user_id=reader.id, kind=ReactionKind.ME_TOO))
    if depth:
        db.session.add(
            Reaction(post_id=chain[1].id, user_id=reader.id, kind=ReactionKind.THANK_YOU)
        )
    db.session.flush()
    story = Conversation(
        thread_url(opening.thread), [post.id for post in chain], [post.id for post in side]
    )
    db.session.commit()
    return story


def open_warnings(page: Page) -> None:
    """Unfold every content warning on the page, and the inline forms' warning fields."""
    folded = page.locator("details:not([open]) > summary")
    for _ in range(folded.count()):
        folded.first.click()
    expect(folded).to_have_count(0)


def open_inline_reply(page: Page, parent: int) -> Locator:
    """Press Reply under `parent` (JavaScript on); returns the slot holding its form."""
    reply_link(page, parent).click()
    slot = page.locator(f"#reply-slot-{parent}")
    expect(slot.get_by_label("Your reply")).to_be_focused()
    return slot


# --- 1. Sharing a story anonymously -----------------------------------------------------------


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_share_a_story_anonymously_behind_a_content_warning(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, browser: Browser, javascript: bool
) -> None:
    make_member(WRITER)
    errors = record_errors(page)

    # A guest is asked to log in, and comes back to the editor.
    page.goto(live_server + "/stories/new")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    submit_login(page, WRITER)
    expect(page).to_have_url(re.compile(r"/stories/new$"))
    expect(page.get_by_role("heading", name="Share your story", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="If you're not sure where to start")).to_be_visible()

    page.get_by_label("Title").fill(STORY_TITLE)
    page.get_by_label("Your story").fill(STORY_BODY)
    page.get_by_text("Add a content warning").click()
    page.get_by_label("Content warning", exact=True).select_option("Self-harm")
    # A choice that isn't the default, to see it kept by the preview.
    page.get_by_role("radio", name="Advice welcome").check()
    page.get_by_label("Post anonymously").check()
    compose_url = page.url

    # Nothing to preview yet: no empty box. The options come before the buttons.
    preview = page.locator("#preview")
    expect(preview).to_be_empty()
    assert preview.evaluate("e => getComputedStyle(e).borderTopStyle") == "none"
    options = page.get_by_label("Post anonymously").bounding_box()
    buttons = page.get_by_role("button", name="Preview", exact=True).bounding_box()
    assert options and buttons and options["y"] < buttons["y"]

    if javascript:
        mark_page(page)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(preview.get_by_role("heading", name="Preview")).to_be_in_viewport()
    # Folded behind its warning, as the story will be, until opened.
    fold = preview.locator("details.content-warning")
    expect(fold.locator("summary")).to_contain_text("Content warning (Self-harm)")
    expect(preview.locator("strong")).to_be_hidden()
    fold.locator("summary").click()
    expect(preview.locator("strong")).to_have_text("told")
    expect(preview.locator("em")).to_have_text("fine")
    expect(preview.get_by_role("listitem")).to_have_text(
        ["she listened", "she didn't try to fix it"]
    )
    if javascript:
        assert same_page(page), "Preview reloaded the page"
        assert page.url == compose_url
    else:
        assert page.url == compose_url + "#preview", "the preview is where the page opens"
    # Everything typed is still there (without JavaScript, the page came back with it).
    expect(page.get_by_label("Title")).to_have_value(STORY_TITLE)
    expect(page.get_by_label("Your story")).to_have_value(STORY_BODY)
    expect(page.get_by_label("Content warning", exact=True)).to_have_value("Self-harm")
    expect(page.get_by_label("Content warning", exact=True)).to_be_visible()
    expect(page.get_by_role("radio", name="Advice welcome")).to_be_checked()
    expect(page.get_by_label("Post anonymously")).to_be_checked()

    page.get_by_role("radio", name=LISTENING.label).check()
    page.get_by_role("button", name="Share your story").click()

    expect(page).to_have_url(re.compile(r"/t/\d+-the-night-i-finally-told-my-sister$"))
    story = page.locator("article.opening")
    expect(story.get_by_role("heading", name=STORY_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Sent. Everyone can read it now.")
    expect(story.locator(".byline .author")).to_have_text(ANONYMOUS)
    # What the author asked for, at the top, with its line of etiquette.
    intent = story.locator("header .intent")
    expect(intent).to_have_text(f"{LISTENING.label}. {LISTENING.etiquette}")
    # The story stays folded behind its warning until opened.
    warning = story.locator("details.content-warning")
    expect(warning.locator("summary")).to_have_text("Content warning (Self-harm) Show")
    told = story.get_by_text("told", exact=True)
    expect(told).to_be_hidden()
    intent_box, warning_box = intent.bounding_box(), warning.bounding_box()
    assert intent_box and warning_box and intent_box["y"] < warning_box["y"]
    warning.locator("summary").click()
    expect(told).to_be_visible()
    expect(warning).to_have_attribute("open", "")

    # The author's own view names them only in the site menu; nobody else's view names them,
    # neither a guest's nor another member's (who gets forms and buttons a guest doesn't).
    assert WRITER not in page.locator("main").inner_html()
    alias = story.locator(".byline .author").inner_text()
    story_url = page.url
    make_member(READER)
    with another_device(browser, javascript) as other_page:
        for viewer in ("guest", READER):
            if viewer == READER:
                sign_in(other_page, READER)
            other_page.goto(story_url)
            expect(other_page.locator("article.opening .author")).to_have_text(alias)
            assert WRITER not in other_page.content(), f"{viewer} sees the pseudonym"

    db.session.expire_all()
    thread = db.session.scalars(select(Thread).where(Thread.title == STORY_TITLE)).one()
    assert (thread.kind, thread.content_warning, thread.intent) == (
        ThreadKind.STORY,
        "Self-harm",
        LISTENING.value,
    )
    assert errors == []


# --- 2. Threaded replies ------------------------------------------------------------------------


def test_reply_inline_three_levels_deep_without_a_page_load(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    story = conversation(depth=0)
    opening = story.opening
    errors = record_errors(page)
    sign_in(page, WRITER)
    page.goto(live_server + story.path)
    expect(replies_heading(page)).to_have_text("2 replies")
    thread_url = page.url
    mark_page(page)

    parent = opening
    for level in (1, 2, 3):
        slot = open_inline_reply(page, parent)
        # The story's intent and its etiquette are echoed above the form.
        expect(slot.locator(".intent")).to_have_text(f"{LISTENING.label}. {LISTENING.etiquette}")
        already = replies_of(page, parent).count()
        slot.get_by_label("Your reply").fill(f"My reply at level {level}, sent inline.")
        slot.get_by_role("button", name="Send reply").click()

        # The reply takes its place at the end of its parent's own list, focused.
        expect(replies_of(page, parent)).to_have_count(already + 1)
        new_reply = replies_of(page, parent).last
        expect(new_reply).to_contain_text(f"My reply at level {level}, sent inline.")
        expect(new_reply.locator(".author")).to_have_text(WRITER)
        expect(new_reply).to_be_focused()
        # The form is gone, and the reply says, once, that it was sent.
        expect(slot.get_by_label("Your reply")).to_have_count(0)
        expect(new_reply.get_by_role("status")).to_have_text("Sent. Everyone can read it now.")
        expect(new_reply).to_have_accessible_description("Sent. Everyone can read it now.")
        expect(replies_heading(page)).to_have_text(f"{2 + level} replies")
        parent = post_id(new_reply)

    assert same_page(page), "a reply reloaded the page"
    assert page.url == thread_url
    expect(page.locator("#no-replies")).to_be_hidden()
    assert_saved_chain(opening, levels=3)
    chain = chain_ids(opening, levels=3)
    # Nested lists, each reply under the one it answers, as inserted and as the server draws
    # them after a reload.
    for reloaded in (False, True):
        if reloaded:
            page.reload()
            expect(replies_heading(page)).to_have_text("5 replies")
        for above, below in pairwise(chain):
            expect(page.locator(f"#replies-{above} > li > #p{below}")).to_have_count(1)
    assert errors == []


def chain_ids(opening: int, levels: int) -> list[int]:
    """The opening post and the writer's replies under it, each answering the one before."""
    db.session.expire_all()
    ids = [opening]
    for _ in range(levels):
        ids.append(
            db.session.scalars(
                select(Post.id).where(Post.parent_id == ids[-1], Post.body.like("My reply%"))
            ).one()
        )
    settle()
    return ids


def assert_saved_chain(opening: int, levels: int) -> None:
    db.session.expire_all()
    posts = [db.session.get(Post, post) for post in chain_ids(opening, levels)]
    assert [post.depth for post in posts] == list(range(levels + 1))
    assert [post.body for post in posts[1:]] == [
        f"My reply at level {level}, sent inline." for level in range(1, levels + 1)
    ]
    settle()


def test_reply_three_levels_deep_on_reply_pages_without_javascript(
    app: Flask, live_server: str, sign_in: SignIn, browser: Browser
) -> None:
    story = conversation(depth=0)
    opening = story.opening
    with another_device(browser, javascript=False) as page:
        sign_in(page, WRITER)
        page.goto(live_server + story.path)

        parent = opening
        for level in (1, 2, 3):
            reply_link(page, parent).click()
            expect(page).to_have_url(re.compile(rf"/p/{parent}/reply$"))
            expect(page.get_by_role("heading", name="Your reply", level=1)).to_be_visible()
            expect(page.locator(f"#p{parent}")).to_be_visible()  # what is being answered
            expect(page.locator("form .intent")).to_have_text(
                f"{LISTENING.label}. {LISTENING.etiquette}"
            )
            page.get_by_label("Your reply").fill(f"My reply at level {level}, sent inline.")
            page.get_by_role("button", name="Send reply").click()

            expect(page).to_have_url(re.compile(rf"{re.escape(story.path)}#p\d+$"))
            new = int(page.url.rsplit("#p", 1)[1])
            placed = page.locator(f"#replies-{parent} > li > #p{new}")
            expect(placed).to_contain_text(f"My reply at level {level}, sent inline.")
            expect(placed.locator(".author")).to_have_text(WRITER)
            # One word on what became of it, beside it, where the page opens.
            expect(page.get_by_role("status")).to_have_count(1)
            expect(placed.get_by_role("status")).to_have_text("Sent. Everyone can read it now.")
            expect(placed.get_by_role("status")).to_be_in_viewport()
            expect(replies_heading(page)).to_have_text(f"{2 + level} replies")
            parent = new

        assert_saved_chain(opening, levels=3)


def test_cancel_an_inline_reply(app: Flask, live_server: str, sign_in: SignIn, page: Page) -> None:
    story = conversation(depth=1)
    reply = story.chain[1]
    sign_in(page, WRITER)
    page.goto(live_server + story.path)

    slot = open_inline_reply(page, reply)
    slot.get_by_role("button", name="Cancel").click()
    expect(slot.locator("form")).to_have_count(0)
    expect(reply_link(page, reply)).to_be_focused()


# --- 3. Supportive reactions --------------------------------------------------------------------


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_react_and_take_it_back(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, javascript: bool
) -> None:
    story = conversation(depth=1)
    reply = story.chain[1]  # WRITER's, with one "Thank you" from READER
    sign_in(page, READER)
    page.goto(live_server + story.path)
    if javascript:
        mark_page(page)

    reactions = page.locator(f"#reactions-{reply}")
    support = reactions.get_by_role("button", name=re.compile(r"^Sending support"))
    # Folded (out of the accessibility tree until opened): found by its id.
    thanks = reactions.locator(f"#react-{reply}-thank-you")
    expect(support).to_have_attribute("aria-pressed", "false")
    expect(support).to_have_text("Sending support")
    expect(thanks).to_have_attribute("aria-pressed", "true")
    expect(thanks).to_have_text("Thank you · 1")
    # "Sending support" in sight; the other kinds folded behind "More", which says their counts.
    more = reactions.locator("summary")
    expect(thanks).to_be_hidden()
    expect(more).to_have_text("More reactions · Thank you 1")
    expect(more).to_have_accessible_name("More reactions · Thank you 1")

    support.click()
    expect(support).to_have_attribute("aria-pressed", "true")
    expect(support).to_have_text("Sending support · 1")
    if javascript:
        # The bar was replaced; focus stays on the button pressed, not the top of the page.
        expect(support).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(rf"#p{reply}$"))

    more.click()
    expect(thanks).to_have_accessible_name("Thank you · 1")
    thanks.click()  # take back the one given before
    expect(thanks).to_have_attribute("aria-pressed", "false")
    expect(thanks).to_have_text("Thank you")
    if javascript:
        # Folded or not, the button pressed keeps the focus, in sight.
        expect(thanks).to_be_visible()
        expect(thanks).to_be_focused()

    support.click()
    expect(support).to_have_attribute("aria-pressed", "false")
    expect(support).to_have_text("Sending support")
    # The opening post's reactions were never touched.
    expect(page.locator(f"#reactions-{story.opening}")).to_contain_text("Sending support · 1")
    if javascript:
        assert same_page(page), "a reaction reloaded the page"

    db.session.expire_all()
    assert db.session.scalars(select(Reaction).where(Reaction.post_id == reply)).all() == []


# --- 4. Editing -----------------------------------------------------------------------------


def test_a_reply_that_waits_for_a_moderator_says_so_once_inline(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    """A new member's reply, held: the heading doesn't say less than the writer sees, and the
    reply says one true thing."""
    story = conversation(depth=1)
    make_member("new_here_today")
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1
    sign_in(page, "new_here_today")
    page.goto(live_server + story.path)
    heading = page.locator("#replies-heading")
    expect(heading).to_have_text("3 replies")

    slot = open_inline_reply(page, story.opening)
    slot.get_by_label("Your reply").fill("I felt this too.")
    slot.get_by_role("button", name="Send reply").click()

    new_reply = replies_of(page, story.opening).last
    expect(new_reply).to_contain_text("I felt this too.")
    expect(new_reply).to_be_focused()
    held = "Sent. A moderator will look at it before others can see it."
    expect(page.get_by_role("status")).to_have_text(held)
    expect(new_reply).to_have_accessible_description(held)
    expect(page.locator(".pending")).to_have_count(0)
    expect(heading).to_have_text("3 replies and 1 waiting for a moderator")

    page.reload()  # said once: now the reply shows as it stands
    expect(page.get_by_role("status")).to_have_count(0)
    expect(new_reply.locator(".pending")).to_contain_text("Waiting for a moderator")
    expect(heading).to_have_text("3 replies and 1 waiting for a moderator")


def test_the_story_box_has_room_on_a_desktop(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    """At 1280 px the story box keeps the reading column's whole width, the prompts beside it;
    on a phone they come first, above it."""
    make_member(WRITER)
    sign_in(page, WRITER)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(live_server + "/stories/new")
        box = page.get_by_label("Your story").bounding_box()
        prompts = page.locator(".prompts").bounding_box()
        assert box and prompts
        if size == DESKTOP:
            assert box["width"] >= 600, f"the story box is {box['width']}px wide"
            assert prompts["x"] >= box["x"] + box["width"], "the prompts stand beside it"
        else:
            assert prompts["y"] + prompts["height"] <= box["y"], "the prompts come first"
        assert_fits_the_window(page, f"the story form at {size['width']}px")


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_edit_own_reply(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, javascript: bool
) -> None:
    story = conversation(depth=1)
    reply = story.chain[1]  # WRITER's
    sign_in(page, WRITER)
    page.goto(live_server + story.path)

    # Within the grace period, a silent fix.
    page.locator(f"#p{reply}").get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/p/{reply}/edit$"))
    expect(page.get_by_role("heading", name="Edit your reply", level=1)).to_be_visible()
    body = page.get_by_label("Your message")
    expect(body).to_have_value("A reply at depth 1: thank you for writing this.")
    body.fill("A reply at depth 1: thank you for writing this, truly.")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(story.path)}#p{reply}$"))
    post = page.locator(f"#p{reply}")
    expect(post.locator(".prose")).to_have_text(
        "A reply at depth 1: thank you for writing this, truly."
    )
    expect(post.locator(".edited")).to_have_count(0)

    # After it, the reply says it was edited.
    app.config["EDIT_GRACE_SECONDS"] = 0
    post.get_by_role("link", name="Edit").click()
    page.get_by_label("Your message").fill("I **needed** to read this today.")
    page.get_by_role("button", name="Save changes").click()
    expect(post.locator(".prose")).to_have_text("I needed to read this today.")
    expect(post.locator(".prose strong")).to_have_text("needed")
    expect(post.locator(".edited")).to_have_text(re.compile(r"^· edited \S"))
    expect(post.locator(".edited time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))


# --- 5. Deleting --------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", WITH_AND_WITHOUT_JS)
def test_delete_own_replies(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, javascript: bool
) -> None:
    story = conversation(depth=2)
    answered, answer = story.chain[1], story.chain[2]  # WRITER's, and READER's under it
    writer = db.session.scalars(select(User).where(User.pseudonym == WRITER)).one()
    leaf_id = db.session.get(Post, story.side[1]).reply(writer, "A leaf of mine.").id
    db.session.commit()
    sign_in(page, WRITER)
    page.goto(live_server + story.path)
    expect(replies_heading(page)).to_have_text("5 replies")

    # A reply with an answer under it leaves a tombstone, and the answer stays in place.
    page.locator(f"#p{answered}").get_by_role("link", name="Delete").click()
    expect(page).to_have_url(re.compile(rf"/p/{answered}/delete$"))
    expect(page.get_by_role("heading", name="Delete this reply?", level=1)).to_be_visible()
    page.get_by_role("button", name="Delete it").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(story.path)}#p{answered}$"))
    tombstone = page.locator(f"#p{answered}")
    expect(tombstone.locator(".tombstone")).to_have_text("Deleted by its author.")
    expect(tombstone).not_to_contain_text("thank you for writing this")
    expect(tombstone.get_by_role("link", name="Edit")).to_have_count(0)
    expect(tombstone.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.locator(f"#replies-{answered} > li > #p{answer}")).to_contain_text(
        "A reply at depth 2"
    )
    expect(replies_heading(page)).to_have_text("4 replies")

    # A reply with nothing under it is gone.
    page.locator(f"#p{leaf_id}").get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete it").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(story.path)}"))
    expect(replies_heading(page)).to_have_text("3 replies")
    expect(page.locator(f"#p{leaf_id}")).to_have_count(0)
    assert "A leaf of mine." not in page.content()
    expect(page.locator(f"#p{story.side[1]}")).to_be_visible()


# --- 6. Accessibility -------------------------------------------------------------------------


def compose_with_errors(page: Page, live_server: str, story: Conversation) -> None:
    page.goto(live_server + "/stories/new")
    page.get_by_text("Add a content warning").click()
    page.get_by_label("Content warning", exact=True).select_option("Other")
    page.get_by_role("button", name="Share your story").click()
    expect(page.get_by_text("Please give it a title.")).to_be_visible()
    expect(page.get_by_text("Please write something before sending.")).to_be_visible()
    expect(page.get_by_text("Please say in a few words what the warning is about.")).to_be_visible()


def compose_with_preview(page: Page, live_server: str, story: Conversation) -> None:
    page.goto(live_server + "/stories/new")
    page.get_by_label("Title").fill(STORY_TITLE)
    page.get_by_label("Your story").fill(
        STORY_BODY + "\n> a quote\n\n[a link](https://example.org)"
    )
    page.get_by_text("Add a content warning").click()
    page.get_by_label("Content warning", exact=True).select_option("Grief")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview summary")).to_contain_text("Content warning (Grief)")
    open_warnings(page)
    expect(page.locator("#preview strong")).to_have_text("told")


def thread_with_open_reply_form(page: Page, live_server: str, story: Conversation) -> None:
    page.goto(live_server + story.path)
    open_inline_reply(page, story.chain[-1])
    open_warnings(page)


def visit(path: Callable[[Conversation], str]) -> Callable[[Page, str, Conversation], None]:
    def go(page: Page, live_server: str, story: Conversation) -> None:
        page.goto(live_server + path(story))
        open_warnings(page)

    return go


PAGES: dict[str, Callable[[Page, str, Conversation], None]] = {
    "compose": visit(lambda story: "/stories/new"),
    "compose-discussion": visit(lambda story: "/discussions/new"),
    "compose-errors": compose_with_errors,
    "compose-preview": compose_with_preview,
    "thread-reply-form": thread_with_open_reply_form,
    "reply-page": visit(lambda story: f"/p/{story.chain[2]}/reply"),
    "edit": visit(lambda story: f"/p/{story.chain[1]}/edit"),
    "delete": visit(lambda story: f"/p/{story.chain[1]}/delete"),
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violations(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, kind: str
) -> None:
    story = conversation(depth=3)
    sign_in(page, WRITER)
    PAGES[kind](page, live_server, story)
    assert_accessible(page, kind)


# --- 7. A narrow phone, and pictures for people ---------------------------------------------


def test_writing_fits_a_narrow_phone(
    app: Flask, live_server: str, sign_in: SignIn, page: Page
) -> None:
    story = conversation(depth=app.config["MAX_VISIBLE_DEPTH"])
    sign_in(page, WRITER)
    page.set_viewport_size(PHONE)

    checks = [
        ("compose with a preview", compose_with_preview),
        ("thread with an inline reply form", thread_with_open_reply_form),
        ("reply page", visit(lambda story: f"/p/{story.chain[3]}/reply")),
    ]
    for name, go in checks:
        go(page, live_server, story)
        assert_fits_the_window(page, name)
    # The form under the deepest reply shown stays on the screen, wide enough to write in
    # (a floor, not a comfort: about 20 characters a line).
    thread_with_open_reply_form(page, live_server, story)
    deepest = page.locator(f"#reply-slot-{story.chain[-1]}").get_by_label("Your reply")
    box = deepest.bounding_box()
    assert box is not None
    assert box["width"] >= 150, f"the deepest reply form is {box['width']}px wide"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.screenshots
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_for_review(
    app: Flask, live_server: str, sign_in: SignIn, page: Page, screenshot_dir: Path, scheme: str
) -> None:
    """Pictures in test-results/screenshots/ for a person to look at (`make screenshots`);
    each page photographed fits its window."""
    story = conversation(depth=4)
    sign_in(page, WRITER)
    page.emulate_media(color_scheme=scheme)

    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        width = size["width"]
        page.goto(live_server + "/stories/new")
        page.screenshot(
            path=screenshot_dir / f"posting-compose-{width}-{scheme}.png", full_page=True
        )
        page.goto(live_server + f"/p/{story.chain[2]}/reply")
        page.screenshot(
            path=screenshot_dir / f"posting-reply-page-{width}-{scheme}.png", full_page=True
        )
        compose_with_preview(page, live_server, story)
        assert_fits_the_window(page, f"the compose preview at {width}px")
        page.screenshot(
            path=screenshot_dir / f"posting-compose-preview-{width}-{scheme}.png", full_page=True
        )
        page.goto(live_server + story.path)
        assert_fits_the_window(page, f"the replies at {width}px")
        page.screenshot(
            path=screenshot_dir / f"posting-replies-{width}-{scheme}.png", full_page=True
        )
        thread_with_open_reply_form(page, live_server, story)
        assert_fits_the_window(page, f"the reply form at {width}px")
        page.screenshot(
            path=screenshot_dir / f"posting-reply-form-{width}-{scheme}.png", full_page=True
        )
