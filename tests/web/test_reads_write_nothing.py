"""Reading writes nothing: no page a guest can ask for runs an INSERT, an UPDATE or a DELETE,
nor commits anything another connection could see. A read that wrote would take SQLite's
write lock behind every writer, and would keep, somewhere, a trace of who read what."""

import re
import sqlite3

import pytest
from flask import Flask
from support.clients import device
from support.config import TEST_DATABASE_URL
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member

from forum.models import Post, ThreadKind

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)


@pytest.fixture
def places(app: Flask) -> list[str]:
    """Every page a guest may read, over a forum with something on each."""
    member = make_member("Wren", days_old=30)
    start_thread(ThreadKind.ARTICLE, "The article", "Read me.", pinned=True)
    story = start_thread(title="A long winter", body="It was hard.", author=member)
    answer: Post = reply(story, make_member("Hazel", days_old=30), "Thank you for this.")
    reply(answer, member, "And you.", anonymous=True)
    return [
        "/",
        "/?after=999999",
        "/stories",
        "/stories/unanswered",
        thread_url(thread_of(story)),
        f"/t/{story.thread_id}",  # redirects to the address with its slug
        "/feed.atom",
        "/stories/feed.atom",
        f"{thread_url(thread_of(story))}/feed.atom",
        f"/t/{story.thread_id}/feed.atom",  # redirects too
        f"/p/{answer.id}",
        "/u/Wren",
        "/u/Nobody_here",
        "/help",
        "/privacy",
        "/mod/log",
        "/search",
        "/search?q=long+winter",
        "/search?q=thank&page=2",
        "/search?q=%22NEAR(*",
        "/healthz",
        "/login",
        "/join",
        "/recover",
        "/p/999999",
        "/nowhere",
        # Pages for members: a guest is sent to log in, and that writes nothing either.
        "/stories/new",
        f"/p/{answer.id}/reply",
        f"/p/{answer.id}/report",
        "/settings",
        "/notifications",
        "/notifications/bell",
        "/mod",
    ]


def test_no_page_a_guest_reads_writes_anything(app, places, count_queries, database_uri):
    guest = device(app)
    # On SQLite, a connection of our own: its data_version moves when another commits.
    connection = None if TEST_DATABASE_URL else sqlite3.connect(database_uri[len("sqlite:///") :])
    before = connection.execute("PRAGMA data_version").fetchone()[0] if connection else None

    with count_queries() as statements:
        for url in places:
            response = guest.get(url)
            assert response.status_code < 500, url

    writes = [statement for statement in statements if WRITES.match(statement)]
    assert writes == []
    assert any(re.search(r"\bFROM post\b", s) for s in statements), "nothing was read at all"
    if connection:
        assert connection.execute("PRAGMA data_version").fetchone()[0] == before
        connection.close()
