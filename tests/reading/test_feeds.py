"""Atom feeds: new threads at /feed.atom, new stories at /stories/feed.atom, and a thread's
replies at its own feed.atom, each read back as a feed reader reads it (feedparser). A feed
shows what a guest may see, whoever asks: an anonymous post by its alias only; no removed,
deleted or waiting text, and no removed thread; a content warning, or a word about a writer
who may be at risk, in place of the text."""

import re
from datetime import timedelta

import feedparser
import pytest
from support.clients import signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import confirm
from support.members import make_member
from support.moderation import ANSWER_BODY, REPLY_BODY, Community, community, remove
from support.pages import page, parse

from forum.database import db, utcnow
from forum.models import Thread, ThreadKind
from forum.web import conditional

ATOM = "application/atom+xml; charset=utf-8"
SITE = "http://localhost"


@pytest.fixture
def town(app) -> Community:
    """A story by Hazel, Sorrel's reply to it, Bracken's answer to that; a moderator."""
    return community(app)


def feed_response(client, url: str, **kwargs):
    """The feed's answer, checked as a guest's (a member's session cookie may be refreshed)."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == ATOM
    if client.get_cookie("session") is None:
        assert "Set-Cookie" not in response.headers
    return response


def read_feed(client, url: str) -> feedparser.FeedParserDict:
    """The feed at `url` as a feed reader reads it: well-formed Atom 1.0, or the test fails."""
    parsed = feedparser.parse(feed_response(client, url).get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def xml_of(client, url: str) -> str:
    return feed_response(client, url).get_data(as_text=True)


def feed_of(thread: Thread) -> str:
    return f"{thread_url(thread)}/feed.atom"


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def content(entry) -> str:
    """An entry's HTML (as feedparser gives it: without the newline the rendering ends with)."""
    (html,) = entry.content
    assert html.type == "text/html"
    return html.value


def links(feed, rel: str) -> list[str]:
    return [link.href for link in feed.feed.links if link.rel == rel]


def every_feed(*threads: Thread) -> list[str]:
    return ["/feed.atom", "/stories/feed.atom", *(feed_of(thread) for thread in threads)]


# --- What each feed lists ----------------------------------------------------------------


def test_the_conversations_feed_lists_new_threads_of_every_kind_newest_first(app, client, wren):
    start_thread(ThreadKind.ARTICLE, "The article", "Read **me**.", pinned=True)
    story = start_thread(title="A long winter", body="It was hard.", author=wren)
    start_thread(ThreadKind.DISCUSSION, "Small wins", "Share one.", wren)
    reply(story, wren, "A reply moves the story up the home page, not in this feed.")

    feed = read_feed(client, "/feed.atom")

    assert feed.feed.title == "New conversations · Test Forum"
    assert links(feed, "alternate") == [f"{SITE}/"]
    assert links(feed, "self") == [f"{SITE}/feed.atom"]
    assert titles(feed) == ["Small wins", "A long winter", "The article"]
    article = feed.entries[-1]
    assert article.author == "Test Forum", "the site publishes the article"
    assert content(article) == "<p>Read <strong>me</strong>.</p>"
    assert article.link == f"{SITE}/t/{story.thread_id - 1}-the-article"
    assert feed.entries[1].author == "Wren"
    assert feed.entries[1].id == f"{SITE}/t/{story.thread_id}"


def test_the_stories_feed_lists_stories_only(client, wren):
    start_thread(title="A long winter", body="It was hard.", author=wren)
    start_thread(ThreadKind.DISCUSSION, "Small wins", "Share one.", wren)
    start_thread(title="Spring", body="It came.", author=wren)

    feed = read_feed(client, "/stories/feed.atom")

    assert feed.feed.title == "New stories · Test Forum"
    assert links(feed, "alternate") == [f"{SITE}/stories"]
    assert titles(feed) == ["Spring", "A long winter"]


def test_a_threads_feed_lists_its_replies_newest_first(client, town):
    thread = town.thread
    feed = read_feed(client, feed_of(thread))

    assert feed.feed.title == f"Replies to “{thread.title}” · Test Forum"
    assert links(feed, "alternate") == [f"{SITE}{thread_url(thread)}"]
    assert titles(feed) == ["Reply by Bracken", "Reply by Sorrel"], "no opening post"
    assert [entry.author for entry in feed.entries] == ["Bracken", "Sorrel"]
    assert content(feed.entries[0]) == f"<p>{town.answer.body}</p>"
    assert feed.entries[0].id == f"{SITE}/p/{town.answer.id}"
    assert feed.entries[0].link == f"{SITE}{thread_url(thread)}#p{town.answer.id}"


