"""My conversations (/me): the stories and discussions a member started, anonymous ones too
(seen as theirs by them alone), and the threads they follow, each with its replies and those
new since their last visit. Never anyone else's to see, and never kept by a cache."""

import pytest
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import html_of, location, page, parse

from forum.database import db, utcnow
from forum.models import Post, ThreadKind, ThreadReader
from forum.web.urls import post_url


def items(tree, list_id: str) -> dict[str, object]:
    """The threads of one list on /me, by title."""
    listing = tree.by_id(list_id)
    if listing is None:
        return {}
    return {
        item.find(class_="thread-title").text: item
        for item in listing.find_all("li", class_="thread-item")
    }


def read(client, opening: Post) -> None:
    """A visit to the thread's page: the member's place moves on to its newest post."""
    assert client.get(thread_url(thread_of(opening))).status_code == 200


def test_my_stories_and_discussions_with_their_replies_and_what_is_new(
    app, wren, wrens_phone, hazel
):
    named = start_thread(ThreadKind.STORY, "Out loud", "Said it.", wren)
    hidden = start_thread(ThreadKind.DISCUSSION, "Quietly", "Asked it.", wren, anonymous=True)
    for opening in (named, hidden):
        db.session.add(
            ThreadReader(user_id=wren.id, thread_id=opening.thread_id, last_seen_post_id=opening.id)
        )
    db.session.commit()
    first = reply(named, hazel, "Heard.")
    reply(first, wren, "Thank you.")  # Wren's own: never new to her
    reply(named, hazel, "Still here.")
    read(wrens_phone, hidden)
    later = reply(hidden, hazel, "Same here.")

    tree = page(wrens_phone, "/me")

    mine = items(tree, "started")
    assert list(mine) == ["Quietly", "Out loud"], "the latest activity first"
    out_loud, quietly = mine["Out loud"], mine["Quietly"]
    assert "3 replies" in out_loud.text and "2 new" in out_loud.text
    new_link = out_loud.find("a", class_="new-count")
    with app.test_request_context():
        assert new_link.get("href") == post_url(first, thread_of(named)), "the first new one"
    assert "since your last visit" in new_link.text
    assert "1 reply" in quietly.text and "1 new" in quietly.text
    assert quietly.find("a", class_="new-count").get("href").endswith(f"#p{later.id}")
    assert "Only you can see this is yours" in quietly.text
    assert hidden.anon_alias in quietly.find(class_="only-you").text
    assert "Only you can see" not in out_loud.text
    assert "has-new" in out_loud.classes


def test_threads_i_follow_are_listed_apart_from_mine(app, wren, wrens_phone, hazel, sorrel):
    mine = start_thread(title="Mine", author=wren)
    theirs = start_thread(title="Hazel's", author=hazel)
    unfollowed = start_thread(title="Sorrel's", author=sorrel)
    for opening, following in ((mine, True), (theirs, True), (unfollowed, False)):
        db.session.add(
            ThreadReader(
                user_id=wren.id, thread_id=opening.thread_id, following=following,
                last_seen_post_id=opening.id,
            )
        )  # fmt: skip
    db.session.commit()
    reply(theirs, sorrel, "A new answer.")

    tree = page(wrens_phone, "/me")

    assert list(items(tree, "started")) == ["Mine"]
    followed = items(tree, "followed")
    assert list(followed) == ["Hazel's"]
    assert "1 new" in followed["Hazel's"].text
    assert "Only you can see" not in followed["Hazel's"].text


def test_a_thread_never_read_has_nothing_new_yet(app, wren, wrens_phone, hazel):
    opening = start_thread(title="Before the feature", author=wren)  # no place: never read
    reply(opening, hazel, "An answer.")

    item = items(page(wrens_phone, "/me"), "started")["Before the feature"]

    assert "1 reply" in item.text and "new" not in item.text


