"""Marking notifications read, as the member asks: one entry, or every one shown. Only what the
member was shown: a reply that arrived after the page was made stays unread. Nothing here
commits."""

import re
from dataclasses import dataclass

from sqlalchemy import and_, exists, insert, literal, null, select, update

from ..database import db, utcnow
from ..models import Notification, NotificationKind, Post, Thread, User
from .rules import REPLIES, REPLY_KINDS
from .telling import COLUMNS, moment
from .waiting import WAITING, waited_since, waiting_ids

# "replies-12" (the replies in thread 12), "support-345" (notification 345), "waiting-12" (a
# story waiting for a reply): `entries.Entry.key` and `waiting.WaitingStory.key`.
_KEY = re.compile(
    rf"({REPLIES}|{WAITING}|{'|'.join(kind.value for kind in NotificationKind)})-(\d{{1,10}})"
)


@dataclass(frozen=True)
class EntryKey:
    family: str
    anchor: int

    @property
    def text(self) -> str:
        return f"{self.family}-{self.anchor}"

    @classmethod
    def parse(cls, text: str) -> "EntryKey | None":
        match = _KEY.fullmatch(text)
        return cls(match[1], int(match[2])) if match else None


def mark_read(user: User, key: EntryKey, upto: int) -> None:
    """Mark one entry read: the replies in a thread up to the newest shown (`upto`), one
    notification, or a waiting story. An entry that is read already, or gone, stays so."""
    if key.family == WAITING:
        dismiss_waiting(user, [key.anchor])
        return
    if key.family == REPLIES:
        which = and_(
            Notification.kind.in_(REPLY_KINDS),
            Notification.thread_id == key.anchor,
            Notification.id <= upto,
        )
    else:
        which = and_(Notification.kind == key.family, Notification.id == key.anchor)
    _mark(user, which)


def mark_all_read(user: User, upto: int, waiting: list[int]) -> None:
    """Mark read every notification up to the newest shown, and the waiting stories shown."""
    _mark(user, Notification.id <= upto)
    dismiss_waiting(user, waiting)


def _mark(user: User, which) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None), which)
        .values(read_at=utcnow())
    )


def dismiss_waiting(user: User, thread_ids: list[int]) -> None:
    """Mark read, for `user`, these stories still waiting for a first reply: a row each, which
    says so (a waiting story is no notification of its own until then)."""
    if not thread_ids:
        return
    now = utcnow()
    opening = (
        select(Post.id)
        .where(Post.thread_id == Thread.id, Post.parent_id.is_(None))
        .scalar_subquery()
    )
    marked = exists().where(
        Notification.user_id == user.id,
        Notification.kind == NotificationKind.UNANSWERED,
        Notification.thread_id == Thread.id,
    )
    db.session.execute(
        insert(Notification).from_select(
            [*COLUMNS, "read_at"],
            select(
                literal(user.id),
                literal(NotificationKind.UNANSWERED.value),
                Thread.id,
                opening,
                null(),
                moment(now),
                moment(now),
            ).where(Thread.id.in_(thread_ids), Thread.id.in_(waiting_ids(waited_since())), ~marked),
        )
    )
