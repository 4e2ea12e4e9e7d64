"""Which replies are new to a member: written after their place in the thread, standing, and
neither their own nor a muted member's. Decided here, once as SQL (to count them) and once in
Python (to mark them on a page), side by side so that the two never disagree."""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select

from ..database import db
from ..models import Mute, Post, Thread
from ..policy import Sight, posts_in_sight, sight_of


def new_to(
    reader_id: int | ColumnElement[int], since: int | ColumnElement[int]
) -> ColumnElement[bool]:
    """Posts new to the member `reader_id` whose place in their thread is `since` (a post id,
    or the column holding it; either may be a `bindparam`, for a statement built once).
    Whether they may see them at all is `policy.visible_posts`."""
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
        _new_replies_statement(sight_of(reader)),
        {"thread_id": thread.id, "reader_id": reader.id, "since": since},
    ).first()
    return NewReplies(*found) if found else None


@cache
def _new_replies_statement(sight: Sight) -> Select:
    """`new_replies`' statement for members of `sight`, built once per process (every thread
    page a member reads runs it), the thread, the member and their place as parameters."""
    reader_id = bindparam("reader_id")
    return (
        select(Post, func.count().over())
        .where(
            Post.thread_id == bindparam("thread_id"),
            posts_in_sight(sight, reader_id),
            new_to(reader_id, bindparam("since")),
        )
        .order_by(Post.path)
        .limit(1)
    )
