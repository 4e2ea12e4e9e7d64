"""Replies as a tree: the order people read them in, nesting, and deep branches."""

from datetime import UTC, datetime

import pytest
from flask_login import AnonymousUserMixin
from support.clients import PARTIAL
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import Element, page, parse

import forum.models
from forum.database import db
from forum.reading.queries import thread_posts

GUEST = AnonymousUserMixin()


def reply_tree(ol: Element) -> list:
    """The nested <ol>/<li> of replies as [(post id, [its replies ...]), ...]."""
    assert ol.tag == "ol"
    tree = []
    for li in ol.elements:
        assert li.tag == "li", li
        post = next(e for e in li.elements if e.tag == "article")
        nested = [e for e in li.elements if e.tag == "ol"]
        tree.append(
            (int(post.get("id").removeprefix("p")), reply_tree(nested[0]) if nested else [])
        )
    return tree


@pytest.fixture
def member(app):
    return make_member("harbour")


def test_thread_posts_come_depth_first_oldest_sibling_first(member):
    """Each reply sits right under what it answers; earlier answers come first."""
    opening = start_thread()
    a = reply(opening, member, "a")
    b = reply(opening, member, "b")
    a1 = reply(a, member, "a1")
    b1 = reply(b, member, "b1")
    a2 = reply(a, member, "a2")
    a1x = reply(a1, member, "a1x")

    posts = thread_posts(thread_of(opening), GUEST)

    assert [p.body for p in posts][1:] == ["a", "a1", "a1x", "a2", "b", "b1"]
    assert posts[0].id == opening.id
    assert [p.depth for p in posts] == [0, 1, 2, 3, 2, 1, 2]
    assert [p.id for p in posts][1:] == [a.id, a1.id, a1x.id, a2.id, b.id, b1.id]


def test_replies_made_at_the_same_instant_keep_the_order_they_were_made(member, monkeypatch):
    """Two people answering in the same microsecond still see a stable, fair order."""
    instant = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(forum.models, "utcnow", lambda: instant)
    opening = start_thread()
    bodies = ["first", "second", "third", "fourth", "fifth"]
    for body in bodies:
        reply(opening, member, body)

    posts = thread_posts(thread_of(opening), GUEST)[1:]

    assert {p.created_at for p in posts} == {instant}
    assert [p.body for p in posts] == bodies


def test_thread_page_nests_replies_in_reading_order(client, member):
    """The page shows the tree as nested lists, in the order thread_posts gives."""
    opening = start_thread()
    a = reply(opening, member, "a")
    b = reply(opening, member, "b")
    a1 = reply(a, member, "a1")
    b1 = reply(b, member, "b1")
    a2 = reply(a, member, "a2")
    a1x = reply(a1, member, "a1x")
    thread = thread_of(opening)

    tree = page(client, thread_url(thread))

    assert reply_tree(tree.by_id(f"replies-{opening.id}")) == [
        (a.id, [(a1.id, [(a1x.id, [])]), (a2.id, [])]),
        (b.id, [(b1.id, [])]),
    ]
    bodies = [post.find("div", class_="prose").text for post in tree.find_all("article")]
    assert bodies == ["Something that happened.", "a", "a1", "a1x", "a2", "b", "b1"]


def test_same_instant_replies_show_in_the_order_they_were_made(client, member, monkeypatch):
    instant = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(forum.models, "utcnow", lambda: instant)
    opening = start_thread()
    answers = [reply(opening, member, body) for body in ["one", "two", "three"]]

    tree = page(client, thread_url(thread_of(opening)))

    assert reply_tree(tree.by_id(f"replies-{opening.id}")) == [(a.id, []) for a in answers]


def test_a_deep_branch_continues_on_its_own_page(app, client, member):
    """Past MAX_VISIBLE_DEPTH the thread page links on instead of indenting off a phone."""
    max_depth = app.config["MAX_VISIBLE_DEPTH"]
    assert max_depth == 6
    opening = start_thread()
    chain = []
    parent = opening
    for depth in range(1, max_depth + 4):
        parent = reply(parent, member, f"depth {depth}")
        chain.append(parent)
    thread = thread_of(opening)

    tree = page(client, thread_url(thread))

    shown = {int(a.get("id")[1:]) for a in tree.find_all("article", class_="post")}
    assert shown == {post.id for post in chain[:max_depth]}
    continues = [a for a in tree.find_all("a") if "Continue this thread" in a.text]
    assert len(continues) == 1
    deepest_shown = chain[max_depth - 1]
    assert continues[0].get("href") == f"/p/{deepest_shown.id}"
    # The link is part of the card it continues: below the card, it would read as the heading
    # of the next sibling reply.
    assert tree.by_id(f"p{deepest_shown.id}") in continues[0].ancestors()
    assert continues[0].visible_text == "Continue this thread →"

    branch = page(client, continues[0].get("href"))

    focus = branch.find("ol", class_="focus")
    assert reply_tree(focus) == [
        (chain[5].id, [(chain[6].id, [(chain[7].id, [(chain[8].id, [])])])])
    ]
    assert f"depth {max_depth + 3}" in branch.text
    assert branch.find("a", class_="permalink") is not None
    in_thread = branch.find("nav", class_="context").find("a")
    assert in_thread.get("href") == thread_url(thread)


