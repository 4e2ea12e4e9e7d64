"""Threaded replies: on a page of their own without JavaScript, inline with htmx, nested
without limit, anonymous with the thread's alias, sent once however often the form is sent,
and refused in a locked thread."""

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, device, signed_in
from support.content import (
    depth_chain,
    last_post,
    opening_of,
    reply,
    start_thread,
    thread_of,
    thread_url,
)
from support.forms import reply_form, reply_through_form, reply_url, send_reply, share_story
from support.members import make_member
from support.pages import (
    ALIAS,
    card,
    form_problem,
    html_of,
    is_checked,
    location,
    page,
    parse,
    prose,
    textarea_text,
    visible_text,
    writing_form,
)
from support.rows import count, fresh

from forum import policy
from forum.database import db
from forum.models import Post, Thread, ThreadKind

# These tests post quickly and often; the pace has tests of its own (test_posting_limits.py).
pytestmark = pytest.mark.usefixtures("unpaced")


@pytest.fixture
def story(wren):
    """Wren's story, with one reply from Tea."""
    opening = start_thread(
        ThreadKind.STORY, "The long winter", "It was a long winter.", wren, intent="listening"
    )
    reply(opening, make_member("Tea"), "Thank you for sharing.")
    return opening


def first_reply(story: Post) -> Post:
    return db.session.scalar(select(Post).where(Post.parent_id == story.id).order_by(Post.id))


# --- Without JavaScript --------------------------------------------------------------------


def assert_reply_page(tree, answered: Post, thread: Thread, text: str) -> None:
    shown = card(tree, answered.id)
    assert shown is not None
    assert text in shown.text
    form = writing_form(tree)
    assert form.get("method") == "post"
    assert form.get("action") == reply_url(answered.id)
    assert textarea_text(form, f"reply-{answered.id}-body") == ""
    assert form.find("p", class_="intent").text.startswith("Just listening, please.")
    context = tree.find("nav", class_="context").find("a")
    assert (context.text, context.get("href")) == (thread.title, thread_url(thread))


def test_the_reply_page_shows_what_is_being_answered_and_a_form(harbours_phone, story):
    """Without JavaScript, Reply opens a page with the post being answered and the form."""
    answered = first_reply(story)

    response = harbours_phone.get(reply_url(answered.id))

    assert response.status_code == 200
    assert_reply_page(
        parse(html_of(response)), answered, thread_of(story), "Thank you for sharing."
    )


def test_the_reply_page_shows_an_anonymous_post_being_answered(harbours_phone, story):
    """The reply page shows an anonymous post under its alias, with the form below."""
    answered = story.reply(make_member("Tea2"), "Quietly here.", anonymous=True)
    db.session.commit()

    tree = page(harbours_phone, reply_url(answered.id))

    assert_reply_page(tree, answered, thread_of(story), "Quietly here.")
    assert card(tree, answered.id).find("span", class_="author-anonymous").text == (
        answered.anon_alias
    )


def test_a_reply_sent_without_javascript_leads_to_it_in_the_thread(harbours_phone, story, harbour):
    """Without JavaScript, sending a reply leads to it in its place in the thread."""
    answered = first_reply(story)

    response = send_reply(harbours_phone, answered.id, "Sending you warmth.")

    new = last_post()
    assert response.status_code == 303
    assert location(response) == f"{thread_url(thread_of(story))}#p{new.id}"
    assert (new.parent_id, new.author_id, new.body) == (
        answered.id,
        harbour.id,
        "Sending you warmth.",
    )
    tree = page(harbours_phone, thread_url(thread_of(story)))
    under = tree.by_id(f"replies-{answered.id}")
    assert card(under, new.id) is not None, "the reply sits under what it answers"
    assert "Sending you warmth." in prose(tree, new.id).text


def test_a_reply_deep_in_a_thread_leads_to_its_own_page(app, harbours_phone, story):
    """Past the depth the thread page shows, the answer is the page where the branch
    continues."""
    deepest = depth_chain(story, app.config["MAX_VISIBLE_DEPTH"], make_member("Tea2"))[-1]

    response = send_reply(harbours_phone, deepest.id, "Down here too.")

    new = last_post()
    assert new.depth == app.config["MAX_VISIBLE_DEPTH"] + 1
    assert location(response) == f"/p/{new.id}#p{new.id}"
    assert "Down here too." in prose(page(harbours_phone, f"/p/{new.id}"), new.id).text


def test_a_guest_who_presses_reply_is_asked_to_log_in(app, story):
    """A guest's Reply link leads to the login page, which knows where they were going."""
    response = device(app).get(reply_url(story.id))

    assert response.status_code == 302
    assert location(response).startswith("/login?next=")


