"""Small builders for test data: members, threads and replies, committed as the app would."""

from forum.database import db
from forum.models import Post, Thread, ThreadKind, User


def make_user(pseudonym: str) -> User:
    """A member; the password hash is a placeholder, as these members never log in."""
    user = User(pseudonym=pseudonym, pseudonym_key=pseudonym.casefold(), password_hash="!")
    db.session.add(user)
    db.session.commit()
    return user


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


def reply(post: Post, author: User | None, body: str, *, commit: bool = True) -> Post:
    """A reply to `post`, counted on its thread."""
    answer = post.reply(author, body)
    if commit:
        db.session.commit()
    return answer


def thread_of(post: Post) -> Thread:
    return db.session.get(Thread, post.thread_id)


def thread_url(thread: Thread) -> str:
    return f"/t/{thread.id}-{thread.slug}"
