"""Read-side queries, each named for what a page shows. Every one is a fixed number of
statements however many posts it returns."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload

from .database import db
from .models import Post, Thread

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_CURSOR_FORMAT = re.compile(r"(\d{1,17})-(\d{1,9})")


@dataclass(frozen=True)
class Cursor:
    """Where a page of the home listing ends: the last thread's activity time and id."""

    last_activity_at: datetime
    thread_id: int

    def __str__(self) -> str:
        # Whole microseconds, computed exactly: a float timestamp could skip a thread.
        micros = (self.last_activity_at - _EPOCH) // _MICROSECOND
        return f"{micros}-{self.thread_id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        """The cursor written in a URL, or None when it is not one."""
        match = _CURSOR_FORMAT.fullmatch(text)
        if not match:
            return None
        micros, thread_id = (int(group) for group in match.groups())
        try:
            moment = _EPOCH + micros * _MICROSECOND
        except OverflowError:
            return None
        return cls(moment, thread_id)


@dataclass
class ThreadPage:
    pinned: list[Thread]
    threads: list[Thread]
    next_cursor: Cursor | None


def pinned_threads() -> list[Thread]:
    return list(
        db.session.scalars(
            select(Thread).where(Thread.pinned).order_by(Thread.created_at, Thread.id)
        )
    )


def threads_by_activity(after: Cursor | None, limit: int) -> ThreadPage:
    """Unpinned threads, most recent activity first, after `after` (keyset pagination: the
    query costs the same on page 100 as on page 1, and a new thread can't shift a page)."""
    query = (
        select(Thread)
        .where(Thread.pinned.is_(False))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit + 1)
    )
    if after:
        query = query.where(
            tuple_(Thread.last_activity_at, Thread.id) < (after.last_activity_at, after.thread_id)
        )
    threads = list(db.session.scalars(query))
    next_cursor = None
    if len(threads) > limit:
        threads = threads[:limit]
        last = threads[-1]
        next_cursor = Cursor(last.last_activity_at, last.id)
    return ThreadPage(pinned=[], threads=threads, next_cursor=next_cursor)


def home_page(after: Cursor | None, limit: int) -> ThreadPage:
    """The pinned threads (first page only), then a page of the others by activity."""
    page = threads_by_activity(after, limit)
    if after is None:
        page.pinned = pinned_threads()
    return page


def _posts_with_authors():
    return select(Post).options(joinedload(Post.author)).order_by(Post.path)


def thread_posts(thread: Thread) -> list[Post]:
    """Every post of a thread, opening post first, in display order: one query."""
    return list(db.session.scalars(_posts_with_authors().where(Post.thread_id == thread.id)))


def subtree_posts(post: Post) -> list[Post]:
    """A post and everything below it, in display order: one query."""
    return list(
        db.session.scalars(
            _posts_with_authors().where(
                Post.thread_id == post.thread_id, Post.path.startswith(post.path, autoescape=True)
            )
        )
    )


def ancestors(post: Post) -> list[Post]:
    """The posts above `post`, opening post first: one query, ids read from its path."""
    ids = post.ancestor_ids
    if not ids:
        return []
    return list(db.session.scalars(_posts_with_authors().where(Post.id.in_(ids))))


def children_by_parent(posts: list[Post]) -> dict[int | None, list[Post]]:
    """The flat, path-ordered list as a tree: parent id to its replies, oldest first."""
    children: dict[int | None, list[Post]] = {}
    for post in posts:
        children.setdefault(post.parent_id, []).append(post)
    return children