# --- With htmx -----------------------------------------------------------------------------


def test_htmx_asks_for_the_reply_form_alone(harbours_phone, story):
    """With htmx, Reply brings only the form, ready to type in, under the post."""
    response = harbours_phone.get(reply_url(story.id), headers=PARTIAL)

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and "site-header" not in html
    tree = parse(html)
    assert card(tree, story.id) is None, "the post is on the page already"
    form = writing_form(tree)
    assert form.get("data-hx-post") == form.get("action") == reply_url(story.id)
    assert form.get("data-hx-target") == f"#reply-slot-{story.id}"
    assert "data-focus-here" in tree.by_id(f"reply-{story.id}-body").attrs
    assert "HX-Request-Type" in response.headers.get("Vary", "")


def test_a_reply_sent_with_htmx_comes_back_ready_to_insert(harbours_phone, story):
    """The reply goes at the end of its parent's replies, saying it was sent (once: the form's
    slot empties); the count of replies changes; all without a page load."""
    thread = thread_of(story)
    before = thread.reply_count

    response = send_reply(harbours_phone, story.id, "Inline and kind.", headers=PARTIAL)

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html
    new = last_post()
    tree = parse(html)
    statuses = [e.text for e in tree.iter() if e.get("role") == "status"]
    assert statuses == ["Sent. Everyone can read it now."]
    wrapper = next(e for e in tree.iter() if e.get("data-hx-swap-oob", "").startswith("beforeend"))
    assert wrapper.get("data-hx-swap-oob") == f"beforeend:#replies-{story.id}"
    item = wrapper.elements[0]
    assert item.tag == "li"
    assert item.elements[0].get("id") == f"p{new.id}"
    assert "Inline and kind." in prose(item, new.id).text
    assert item.elements[0].find("p", class_="sent") is not None, "said beside the reply"
    assert item.by_id(f"replies-{new.id}") is not None, "the new reply can take replies too"
    heading = tree.by_id("replies-heading")
    assert heading.get("data-hx-swap-oob") == "true"
    assert heading.text == f"{before + 1} replies"


def test_the_first_reply_sent_with_htmx_says_1_reply(harbours_phone, wren):
    """The first reply turns "No replies yet" into "1 reply"."""
    lonely = start_thread(ThreadKind.DISCUSSION, "Anyone?", "Hello?", wren)

    tree = parse(html_of(send_reply(harbours_phone, lonely.id, "Hi!", headers=PARTIAL)))

    assert tree.by_id("replies-heading").text == "1 reply"
    assert tree.by_id("no-replies").get("data-hx-swap-oob") == "true"


def test_a_refused_htmx_reply_comes_back_as_the_form_with_its_message(harbours_phone, story):
    """An empty inline reply comes back as the form with a message, not a page."""
    values = reply_form(harbours_phone, story.id, body="   ")

    response = harbours_phone.post(reply_url(story.id), data=values, headers=PARTIAL)

    assert response.status_code == 422
    html = html_of(response)
    assert "<html" not in html
    tree = parse(html)
    assert "Please write something" in tree.by_id(f"reply-{story.id}-body-error").text
    assert count(Post) == 2


@pytest.mark.parametrize("levels", [3, 8])
def test_every_post_on_a_thread_page_has_a_list_for_its_replies(app, story, levels):
    """However deep, a reply sent inline always has a place to appear."""
    thread = thread_of(story)
    depth_chain(first_reply(story), levels, make_member("Tea2"))

    for client in (device(app), signed_in(app, make_member("Reader"))):
        tree = page(client, thread_url(thread))
        posts = [a for a in tree.iter("article") if (a.get("id") or "").startswith("p")]
        assert len(posts) == min(levels + 2, app.config["MAX_VISIBLE_DEPTH"] + 1)
        for article in posts:
            post_id = article.get("id").removeprefix("p")
            target = tree.by_id(f"replies-{post_id}")
            assert target is not None and target.tag == "ol", post_id


def test_every_post_with_an_inline_reply_button_has_a_list_for_its_replies(app, story):
    """On a post's own page too, every inline Reply has a place for what it sends."""
    chain = depth_chain(first_reply(story), 3, make_member("Tea2"))
    reader = signed_in(app, make_member("Reader"))

    tree = page(reader, f"/p/{chain[1].id}")

    for link in tree.iter("a"):
        if link.get("data-hx-get", "").endswith("/reply"):
            post_id = link.get("data-hx-get").split("/")[2]
            assert tree.by_id(f"replies-{post_id}") is not None, post_id


# --- A tree without limit ------------------------------------------------------------------


