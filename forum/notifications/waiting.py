"""For listeners: the stories waiting now for a first reply (the unanswered list's, at its
threshold), read live, so that no scheduled job is needed: a story that crosses the threshold
is there at the next page or bell, and one that is answered leaves."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from ..database import db, utcnow
from ..models import Mute, Notification, NotificationKind, Post, Thread, ThreadReader, User
from ..reading.queries import waiting_stories
from .rules import unread

WAITING = "waiting"
WAITING_SHOWN = 10


def waited_since() -> datetime:
    """Stories started before this moment have waited past the threshold for listeners
    (`UNANSWERED_AFTER_HOURS`)."""
    return utcnow() - timedelta(hours=current_app.config["UNANSWERED_AFTER_HOURS"])


def waiting_ids(created_before: datetime | ColumnElement[datetime]) -> Select:
    """The ids of the stories on the unanswered list (`forum.reading.queries`) started before
    `created_before` (`waited_since()`, or a `bindparam`), for a condition
    (`Thread.id.in_(...)`): a query of its own, tied to no outer one."""
    return waiting_stories(created_before).with_only_columns(Thread.id).correlate(None)


def waiting_query(
    user_id: int | ColumnElement[int], created_before: datetime | ColumnElement[datetime]
) -> Select:
    """The stories waiting for a first reply (started before `created_before`) that the member
    `user_id` hears of, newest first, with whether each is unread: not theirs, not a named
    story of a member they muted; marked read by a row of its own (`marking.dismiss_waiting`)
    or by reading the story. (Either argument may be a `bindparam`, for a statement built
    once.)"""
    opening = aliased(Post)
    place = aliased(ThreadReader)
    marked_read = (
        select(func.max(Notification.read_at))
        .where(
            Notification.user_id == user_id,
            Notification.kind == NotificationKind.UNANSWERED,
            Notification.thread_id == Thread.id,
        )
        .scalar_subquery()
    )
    is_unread = unread(literal(NotificationKind.UNANSWERED.value), marked_read, opening.id, place)
    muted = and_(
        opening.anonymous.is_(False),
        exists().where(Mute.muter_id == user_id, Mute.muted_id == opening.author_id),
    )
    return (
        select(Thread, case((is_unread, 1), else_=0).label("unread"))
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .outerjoin(place, and_(place.user_id == user_id, place.thread_id == Thread.id))
        .where(
            Thread.id.in_(waiting_ids(created_before)),
            or_(opening.author_id.is_(None), opening.author_id != user_id),
            ~muted,
        )
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(WAITING_SHOWN)
    )


@dataclass(frozen=True)
class WaitingStory:
    thread: Thread
    unread: bool

    @property
    def key(self) -> str:
        return f"{WAITING}-{self.thread.id}"


@cache
def _waiting_statement() -> Select:
    # Built once per process: building it is most of the time a listener's list costs.
    return waiting_query(bindparam("user_id"), bindparam("created_before"))


def waiting_for(user: User) -> list[WaitingStory] | None:
    """The stories waiting for a first reply, for a listener (None for anyone else): one query."""
    if not user.listens_for_unanswered:
        return None
    rows = db.session.execute(
        _waiting_statement(), {"user_id": user.id, "created_before": waited_since()}
    )
    return [WaitingStory(thread, bool(flag)) for thread, flag in rows]
