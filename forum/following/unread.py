"""Which replies are new to a member: written after their place in the thread, standing, and
neither their own nor a muted member's. Decided here, once as SQL (to count them) and once in
Python (to mark them on a page), side by side so that the two never disagree."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select

from ..database import db
from ..models import Mute, Post, Thread
from ..policy import visible_posts


def new_to(reader_id: int, since: int | ColumnElement[int]) -> ColumnElement[bool]:
    """Posts new to the member `reader_id` whose place in their thread is `since` (a post id,
    or the column holding it). Whether they may see them at all is `policy.visible_posts`."""
    muted = select(Mute.muted_id).where(Mute.muter_id == reader_id)
    return and_(
        Post.id > since,
        Post.parent_id.is_not(None),
        Post.removed_at.is_(None),
        Post.deleted_by_author_at.is_(None),
        or_(Post.author_id.is_(None), Post.author_id != reader_id),
        # As a page folds them: named posts only (folding an anonymous one would tell whose).
        or_(Post.anonymous.is_(True), Post.author_id.is_(None), Post.author_id.not_in(muted)),
    )


def is_new(post: Post, reader_id: int | None, since: int | None, muted: set[int]) -> bool:
    """`new_to`, for a post on a page: False for a guest (`reader_id` None)."""
    return (
        reader_id is not None
        and since is not None
        and post.id > since
        and post.parent_id is not None
        and not post.is_gone
        and post.author_id != reader_id
        and (post.anonymous or post.author_id not in muted)
    )


@dataclass(frozen=True)
class NewReplies:
    first: Post
    """The first of them in reading order (the thread's path order): from there, reading on
    meets every other."""
    count: int


def new_replies(thread: Thread, reader, since: int | None) -> NewReplies | None:
    """The replies in `thread` new to `reader` since `since`, as the first and how many: one
    query (none for a guest). None when none is new."""
    if since is None or not reader.is_authenticated:
        return None
    found = db.session.execute(
        select(Post, func.count().over())
        .where(Post.thread_id == thread.id, visible_posts(reader), new_to(reader.id, since))
        .order_by(Post.path)
        .limit(1)
    ).first()
    return NewReplies(*found) if found else None
