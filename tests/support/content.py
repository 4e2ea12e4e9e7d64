"""Threads and replies, made as the app makes them (counted on their thread, with aliases for
anonymous posts), their addresses, and the posting pace switched off for tests not about it."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from forum.database import db, utcnow
from forum.models import Post, Thread, ThreadKind, User


def start_thread(
    kind: ThreadKind = ThreadKind.STORY,
    title: str = "A story",
    body: str = "Something that happened.",
    author: User | None = None,
    **fields,
) -> Post:
    """A new thread; returns its opening post."""
    opening = Thread.start(kind, title, body, author, **fields)
    db.session.commit()
    return opening


def reply(post: Post, author: User | None, body: str, *, commit: bool = True, **fields) -> Post:
    """A reply to `post`, counted on its thread."""
    answer = post.reply(author, body, **fields)
    if commit:
        db.session.commit()
    return answer


def depth_chain(start: Post, levels: int, author: User | None) -> list[Post]:
    """`levels` replies, each answering the one before."""
    chain = []
    parent = start
    for level in range(1, levels + 1):
        parent = parent.reply(author, f"Level {level} says hello")
        chain.append(parent)
    db.session.commit()
    return chain


def aged(post: Post, hours: float) -> Post:
    """`post`'s thread, as if started `hours` ago (the unanswered list's threshold)."""
    thread = db.session.get(Thread, post.thread_id)
    thread.created_at = thread.last_activity_at = utcnow() - timedelta(hours=hours)
    post.created_at = thread.created_at
    db.session.commit()
    return post


def thread_of(post: Post) -> Thread:
    return db.session.get(Thread, post.thread_id)


def thread_url(thread: Thread) -> str:
    return f"/t/{thread.id}-{thread.slug}"


def opening_of(thread: Thread) -> Post:
    return db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    )


def only_thread() -> Thread:
    db.session.expire_all()
    threads = list(db.session.scalars(select(Thread)))
    assert len(threads) == 1, threads
    return threads[0]


def last_post() -> Post | None:
    db.session.expire_all()
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def unpace(app: Flask) -> None:
    """No pause between posts and no first-day cap: for tests that aren't about the pace."""
    app.config.update(
        THREAD_INTERVAL_SECONDS=0,
        REPLY_INTERVAL_SECONDS=0,
        FIRST_DAY_MAX_THREADS=10_000,
        FIRST_DAY_MAX_REPLIES=10_000,
    )