def test_replies_nest_twelve_levels_deep_and_every_one_can_be_reached(app, harbours_phone, story):
    """A conversation twelve replies deep is kept whole; deep parts continue on their own page."""
    thread = thread_of(story)
    parent, chain = story, []
    for level in range(1, 13):
        parent = reply_through_form(harbours_phone, parent.id, f"Level {level} of the conversation")
        chain.append(parent)

    assert [post.depth for post in chain] == list(range(1, 13))
    assert [post.parent_id for post in chain[1:]] == [post.id for post in chain[:-1]]
    shown = page(harbours_phone, thread_url(thread))
    visible = app.config["MAX_VISIBLE_DEPTH"]
    for post in chain[:visible]:
        assert card(shown, post.id) is not None
    assert card(shown, chain[visible].id) is None, "deeper replies continue elsewhere"
    more = next(p.find("a") for p in shown.find_all("p", class_="continue"))
    assert more.get("href") == f"/p/{chain[visible - 1].id}"
    branch = page(harbours_phone, more.get("href"))
    for post in chain[visible - 1 :]:
        assert f"Level {post.depth} of the conversation" in prose(branch, post.id).text


def test_the_reply_count_follows_replies_sent_through_the_form(app, harbours_phone, story):
    """The thread's count of replies grows with every reply, on the thread and at home."""
    thread = thread_of(story)
    start = thread.reply_count

    first = reply_through_form(harbours_phone, story.id, "one")
    reply_through_form(harbours_phone, first.id, "two")
    send_reply(harbours_phone, story.id, "three", headers=PARTIAL)

    assert fresh(Thread, thread.id).reply_count == start + 3
    heading = page(device(app), thread_url(thread)).by_id("replies-heading")
    assert heading.text == f"{start + 3} replies"
    listing = page(device(app), "/").find("li", class_="thread-item")
    assert f"{start + 3} replies" in listing.text


# --- Anonymous replies ---------------------------------------------------------------------


def test_the_reply_form_follows_the_members_anonymous_setting(app, story):
    """The reply form's anonymous box starts as the member's setting says."""
    shy = signed_in(app, make_member("Shy", post_anonymously_by_default=True))
    bold = signed_in(app, make_member("Bold"))
    box = f"reply-{story.id}-anonymous"

    for client, ticked in ((shy, True), (bold, False)):
        form = writing_form(page(client, reply_url(story.id), headers=PARTIAL))
        assert is_checked(form, box) is ticked


@pytest.mark.parametrize("how", ["page", "htmx"])
def test_an_anonymous_reply_shows_the_alias_and_never_the_pseudonym(
    app, harbours_phone, story, how
):
    """An anonymous reply shows its alias, never its author, wherever it appears."""
    headers = PARTIAL if how == "htmx" else None
    response = send_reply(
        harbours_phone, story.id, "Me too, quietly.", anonymous=True, headers=headers
    )
    new = last_post()

    assert new.anonymous and ALIAS.fullmatch(new.anon_alias)
    if how == "htmx":
        answer = parse(html_of(response))
        assert "Harbour" not in html_of(response)
        assert card(answer, new.id).find("span", class_="author-anonymous").text == new.anon_alias
    for client in (device(app), signed_in(app, make_member("Reader"))):
        for url in (thread_url(thread_of(story)), f"/p/{new.id}"):
            html = html_of(client.get(url))
            assert "Harbour" not in html, url
            assert new.anon_alias in html, url
    answering = html_of(signed_in(app, make_member("Other")).get(reply_url(new.id)))
    assert "Harbour" not in answering and new.anon_alias in answering


def test_the_story_authors_anonymous_reply_is_marked_author(app, wren, harbour):
    """Someone who shared anonymously can answer in their own thread and be recognised as its
    author (the shared alias says so anyway); nobody else gets the mark."""
    author = signed_in(app, wren)
    thread = share_story(author, title="Quietly", anonymous=True)
    opening = opening_of(thread)
    other = reply_through_form(signed_in(app, harbour), opening.id, "Hugs.", anonymous=True)
    mine = reply_through_form(author, other.id, "Thank you.", anonymous=True)

    tree = page(device(app), thread_url(thread))

    def tags(post: Post) -> list[str]:
        return [tag.text for tag in tree.by_id(f"p{post.id}-by").find_all("span", class_="tag")]

    assert mine.anon_alias == opening.anon_alias
    assert tags(mine) == ["author"]
    assert tags(other) == []
    assert "Wren" not in html_of(device(app).get(thread_url(thread)))


def test_a_reply_with_a_content_warning_is_folded(app, harbours_phone, story):
    """A reply with a content warning stays folded behind it."""
    new = reply_through_form(harbours_phone, story.id, "What happened to me.", warning="Abuse")

    shown = card(page(device(app), thread_url(thread_of(story))), new.id)

    folded = shown.find("details", class_="content-warning")
    assert folded.find("summary").text == "Content warning (Abuse) Show"
    assert "What happened to me." in folded.text


