"""A member's place in a thread (`ThreadReader`): whether they follow it, and the newest of its
posts they have read. One small row per member and thread, written by their visits, by the
Follow button, and by starting or replying in the thread; guests have none.

Every write is one upsert, so that two at once (two tabs, a double click) never fail or
collide: a reading position only ever moves on, never back.
"""

from collections.abc import Iterable
from functools import cache

from flask import current_app
from sqlalchemy import Insert, Select, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ..database import db, note_apart
from ..models import Post, Thread, ThreadReader
from ..policy import Sight, posts_in_sight, sight_of
from ..web.pagination import since_id_or_404

_PLACES = ThreadReader.__table__
_KEY = [_PLACES.c.user_id, _PLACES.c.thread_id]


def _insert(dialect_name: str):
    """INSERT with ON CONFLICT, as the database at hand (its dialect's name) writes it."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(_PLACES)


def place_in(reader, thread: Thread) -> ThreadReader | None:
    """The reader's place in `thread`: None for a guest (no query) and for a member who has
    never been there."""
    if not reader.is_authenticated:
        return None
    return db.session.scalar(_place_statement(), {"user_id": reader.id, "thread_id": thread.id})


# Built once per process, as the thread page's other statements are (`forum.reading.queries`):
# every thread page a member reads looks for their place, and Session.get builds its statement
# anew each time.
@cache
def _place_statement() -> Select:
    return select(ThreadReader).where(
        ThreadReader.user_id == bindparam("user_id"),
        ThreadReader.thread_id == bindparam("thread_id"),
    )


def visit_start(reader, thread: Thread, place: ThreadReader | None) -> int | None:
    """Where this visit to `thread` began, for telling which of its replies are new: the
    `since` a page of the visit carries from the page before (each page moves the place on, so
    later pages would otherwise lose what was new); else the member's place. On a first visit
    ever, the thread's newest post they can see (one query): nothing is new on any page of it,
    only what arrives while they read. None for a guest."""
    if not reader.is_authenticated:
        return None
    since = since_id_or_404()
    if since is not None:
        return since
    if place is not None and place.last_seen_post_id is not None:
        return place.last_seen_post_id
    newest = db.session.scalar(
        _newest_statement(sight_of(reader)), {"thread_id": thread.id, "reader_id": reader.id}
    )
    return newest or 0


@cache
def _newest_statement(sight: Sight) -> Select:
    return select(func.max(Post.id)).where(
        Post.thread_id == bindparam("thread_id"), posts_in_sight(sight, bindparam("reader_id"))
    )


def note_read(reader, place: ThreadReader | None, thread_id: int, shown: Iterable[Post]) -> None:
    """The member has read `shown`, the posts a page of the thread shows: their place moves on
    to the newest of them. At most one small row, and nothing at all when the place is there
    already (or for a guest). Written while a page is read, so in a transaction of its own
    (`note_apart`); never backwards, whatever another tab wrote meanwhile."""
    newest = max((post.id for post in shown), default=None)
    if not reader.is_authenticated or newest is None:
        return
    if place is not None and (place.last_seen_post_id or 0) >= newest:
        return
    try:
        with note_apart() as connection:
            connection.execute(
                _moving_on(connection.dialect.name),
                {"user_id": reader.id, "thread_id": thread_id, "last_seen_post_id": newest},
            )
    except OperationalError:
        # The database is busy: the page matters more than the place, which the next visit
        # moves on (its replies are new a little longer).
        current_app.logger.warning("A reading position could not be noted", exc_info=True)


@cache
def _moving_on(dialect_name: str) -> Insert:
    """`note_read`'s upsert for the database at hand, built once per process (a member's every
    page that shows a post new to them writes it; building it took longer than running it),
    its row given when it runs: never backwards."""
    upsert = _insert(dialect_name)
    seen = _PLACES.c.last_seen_post_id
    return upsert.on_conflict_do_update(
        index_elements=_KEY,
        set_={"last_seen_post_id": upsert.excluded.last_seen_post_id},
        where=or_(seen.is_(None), seen < upsert.excluded.last_seen_post_id),
    )


def choose_to_follow(user, thread_id: int, following: bool) -> None:
    """Follow or unfollow a thread by hand: the choice stands until the member changes it,
    whatever they post there (the caller commits)."""
    upsert = _insert(db.session.get_bind().dialect.name).values(
        user_id=user.id, thread_id=thread_id, following=following
    )
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=_KEY, set_={"following": upsert.excluded.following}
        )
    )


def note_joined(user, post: Post) -> None:
    """`user` has just written `post`, starting its thread or replying in it (the caller
    commits, with the post): they follow the thread, unless they chose before not to, or their
    settings say not to follow what they join. A member who had never read the thread has read
    it up to their own post, so that the answers to it are new to them."""
    upsert = _insert(db.session.get_bind().dialect.name).values(
        user_id=user.id,
        thread_id=post.thread_id,
        following=True if user.follow_threads_joined else None,
        last_seen_post_id=post.id,
    )
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=_KEY,
            set_={
                "following": func.coalesce(_PLACES.c.following, upsert.excluded.following),
                "last_seen_post_id": func.coalesce(
                    _PLACES.c.last_seen_post_id, upsert.excluded.last_seen_post_id
                ),
            },
        )
    )
