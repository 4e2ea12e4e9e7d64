"""The hot queries that would read every post of a big forum go through their indexes instead
(measured on 200,000 and 1,000,000 posts in bench/README.md). Checked with SQLite's query plans:
the planner there decides by the index's shape, not by how many rows the tables hold."""

from collections.abc import Callable

import pytest
from sqlalchemy import event

from forum.database import db
from forum.moderation.queries import posts_waiting_for_moderators
from forum.moderation.queue import waiting_posts
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


def test_a_search_finds_each_results_opening_post_in_its_index(app, plans):
    """Not by reading every post of its thread, for every post found in a long one."""
    guest = app.login_manager.anonymous_user()

    (plan,) = plans(lambda: search_posts(guest, read_query("harbour"), 1, 20))

    assert "ix_post_opening (thread_id=?)" in plan
    assert "SCAN post\n" not in plan + "\n"