def test_every_post_has_an_anchor_a_permalink_and_a_machine_readable_time(client, member):
    """A reply can be linked to, and its time is readable by assistive tech and scripts."""
    opening = start_thread()
    first = reply(opening, member, "first")
    second = reply(first, member, "second")
    thread = thread_of(opening)
    posts = {p.id: p for p in thread_posts(thread, GUEST)}

    tree = page(client, thread_url(thread))

    assert tree.by_id(f"p{opening.id}") is not None
    for post_id in (first.id, second.id):
        card = tree.by_id(f"p{post_id}")
        assert card is not None and card.tag == "article"
        assert card.find("a", class_="permalink").get("href") == (
            f"{thread_url(thread)}#p{post_id}"
        )
    for post_id, post in posts.items():
        time = tree.by_id(f"p{post_id}").find("time")
        shown = datetime.fromisoformat(time.get("datetime"))
        # To the minute, never the second: seconds would help tie an anonymous post to the
        # same member's named posts in a quiet forum.
        assert shown == post.created_at.replace(second=0, microsecond=0)
        assert shown.tzinfo is not None


def test_permalinks_of_deep_replies_lead_to_a_page_that_shows_them(client, member):
    opening = start_thread()
    parent = opening
    for depth in range(1, 9):
        parent = reply(parent, member, f"depth {depth}")
    deepest_id = parent.id

    response = client.get(f"/p/{deepest_id}")

    assert response.status_code == 200
    tree = parse(response.get_data(as_text=True))
    card = tree.by_id(f"p{deepest_id}")
    assert card.find("a", class_="permalink").get("href") == f"/p/{deepest_id}#p{deepest_id}"
    assert "depth 8" in card.text
    earlier = tree.find("details", class_="ancestors")
    assert "Earlier in this conversation (7)" in earlier.find("summary").text


def test_the_opening_post_in_context_is_the_thread_itself(client):
    opening = start_thread(title="Hello there")

    response = client.get(f"/p/{opening.id}")

    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["Location"].endswith(thread_url(thread_of(opening)))


def test_reply_count_follows_the_replies(client, member):
    """The count under the title and on the home page matches the replies there are."""
    opening = start_thread(title="Counting")
    thread = thread_of(opening)
    assert thread.reply_count == 0
    assert "No replies yet." in client.get(thread_url(thread)).get_data(as_text=True)

    first = reply(opening, member, "one")
    db.session.refresh(thread)
    assert thread.reply_count == 1
    assert page(client, thread_url(thread)).by_id("replies-heading").text == "1 reply"

    reply(first, member, "two")
    reply(opening, member, "three")
    db.session.refresh(thread)
    assert thread.reply_count == 3
    assert page(client, thread_url(thread)).by_id("replies-heading").text == "3 replies"
    listing = page(client, "/")
    item = next(li for li in listing.find_all("li", class_="thread-item") if "Counting" in li.text)
    assert "3 replies" in item.text


def test_a_reply_moves_its_thread_last_activity(member):
    opening = start_thread()
    thread = thread_of(opening)
    before = thread.last_activity_at

    answer = reply(opening, member, "later")

    db.session.refresh(thread)
    assert thread.last_activity_at == answer.created_at
    assert thread.last_activity_at >= before


@pytest.mark.parametrize("where", ["thread", "post"])
def test_htmx_partial_of_a_thread_shows_its_replies(client, member, where):
    """One view, two shapes: an htmx request gets the replies without the page around them."""
    opening = start_thread()
    answer = reply(opening, member, "an answer")
    reply(answer, member, "an answer to the answer")
    url = thread_url(thread_of(opening)) if where == "thread" else f"/p/{answer.id}"

    response = client.get(url, headers=PARTIAL)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "an answer to the answer" in html
