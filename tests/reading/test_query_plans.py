"""The hot queries that would read every post of a big forum go through their indexes instead
(measured on 200,000 and 1,000,000 posts in bench/README.md). Checked with SQLite's query plans:
the planner there decides by the index's shape, not by how many rows the tables hold."""

import re
from collections.abc import Callable

import pytest
from sqlalchemy import event
from support.members import make_member

from forum.database import db
from forum.feeds.queries import newest_replies, newest_threads
from forum.models import Thread, ThreadKind
from forum.moderation.queries import posts_waiting_for_moderators
from forum.moderation.queue import waiting_posts
from forum.notifications.bell import unread_count
from forum.notifications.entries import entry_page
from forum.reading.queries import named_posts
from forum.search.queries import search_posts
from forum.search.terms import read_query


@pytest.fixture
def plans(app) -> Callable[[Callable[[], object]], list[str]]:
    """The query plan of each statement `run()` sends (SQLite only)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans; this run uses " + db.engine.dialect.name)

    def plans_of(run: Callable[[], object]) -> list[str]:
        sent: list[tuple[str, object]] = []

        def catch(_conn, _cursor, statement, parameters, _context, _many) -> None:
            sent.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", catch)
        try:
            run()
        finally:
            event.remove(db.engine, "before_cursor_execute", catch)
        connection = db.session.connection()
        return [
            "\n".join(
                row[-1]
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            )
            for statement, params in sent
            if statement.lstrip().upper().startswith("SELECT")
        ]

    return plans_of


def test_a_profile_reads_the_members_posts_newest_first_from_its_index(plans):
    """Not every post back from the newest until a page of theirs turns up."""
    (plan,) = plans(lambda: named_posts(user_id=7, before=None, limit=25))

    assert "ix_post_author_newest (author_id=?)" in plan


def test_the_waiting_posts_are_found_through_their_partial_index(plans):
    """The count in every moderator's header and the queue's waiting section."""
    header = plans(posts_waiting_for_moderators)
    queue = plans(waiting_posts)

    assert all("ix_post_waiting" in plan for plan in header)
    assert all("SCAN post\n" not in plan + "\n" for plan in header + queue)
    assert any("ix_post_waiting" in plan for plan in queue)


@pytest.mark.parametrize("kind", [None, ThreadKind.STORY])
def test_a_feed_of_new_threads_reads_threads_newest_first_not_every_post(plans, kind):
    """From the newest thread back, until the feed is full; each thread's opening post looked
    up in its own posts. Joined from the start, SQLite read every post and sorted them."""
    (plan,) = plans(lambda: newest_threads(30, kind))

    assert "SCAN post" not in plan and "TEMP B-TREE" not in plan, plan
    # By the thread's posts or, since migration 0009, its opening post alone.
    assert re.search(r"SEARCH post USING INDEX ix_post_(thread_path|opening) \(thread_id=\?", plan)


def test_a_threads_feed_reads_that_threads_posts_only(plans):
    (plan,) = plans(lambda: newest_replies(Thread(id=7), 30))

    assert "SCAN post" not in plan, plan
    assert "SEARCH post USING INDEX ix_post_thread_path (thread_id=?)" in plan


def test_the_bell_and_the_notifications_read_one_members_rows_from_their_indexes(app, plans):
    """On every page a member opens: their own notifications, never every member's; for a
    listener, the stories waiting for a reply, never every post (to find the opening posts);
    the posts, threads and reading places joined by their keys."""
    member = make_member("wren", listens_for_unanswered=True)
    assert member.listens_for_unanswered  # loaded now: the plans are the notifications' own
    with app.test_request_context():
        (bell,) = plans(lambda: unread_count(member))
        page = plans(lambda: entry_page(member, before=None, limit=25))

    assert re.search(r"SEARCH notification USING INDEX ix_notification_\w+ \(user_id=\?", bell)
    assert "ix_thread_waiting (kind=? AND reply_count=? AND created_at<?)" in bell
    assert "ix_notification_user_newest (user_id=?)" in page[0]
    for plan in [bell, *page]:
        assert "SCAN notification\n" not in plan + "\n", plan
        assert "SCAN post\n" not in plan + "\n", plan


def test_a_search_finds_each_results_opening_post_in_its_index(app, plans):
    """Not by reading every post of its thread, for every post found in a long one."""
    guest = app.login_manager.anonymous_user()

    (plan,) = plans(lambda: search_posts(guest, read_query("harbour"), 1, 20))

    assert "ix_post_opening (thread_id=?)" in plan
    assert "SCAN post\n" not in plan + "\n"