def test_a_feed_carries_a_bounded_number_of_the_newest_entries(app, client, wren):
    app.config["FEED_ENTRIES"] = 3
    opening = start_thread(title="Story 0", author=wren)
    for number in range(1, 5):
        start_thread(title=f"Story {number}", author=wren)
        reply(opening, wren, f"Reply {number}")

    assert titles(read_feed(client, "/feed.atom")) == ["Story 4", "Story 3", "Story 2"]
    assert titles(read_feed(client, "/stories/feed.atom")) == ["Story 4", "Story 3", "Story 2"]
    replies = read_feed(client, feed_of(thread_of(opening)))
    assert [content(entry) for entry in replies.entries] == [
        f"<p>Reply {number}</p>" for number in (4, 3, 2)
    ]


def test_a_reply_in_a_long_thread_links_to_the_page_it_stands_on(app, client, wren):
    """In a thread paged by its replies, each entry opens the page that holds the reply."""
    app.config["REPLIES_PER_PAGE"] = 2
    opening = start_thread(title="Busy", author=wren)
    branches = [reply(opening, wren, f"Branch {number}") for number in range(4)]
    deep = reply(reply(branches[3], wren, "Below the last"), wren, "Deeper still")

    feed = read_feed(client, feed_of(thread_of(opening)))

    assert feed.entries[0].link.startswith(f"{SITE}{thread_url(thread_of(opening))}?from=")
    for entry in feed.entries:
        path, anchor = entry.link.removeprefix(SITE).split("#")
        assert page(client, path).by_id(anchor) is not None, entry.link
    assert feed.entries[0].link.endswith(f"#p{deep.id}")


def test_a_feed_with_nothing_in_it_yet_is_a_feed_all_the_same(client, wren):
    assert read_feed(client, "/feed.atom").entries == []
    story = start_thread(title="Nobody answered yet", author=wren)

    replies = read_feed(client, feed_of(thread_of(story)))

    assert replies.entries == []
    assert replies.feed.updated_parsed[:5] == story.created_at.utctimetuple()[:5]


# --- As a guest sees it ------------------------------------------------------------------


def test_anonymous_posts_are_signed_with_their_alias_only(app, client, wren):
    hazel = make_member("Hazel", days_old=30)
    story = start_thread(title="A long winter", body="Unsigned.", author=wren, anonymous=True)
    answer = reply(story, hazel, "Named.")
    own = reply(answer, wren, "The author again, under the story's alias.", anonymous=True)
    other = reply(story, hazel, "Anonymous too.", anonymous=True)
    thread = thread_of(story)

    stories = read_feed(client, "/stories/feed.atom")
    replies = read_feed(client, feed_of(thread))

    assert stories.entries[0].author == story.anon_alias
    assert {entry.author for entry in replies.entries} == {
        own.anon_alias,
        "Hazel",
        other.anon_alias,
    }
    assert own.anon_alias == story.anon_alias != other.anon_alias
    for url in every_feed(thread):
        xml = xml_of(client, url)
        assert "Wren" not in xml and "wren" not in xml.lower(), url
        assert f"/u/{hazel.pseudonym}" not in xml, "no profile address to link posts by"


def test_removed_deleted_and_waiting_text_is_in_no_feed(app, client, town):
    """Removed or deleted replies, a reply and a thread waiting for a moderator, a removed
    thread: none of their words in any feed, and the removed and waiting threads' own feeds
    are answered as their pages are (410, 404)."""
    moderator = town.device(town.moderator)
    assert remove(moderator, town.harsh).status_code == 303
    assert confirm(town.device(town.another), f"/p/{town.answer.id}/delete").status_code == 303
    newcomer = make_member("Newcomer")
    reply(town.story, newcomer, "A first reply, still waiting.", awaiting_approval=True)
    waiting = start_thread(
        title="A first story, still waiting", body="Unseen yet.", author=newcomer,
        awaiting_approval=True,
    )  # fmt: skip
    removed = start_thread(title="Gone thread", body="Removed words.", author=town.reader)
    reply(removed, town.another, "A reply in a removed thread.")
    assert remove(moderator, removed).status_code == 303
    db.session.expire_all()
    unseen = [
        REPLY_BODY, ANSWER_BODY, "A first reply", "still waiting",
        "Unseen yet", "Gone thread", "Removed words", "removed thread",
    ]  # fmt: skip

    for url in every_feed(town.thread):
        xml = xml_of(client, url)
        assert not [words for words in unseen if words in xml], url
    assert titles(read_feed(client, "/feed.atom")) == [town.thread.title]
    assert read_feed(client, feed_of(town.thread)).entries == []
    assert client.get(feed_of(thread_of(removed))).status_code == 410
    assert client.get(feed_of(thread_of(waiting))).status_code == 404


