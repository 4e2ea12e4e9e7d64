"""What the feeds list: posts standing in public (`forum.policy.public_posts`), newest first,
with their authors. Each is a fixed number of statements however many posts there are."""

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased, selectinload

from ..database import db
from ..models import Post, Thread, ThreadKind
from ..policy import public_posts


def newest_threads(limit: int, kind: ThreadKind | None = None) -> list[tuple[Post, Thread]]:
    """The newest threads (of `kind`, or of every kind) whose opening post stands in public,
    each as its opening post and the thread, newest first (ids only grow)."""
    opening = aliased(Post)
    # Found from the threads, newest first, each looked up in its own posts: joined from the
    # start, SQLite would read every post of the forum and sort their threads.
    newest = (
        select(Thread.id)
        .where(
            exists().where(
                opening.thread_id == Thread.id, opening.parent_id.is_(None), public_posts(opening)
            )
        )
        .order_by(Thread.id.desc())
        .limit(limit)
    )
    if kind is not None:
        newest = newest.where(Thread.kind == kind)
    query = (
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .options(selectinload(Post.author))
        .where(Post.thread_id.in_(newest), Post.parent_id.is_(None))
        .order_by(Thread.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def newest_replies(thread: Thread, limit: int) -> list[Post]:
    """`thread`'s newest replies standing in public, newest first."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Thread, Thread.id == Post.thread_id)
            .options(selectinload(Post.author))
            .where(Post.thread_id == thread.id, Post.parent_id.is_not(None), public_posts())
            .order_by(Post.id.desc())
            .limit(limit)
        )
    )
