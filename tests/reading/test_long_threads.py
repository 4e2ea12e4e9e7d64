"""Long threads stay light: a page of replies to the opening post at a time (each with its
branch), the next ones on demand; busy branches fold; every reply keeps an address that
shows it."""

import pytest
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import send_reply
from support.members import make_member
from support.pages import html_of, page, parse

from forum.database import db
from forum.models import Post
from forum.web.urls import post_url


@pytest.fixture
def short_pages(app):
    app.config["REPLIES_PER_PAGE"] = 3
    return app


@pytest.fixture
def long_story(short_pages):
    """Seven replies to the story, each answered once: 14 replies, pages of 3 branches."""
    author, other = make_member("Wren"), make_member("Harbour")
    opening = start_thread(title="Long story", author=author)
    top = [reply(opening, other, f"Answer {n}", commit=False) for n in range(7)]
    under = [reply(post, author, f"Thanks {n}", commit=False) for n, post in enumerate(top)]
    db.session.commit()
    return opening, top, under


def shown_posts(html: str) -> list[int]:
    return [int(a.get("id")[1:]) for a in parse(html).find_all("article", class_="post")]


def more_link(html: str) -> str | None:
    more = parse(html).by_id("more-replies")
    return more.find("a").get("href") if more is not None else None


def test_a_long_thread_shows_a_page_of_branches_and_links_to_the_next(app, long_story):
    opening, top, under = long_story
    url = thread_url(thread_of(opening))
    guest = device(app)

    first = html_of(guest.get(url))
    assert shown_posts(first) == [top[0].id, under[0].id, top[1].id, under[1].id, top[2].id,
                                  under[2].id]  # fmt: skip
    assert more_link(first) == f"{url}?from={top[3].id}"
    assert "Long story" in parse(first).by_id("thread-title").text, "the story comes first"

    second = html_of(guest.get(more_link(first)))
    assert shown_posts(second) == [top[3].id, under[3].id, top[4].id, under[4].id, top[5].id,
                                   under[5].id]  # fmt: skip
    tree = parse(second)
    assert tree.find("article", class_="opening") is None, "the story isn't repeated"
    assert tree.find("h1").text == "Long story"
    assert any(a.get("href") == url for a in tree.iter("a")), "a way back to the start"
    # The heading counts the thread's replies, not the page's.
    assert tree.by_id("replies-heading").text == "14 replies"

    last = html_of(guest.get(more_link(second)))
    assert shown_posts(last) == [top[6].id, under[6].id]
    assert more_link(last) is None


def test_with_htmx_the_next_replies_come_in_place_of_the_link(app, long_story):
    """The answer is the items that take the link's place in the list, the first taking the
    focus, and the next link."""
    opening, top, _ = long_story
    url = f"{thread_url(thread_of(opening))}?from={top[3].id}"

    html = html_of(device(app).get(url, headers=PARTIAL))

    assert "<html" not in html and "thread-title" not in html
    items = parse(html).elements
    assert [item.tag for item in items] == ["li"] * 4
    assert "data-focus-here" in items[0].find("article").attrs
    assert items[-1].get("id") == "more-replies"
    assert sum(1 for a in parse(html).iter("article") if "data-focus-here" in a.attrs) == 1


def test_a_thread_page_and_its_next_page_answer_in_the_same_shapes_as_before(app, long_story):
    """Without htmx the first page is the whole page, with htmx (no `from`) the content."""
    opening, _, _ = long_story
    url = thread_url(thread_of(opening))
    assert "<html" in html_of(device(app).get(url))
    assert "thread-title" in html_of(device(app).get(url, headers=PARTIAL))


def test_every_reply_has_an_address_that_shows_it(app, long_story):
    """A permalink (from a notification, a redirect after posting) finds its reply on whichever
    page it is."""
    opening, top, under = long_story
    thread = thread_of(opening)
    guest = device(app)

    for post in [*top, *under]:
        with app.test_request_context():
            address = post_url(post, thread)
        path, anchor = address.split("#")
        assert anchor == f"p{post.id}"
        assert post.id in shown_posts(html_of(guest.get(path))), address