def test_a_members_feed_is_the_guests_feed(app, town):
    """Staff see removed text on the page, and a member their own waiting reply: never in a
    feed, which is read away from the site and passed on."""
    moderator = town.device(town.moderator)
    assert remove(moderator, town.harsh).status_code == 303
    newcomer = make_member("Newcomer")
    reply(town.story, newcomer, "A first reply, still waiting.", awaiting_approval=True)
    removed = start_thread(title="Gone thread", body="Removed words.", author=town.reader)
    assert remove(moderator, removed).status_code == 303

    for device in (moderator, signed_in(app, newcomer)):
        xml = xml_of(device, feed_of(town.thread))
        assert town.harsh.body not in xml and "still waiting" not in xml
        assert "Gone thread" not in xml_of(device, "/feed.atom")
        assert device.get(feed_of(thread_of(removed))).status_code == 410


def test_a_content_warning_stands_in_place_of_the_text(client, wren, people):
    story = start_thread(
        title="After the hospital", body="The night I almost did not make it.", author=wren,
        content_warning="Self-harm: a night",
    )  # fmt: skip
    answer = reply(story, people["reader"], "I remember my worst night.", content_warning="Grief")
    thread = thread_of(story)

    opening = read_feed(client, "/feed.atom").entries[0]
    (warned,) = read_feed(client, feed_of(thread)).entries

    assert opening.title == "After the hospital", "the title stays, as on the listings"
    assert parse(content(opening)).text == (
        "Content warning (Self-harm: a night) — open the thread to read it."
    )
    assert parse(content(opening)).find("a").get("href") == f"{SITE}{thread_url(thread)}"
    assert parse(content(warned)).text == "Content warning (Grief) — open the thread to read it."
    assert parse(content(warned)).find("a").get("href") == warned.link
    for url in every_feed(thread):
        xml = xml_of(client, url)
        assert "almost did not make it" not in xml and "worst night" not in xml
    assert answer.body in page(client, thread_url(thread)).text, "still on the page, folded"


def test_a_post_whose_writer_may_be_at_risk_sends_the_reader_to_the_page(client, town):
    """On the page the post stands among ways to reply and to find help, and the moderators
    look at it first; a feed would carry the words away from both."""
    town.answer.may_be_at_risk = True
    db.session.commit()

    (entry,) = [e for e in read_feed(client, feed_of(town.thread)).entries if "Bracken" in e.title]

    assert town.answer.body not in xml_of(client, feed_of(town.thread))
    assert "may be going through something very hard" in content(entry)
    assert parse(content(entry)).find("a").get("href") == entry.link
    assert town.answer.body in page(client, town.thread_url).text


def test_moments_are_given_to_the_minute(client, wren):
    """As on the pages: seconds would help tie an anonymous post to its author's named ones."""
    story = start_thread(title="A long winter", author=wren, anonymous=True)
    reply(story, wren, "Named.")

    for url in every_feed(thread_of(story)):
        stamps = re.findall(r"<(?:updated|published)>([^<]*)<", xml_of(client, url))
        assert stamps, url
        assert all(re.fullmatch(r"[\d-]{10}T\d\d:\d\d:00\+00:00", s) for s in stamps), stamps


def test_text_xml_cannot_carry_is_left_out(client, wren):
    """A character someone may type but XML 1.0 can't hold (U+FFFF) doesn't break the feed."""
    story = start_thread(title="Odd\uffff title", body="Odd\ufffe body", author=wren)
    reply(story, wren, "Odd reply\uffff")

    assert titles(read_feed(client, "/feed.atom")) == ["Odd title"]
    assert content(read_feed(client, feed_of(thread_of(story))).entries[0]) == "<p>Odd reply</p>"