# --- Sending twice -------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["page", "htmx"])
def test_sending_the_same_reply_twice_creates_one_reply(harbours_phone, story, headers):
    """A double click or a resent reply form posts one reply, and both answers lead to it."""
    values = reply_form(harbours_phone, story.id, body="Only once, please.")

    first = harbours_phone.post(reply_url(story.id), data=values, headers=headers)
    second = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    mine = list(db.session.scalars(select(Post).where(Post.body == "Only once, please.")))
    assert len(mine) == 1
    assert first.status_code == second.status_code
    if headers is None:
        assert location(first) == location(second)
        assert location(first).endswith(f"#p{mine[0].id}")
    else:
        for response in (first, second):
            assert card(parse(html_of(response)), mine[0].id) is not None


def test_a_resent_reply_is_not_refused_by_the_posting_pace(app, harbours_phone, story):
    """Sending the same reply form again is not a second reply to slow down."""
    app.config["REPLY_INTERVAL_SECONDS"] = 600
    values = reply_form(harbours_phone, story.id, body="Only once, please.")

    first = harbours_phone.post(reply_url(story.id), data=values)
    second = harbours_phone.post(reply_url(story.id), data=values)

    assert (first.status_code, second.status_code) == (303, 303)
    assert location(first) == location(second)


def test_a_new_reply_form_makes_a_new_reply(harbours_phone, story):
    """Two reply forms sent with the same words are two replies."""
    reply_through_form(harbours_phone, story.id, "Same words.")
    reply_through_form(harbours_phone, story.id, "Same words.")

    assert len(list(db.session.scalars(select(Post).where(Post.body == "Same words.")))) == 2


# --- Locked threads ------------------------------------------------------------------------


@pytest.fixture
def locked(story):
    thread = thread_of(story)
    thread.locked = True
    thread.locked_reason = "the conversation has run its course"
    db.session.commit()
    return thread


def test_a_locked_thread_says_why_and_offers_no_reply(app, story, locked):
    """A locked thread says why, and offers no Reply anywhere."""
    for client in (device(app), signed_in(app, make_member("Reader"))):
        tree = page(client, thread_url(locked))
        notice = tree.find("p", class_="locked")
        assert notice.text == (
            "This thread is locked and takes no new replies or reactions: the conversation has "
            "run its course."
        )
        replies = [a for a in tree.iter("a") if (a.get("href") or "").endswith("/reply")]
        assert replies == []
        assert "Reply" not in [a.visible_text for a in tree.find_all("a", class_="action")]


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["page", "htmx"])
def test_a_locked_thread_takes_no_replies(harbours_phone, story, headers):
    """A reply sent to a locked thread, even from a form opened before, is refused."""
    values = reply_form(harbours_phone, story.id, body="Too late?")
    thread = thread_of(story)
    thread.locked = True
    db.session.commit()
    posts_before = count(Post)

    shown = harbours_phone.get(reply_url(story.id), headers=headers)
    sent = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    for response in (shown, sent):
        assert response.status_code == 403
        assert "This thread is locked and takes no new replies." in visible_text(html_of(response))
    assert textarea_text(parse(html_of(sent)), f"reply-{story.id}-body") == "Too late?"
    assert count(Post) == posts_before
    assert fresh(Thread, thread.id).reply_count == 1


@pytest.mark.parametrize(
    "headers",
    [pytest.param(None), PARTIAL],
    ids=["page", "htmx"],
)
def test_a_reply_refused_for_its_length_keeps_every_word(harbours_phone, story, headers):
    """A reply over 20,000 characters gets a message beside it, and all of it is still there
    to shorten."""
    long_text = "word " * 4001
    response = send_reply(harbours_phone, story.id, long_text, headers=headers)

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert textarea_text(tree, f"reply-{story.id}-body") == long_text.strip()
    assert "20,000" in tree.by_id(f"reply-{story.id}-body-error").text
    assert form_problem(tree) == ""


def test_a_reply_past_the_deepest_place_is_refused_with_a_message(app, monkeypatch, harbours_phone):
    """Paths have a size limit: at the deepest place the reader is asked, kindly, to reply
    higher up, instead of meeting a server error (PostgreSQL would refuse a longer path)."""
    monkeypatch.setattr(policy, "MAX_DEPTH", 2)
    opening = start_thread(title="Deep")
    deepest = reply(reply(opening, None, "one"), None, "two")
    assert deepest.depth == 2

    response = harbours_phone.get(f"/p/{deepest.id}/reply")

    assert response.status_code == 403
    assert "as deep as it can go" in response.get_data(as_text=True)