def test_a_short_thread_keeps_plain_addresses_and_shows_every_reply(app, short_pages):
    """Up to REPLIES_PER_PAGE published replies a thread is one page, even for a reader who
    also sees replies waiting for a moderator: its addresses need no page."""
    author = make_member("Wren")
    opening = start_thread(author=author)
    replies = [reply(opening, make_member(f"Tea{n}"), f"Hello {n}") for n in range(3)]
    waiting = reply(opening, author, "Mine, waiting", awaiting_approval=True)
    thread = thread_of(opening)

    with app.test_request_context():
        assert post_url(replies[0], thread) == f"{thread_url(thread)}#p{replies[0].id}"
    shown = shown_posts(html_of(signed_in(app, author).get(thread_url(thread))))
    assert shown == [*(r.id for r in replies), waiting.id]


@pytest.mark.parametrize("start", ["nested", "other-thread", "waiting", "abc", "0"])
def test_a_page_starts_only_at_a_reply_to_the_opening_post_the_reader_may_see(
    app, long_story, start
):
    opening, _, under = long_story
    elsewhere = reply(start_thread(title="Elsewhere"), None, "hello")
    hidden = reply(opening, make_member("Newcomer"), "waiting", awaiting_approval=True)
    value = {
        "nested": under[4].id,
        "other-thread": elsewhere.id,
        "waiting": hidden.id,
        "abc": "abc",
        "0": "0",
    }[start]

    response = device(app).get(f"{thread_url(thread_of(opening))}?from={value}")

    assert response.status_code == 404


def test_an_old_slug_keeps_the_page(app, long_story):
    opening, top, _ = long_story
    thread = thread_of(opening)

    response = device(app).get(f"/t/{thread.id}-old-title?from={top[3].id}")

    assert response.status_code == 301
    assert response.headers["Location"] == f"{thread_url(thread)}?from={top[3].id}"


def test_a_reply_sent_without_javascript_in_a_long_thread_is_shown_to_its_writer(
    app, long_story, unpaced
):
    opening, _, _ = long_story
    writer = make_member("Sorrel")
    phone = signed_in(app, writer)

    response = send_reply(phone, opening.id, "Late to this, but I hear you.")

    assert response.status_code == 303
    new = db.session.scalar(db.select(Post).where(Post.author_id == writer.id))
    assert new.id in shown_posts(html_of(phone.get(response.headers["Location"])))


def test_past_a_few_replies_a_branch_folds(app):
    """A reply with many answers shows the first few; the others fold behind "N more replies",
    still in the page (a link to one of them opens the fold). The opening post's replies never
    fold: they are paged."""
    app.config["FOLD_REPLIES_AFTER"] = 2
    opening = start_thread()
    top = [reply(opening, None, f"Top {n}") for n in range(4)]
    answers = [reply(top[0], None, f"Answer {n}") for n in range(5)]

    tree = page(device(app), thread_url(thread_of(opening)))

    assert tree.find("li", class_="folded") is not None
    (fold,) = tree.find_all("li", class_="folded")
    assert fold.find("summary").text == "3 more replies"
    folded = [int(a.get("id")[1:]) for a in fold.iter("article")]
    assert folded == [a.id for a in answers[2:]]
    shown = [int(a.get("id")[1:]) for a in tree.find_all("article", class_="post")]
    assert shown == [top[0].id, *(a.id for a in answers), *(t.id for t in top[1:])]


def test_a_reply_without_answers_has_a_truly_empty_list(app):
    """The list waiting for answers is empty, not even a space in it, so that CSS's :empty hides
    it (a blank list would still take its margin and branch line)."""
    opening = start_thread()
    answered = reply(opening, None, "Hello")
    quiet = reply(answered, None, "Hi")

    html = html_of(device(app).get(thread_url(thread_of(opening))))

    assert f'<ol class="reply-tree" id="replies-{quiet.id}"></ol>' in html