# --- One address per feed ----------------------------------------------------------------


@pytest.mark.parametrize("slug", [None, "an-old-title"])
def test_a_threads_feed_at_another_address_redirects_to_its_own(client, town, slug):
    thread = town.thread
    url = f"/t/{thread.id}/feed.atom" if slug is None else f"/t/{thread.id}-{slug}/feed.atom"

    response = client.get(url)

    assert response.status_code == 301
    assert response.headers["Location"] == feed_of(thread)


def test_a_hidden_threads_feed_tells_nothing_at_any_address(client, town):
    """No redirect to an address that would carry its title."""
    newcomer = make_member("Newcomer")
    waiting = thread_of(start_thread(title="Secret title", author=newcomer, awaiting_approval=True))
    assert remove(town.device(town.moderator), town.story).status_code == 303

    for thread, status in ((waiting, 404), (town.thread, 410)):
        for url in (f"/t/{thread.id}/feed.atom", f"/t/{thread.id}-x/feed.atom", feed_of(thread)):
            assert client.get(url).status_code == status, url
    assert client.get("/t/999999/feed.atom").status_code == 404


# --- Returning feed readers --------------------------------------------------------------


@pytest.mark.parametrize("which", ["conversations", "stories", "replies"])
def test_a_current_copy_gets_304_and_a_change_brings_the_feed_back(client, town, which):
    url = {"conversations": "/feed.atom", "stories": "/stories/feed.atom"}.get(
        which, feed_of(town.thread)
    )
    etag = feed_response(client, url).headers["ETag"]

    again = client.get(url, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert "Set-Cookie" not in again.headers
    reply(town.story, town.reader, "A new reply.")
    if which != "replies":
        start_thread(title="A new story", author=town.reader)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_a_feeds_copy_stays_current_as_time_passes(client, town, monkeypatch):
    """A feed gives exact times, never "3 minutes ago": its copy doesn't age."""
    etags = {url: feed_response(client, url).headers["ETag"] for url in every_feed(town.thread)}
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(conditional, "utcnow", lambda: later)

    for url, etag in etags.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


def test_a_304_is_decided_without_building_the_feed(client, town, count_queries):
    """The thread's row and the site's counters, as for the thread's page."""
    for url, most in ((feed_of(town.thread), 2), ("/feed.atom", 1)):
        etag = feed_response(client, url).headers["ETag"]
        with count_queries() as statements:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        queries = [s for s in statements if s.split()[0] not in ("BEGIN", "COMMIT", "ROLLBACK")]
        assert len(queries) <= most, (url, queries)


def test_a_feed_is_compressed_like_a_page(client, town):
    response = feed_response(client, feed_of(town.thread), headers={"Accept-Encoding": "gzip"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in response.headers["Vary"].lower()


# --- Pages name their feeds --------------------------------------------------------------


def test_pages_name_their_feeds_in_the_head_and_link_them(client, town):
    for page_url, feed_url in (
        ("/", "/feed.atom"),
        ("/stories", "/stories/feed.atom"),
        (town.thread_url, feed_of(town.thread)),
    ):
        tree = page(client, page_url)
        (alternate,) = [
            link
            for link in tree.find("head").iter("link")
            if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
        ]
        assert alternate.get("href") == feed_url, page_url
        assert alternate.get("title") == read_feed(client, feed_url).feed.title
        visible = tree.find("p", class_="feed-link").find("a")
        assert visible.get("href") == feed_url
        assert visible.visible_text == "Feed"
        assert visible.text.startswith("Feed of "), "its name says which feed"


def test_a_thread_guests_cant_read_names_no_feed(app, town):
    """The moderators' view of a removed thread, and an author's view of their story still
    waiting: their feeds don't exist for anyone."""
    moderator = town.device(town.moderator)
    newcomer = make_member("Newcomer")
    waiting = thread_of(start_thread(title="Waiting", author=newcomer, awaiting_approval=True))
    assert remove(moderator, town.story).status_code == 303

    for device, thread in ((moderator, town.thread), (signed_in(app, newcomer), waiting)):
        tree = page(device, thread_url(thread))
        assert "feed.atom" not in str([link.attrs for link in tree.iter("link")])
        assert tree.find("p", class_="feed-link") is None
