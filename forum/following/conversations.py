"""A member's own conversations (/me): the threads they started, anonymous ones too, and the
threads they follow, each with its replies and how many are new to them. A fixed number of
queries however many threads or replies: a page of each list, then one count for both."""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from ..database import db
from ..models import PATH_DIGITS, Post, Thread, ThreadReader
from ..policy import listed_threads, visible_posts
from ..web.pagination import Cursor
from .unread import new_to


@dataclass
class Conversation:
    thread: Thread
    opening: Post
    new_count: int = 0
    first_new: Post | None = None
    """The first new reply in reading order, for its address (a stand-in read from its path:
    its id, depth and branch are all there)."""


@dataclass
class ConversationPage:
    conversations: list[Conversation]
    next_cursor: Cursor | None


def _page(query, after: Cursor | None, limit: int) -> ConversationPage:
    """A page of threads by last activity, newest first, after `after` (keyset), with their
    opening posts."""
    query = query.order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(limit + 1)
    if after is not None:
        query = query.where(
            tuple_(Thread.last_activity_at, Thread.id) < (after.last_activity_at, after.thread_id)
        )
    rows = [Conversation(thread, opening) for thread, opening in db.session.execute(query)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = Cursor(rows[-1].thread.last_activity_at, rows[-1].thread.id)
    return ConversationPage(rows, next_cursor)


def started_by(member, after: Cursor | None, limit: int) -> ConversationPage:
    """The threads `member` started, whatever became of them (waiting for a moderator, removed
    by one, withdrawn): theirs, and only theirs to see here. One query."""
    opening = aliased(Post)
    query = (
        select(Thread, opening)
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .where(opening.author_id == member.id)
    )
    return _page(query, after, limit)


def followed_by(member, after: Cursor | None, limit: int) -> ConversationPage:
    """The threads `member` follows, as listings show them, but for those they started (listed
    with those). One query."""
    opening = aliased(Post)
    query = (
        select(Thread, opening)
        .join(
            ThreadReader,
            and_(
                ThreadReader.thread_id == Thread.id,
                ThreadReader.user_id == member.id,
                ThreadReader.following.is_(True),
            ),
        )
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .where(
            listed_threads(opening),
            or_(opening.author_id.is_(None), opening.author_id != member.id),
        )
    )
    return _page(query, after, limit)


def count_new_replies(member, *pages: ConversationPage) -> None:
    """Fill in how many replies of each listed thread are new to `member` since their last
    visit there, and the first of them: one query for every thread on the pages. A thread they
    never read has nothing new yet, as on its page."""
    conversations = {c.thread.id: c for page in pages for c in page.conversations}
    if not conversations:
        return
    rows = db.session.execute(
        select(Post.thread_id, func.count(), func.min(Post.path))
        .join(
            ThreadReader,
            and_(ThreadReader.thread_id == Post.thread_id, ThreadReader.user_id == member.id),
        )
        .where(
            Post.thread_id.in_(conversations),
            visible_posts(member),
            new_to(member.id, ThreadReader.last_seen_post_id),
        )
        .group_by(Post.thread_id)
    )
    for thread_id, count, first_path in rows:
        conversation = conversations[thread_id]
        conversation.new_count = count
        conversation.first_new = Post(
            id=int(first_path[-PATH_DIGITS:], 36), thread_id=thread_id, path=first_path
        )