def test_what_became_of_my_thread_is_said(app, wren, wrens_phone):
    waiting = start_thread(title="Waiting", author=wren, awaiting_approval=True)
    removed = start_thread(title="Removed", author=wren)
    thread_of(removed).removed_at = utcnow()
    db.session.commit()

    mine = items(page(wrens_phone, "/me"), "started")

    assert "Waiting for a moderator" in mine["Waiting"].text
    assert mine["Waiting"].find("a", class_="thread-title").get("href") == thread_url(
        thread_of(waiting)
    )
    assert "Removed by the moderators" in mine["Removed"].text
    assert mine["Removed"].find("a", class_="thread-title") is None, "it opens for no member"


def test_nobody_else_sees_whose_anonymous_story_it_is(app, wren, hazel):
    start_thread(title="Quietly", author=wren, anonymous=True)
    hazels_phone = signed_in(app, hazel)

    tree = page(hazels_phone, "/me")

    assert items(tree, "started") == {} and items(tree, "followed") == {}
    assert "Quietly" not in html_of(hazels_phone.get("/me"))


def test_me_is_for_members_and_never_cached(app, wrens_phone):
    guest = device(app)
    sent = guest.get("/me")
    assert sent.status_code == 302 and location(sent).startswith("/login")
    assert "Set-Cookie" not in sent.headers

    answer = wrens_phone.get("/me")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_header_links_members_to_their_conversations(app, client, wrens_phone):
    header = page(wrens_phone, "/").find("header", class_="site-header")
    links = {a.text: a.get("href") for a in header.iter("a")}
    assert links["My conversations"] == "/me"
    assert "My conversations" not in html_of(client.get("/"))


def test_nothing_yet_says_how_to_begin(app, wrens_phone):
    tree = page(wrens_phone, "/me")

    assert "You haven't started a conversation yet" in tree.text
    assert "Threads you reply to are followed for you" in tree.text


@pytest.fixture
def many(app, wren, hazel):
    """Five threads Wren started and five she follows, pages of two."""
    app.config["THREADS_PER_PAGE"] = 2
    for n in range(5):
        start_thread(title=f"Mine {n}", author=wren)
        theirs = start_thread(title=f"Theirs {n}", author=hazel)
        db.session.add(ThreadReader(user_id=wren.id, thread_id=theirs.thread_id, following=True))
    db.session.commit()


@pytest.mark.parametrize("name, list_id, prefix", [("started", "started", "Mine"),
                                                   ("followed", "followed", "Theirs")])  # fmt: skip
def test_each_list_comes_a_page_at_a_time(app, wrens_phone, many, name, list_id, prefix):
    tree = page(wrens_phone, "/me")
    shown = list(items(tree, list_id))
    url = tree.by_id(f"more-{name}").find("a").get("href")
    while url:
        assert url.startswith(f"/me?{name}=")
        later = page(wrens_phone, url)
        assert items(later, "started" if name == "followed" else "followed") == {}, "one list"
        shown += list(items(later, list_id))
        more = later.by_id(f"more-{name}")
        url = more.find("a").get("href") if more is not None else None

    assert shown == [f"{prefix} {n}" for n in reversed(range(5))]


def test_htmx_brings_the_next_items_of_one_list_alone(app, wrens_phone, many):
    url = page(wrens_phone, "/me").by_id("more-started").find("a").get("href")

    html = html_of(wrens_phone.get(url, headers=PARTIAL))

    assert "<html" not in html
    tree = parse(html)
    titles = [a.text for a in tree.find_all("a", class_="thread-title")]
    assert titles == ["Mine 2", "Mine 1"]
    assert tree.by_id("more-started") is not None


def test_a_cursor_that_is_no_cursor_is_not_found(app, wrens_phone):
    assert wrens_phone.get("/me?started=yesterday").status_code == 404


def test_another_members_replies_count_only_for_what_i_may_see(app, wren, wrens_phone):
    opening = start_thread(title="Mine", author=wren)
    db.session.add(
        ThreadReader(user_id=wren.id, thread_id=opening.thread_id, last_seen_post_id=opening.id)
    )
    db.session.commit()
    reply(opening, make_member("Newcomer"), "Waiting for a moderator.", awaiting_approval=True)

    item = items(page(wrens_phone, "/me"), "started")["Mine"]

    assert "0 replies" in item.text and "new" not in item.text
