"""The home page: the pinned article, then conversations by last activity, a page at a time."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from support.clients import PARTIAL
from support.content import reply, start_thread, thread_of
from support.members import make_member
from support.pages import Element, parse

from forum.database import db
from forum.models import ThreadKind

NOON = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
OFFSET = re.compile(r"\bOFFSET\s+(\?|%\((\w+)\)s|\d+)", re.IGNORECASE)


def listed_titles(page: Element) -> list[str]:
    return [a.text for a in page.find_all("a", class_="thread-title")]


def older_link(page: Element) -> str | None:
    more = page.by_id("more-threads")
    return more.find("a").get("href") if more is not None else None


def threads_at(moments: list[datetime], prefix: str = "Story") -> list[str]:
    """One story per moment, its last activity set to that moment; returns the titles."""
    titles = []
    for number, moment in enumerate(moments):
        title = f"{prefix} {number:03d}"
        thread = thread_of(start_thread(ThreadKind.STORY, title, "A story."))
        thread.last_activity_at = moment
        titles.append(title)
    db.session.commit()
    return titles


@contextmanager
def recording_offsets() -> Iterator[list[int]]:
    """The OFFSET of every statement run inside the block (SQLite writes `OFFSET 0` after any
    LIMIT, so the value is what tells offset pagination apart)."""
    offsets: list[int] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        for match in OFFSET.finditer(statement):
            value, name = match.groups()
            if value == "?":
                offsets.append(parameters[statement[: match.end()].count("?") - 1])
            elif name:
                offsets.append(parameters[name])
            else:
                offsets.append(int(value))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield offsets
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def follow_pages(client, count_queries) -> tuple[list[list[str]], list[int]]:
    """Every page of the listing from the first, by its 'Older conversations' links: the
    titles on each page, and the OFFSET of any statement any page ran."""
    titles = []
    url = "/"
    with recording_offsets() as offsets:
        while url is not None:
            with count_queries() as ran:
                response = client.get(url)
            assert response.status_code == 200, url
            assert ran, "each page reads the database"
            page = parse(response.get_data(as_text=True))
            titles.append(listed_titles(page))
            url = older_link(page)
            assert len(titles) < 50, "the pages never end"
    return titles, offsets


@pytest.fixture
def article(app):
    opening = start_thread(
        ThreadKind.ARTICLE, "Seeking help is a sign of strength", "The article.", pinned=True
    )
    thread = thread_of(opening)
    thread.last_activity_at = NOON - timedelta(days=365)
    db.session.commit()
    return thread.title


def test_pinned_article_first_then_threads_by_latest_activity(client, article):
    """A reply brings a conversation back to the top; the article always leads."""
    quiet, middle, recent = threads_at([NOON - timedelta(days=d) for d in (3, 2, 1)])
    opening = start_thread(ThreadKind.DISCUSSION, "Brought back", "An old question.")
    thread_of(opening).last_activity_at = NOON - timedelta(days=10)
    db.session.commit()
    reply(opening, make_member("wren"), "I know this feeling.")

    page = parse(client.get("/").get_data(as_text=True))

    assert listed_titles(page) == [article, "Brought back", recent, middle, quiet]
    pinned = page.find("ul", class_="pinned")
    assert listed_titles(pinned) == [article]
    items = {li.find("a").text: li.text for li in page.find_all("li", class_="thread-item")}
    assert "1 reply" in items["Brought back"]
    assert "0 replies" in items[recent]


def test_pages_follow_on_without_gaps_or_repeats_and_never_use_offset(
    app, client, count_queries, article
):
    """Walking 'Older conversations' shows every thread once, in order, the article only
    first; pages are found by keyset, so page 100 costs what page 1 does."""
    app.config["THREADS_PER_PAGE"] = 25
    titles = threads_at([NOON - timedelta(minutes=m) for m in range(60)])

    pages, offsets = follow_pages(client, count_queries)

    assert [len(page) for page in pages] == [26, 25, 10]
    assert pages[0][0] == article
    assert all(article not in page for page in pages[1:])
    shown = [title for page in pages for title in page if title != article]
    assert shown == titles
    assert set(offsets) <= {0}, "pages are found by keyset, never by skipping rows"


def test_threads_active_at_the_same_moment_are_neither_skipped_nor_repeated(
    app, client, count_queries
):
    """Many threads sharing one timestamp across page boundaries all still appear once."""
    app.config["THREADS_PER_PAGE"] = 7
    moments = [NOON] * 12 + [NOON - timedelta(microseconds=1)] * 9 + [NOON - timedelta(hours=1)]
    titles = threads_at(moments)

    pages, _ = follow_pages(client, count_queries)

    assert [len(page) for page in pages] == [7, 7, 7, 1]
    shown = [title for page in pages for title in page]
    # Ties fall back to the newest thread first.
    expected = titles[:12][::-1] + titles[12:21][::-1] + titles[21:]
    assert shown == expected


def test_last_page_has_no_older_link(app, client):
    app.config["THREADS_PER_PAGE"] = 5
    threads_at([NOON - timedelta(minutes=m) for m in range(5)])

    page = parse(client.get("/").get_data(as_text=True))

    assert len(listed_titles(page)) == 5
    assert older_link(page) is None


def test_an_empty_forum_says_so(client):
    page = parse(client.get("/").get_data(as_text=True))

    assert listed_titles(page) == []
    assert "No conversations yet" in page.find("p", class_="empty").text


def test_htmx_asks_for_only_the_next_list_items(app, client):
    """'Older conversations' with htmx appends items, not a whole page inside the list."""
    app.config["THREADS_PER_PAGE"] = 3
    titles = threads_at([NOON - timedelta(minutes=m) for m in range(8)])
    full = client.get("/")
    url = older_link(parse(full.get_data(as_text=True)))

    partial = client.get(url, headers=PARTIAL)

    assert partial.status_code == 200
    html = partial.get_data(as_text=True)
    assert "<html" not in html
    assert "<header" not in html
    assert "<ul" not in html
    fragment = parse(html)
    assert [e.tag for e in fragment.elements] == ["li"] * 4
    assert listed_titles(fragment) == titles[3:6]
    assert fragment.elements[-1].get("id") == "more-threads"
    assert older_link(fragment) is not None


@pytest.mark.parametrize("url", ["/", "/?after=1-1"])
def test_listing_responses_vary_on_the_htmx_request_type(client, url):
    """Caches must not hand a page fragment to a browser that asked for the page."""
    for headers in ({}, PARTIAL):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert "HX-Request-Type" in response.vary


def test_a_full_htmx_request_gets_the_whole_page(client):
    """A boosted link or history restore (HX-Request-Type: full) needs the whole page."""
    response = client.get("/", headers={"HX-Request": "true", "HX-Request-Type": "full"})

    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "cursor", ["", "abc", "1-", "-1", "1-2-3", "1.5-2", "123456789012345678-1", "1-1234567890"]
)
def test_a_malformed_cursor_is_not_found(client, cursor):
    """A mangled 'after' in a shared link is a friendly 404, not an error or page one."""
    response = client.get("/", query_string={"after": cursor})

    assert response.status_code == 404
    assert "Test Forum" in response.get_data(as_text=True)
