"""The list at /notifications: entries for the same thread collapsed into one ("4 new replies
in ..."), read and unread apart, a page at a time, newest first: two queries, however many
notifications a member has."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, contains_eager

from ..database import db
from ..models import (
    FIRST_AFTER_WAITING,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    RemovalReason,
    Thread,
    User,
)
from .rules import shown_rows


@dataclass
class Entry:
    """One line of the list: one notification, or the replies in one thread, read or unread."""

    family: str
    """"replies", or the kind of the one notification."""
    anchor: int
    """The thread, for replies; the notification, otherwise."""
    unread: bool
    newest: int
    """The newest notification's id: where the list is ordered, and "Mark as read" stops."""
    count: int
    to_you: int
    """Of the replies, how many answer the member's own posts."""
    at: datetime
    first: Notification
    """The first of them: what the entry links to, and says of a single one."""
    post: Post
    thread: Thread
    opening: Post
    supporters: int
    """For support, how many people's support stands now (never who)."""
    own_thread: bool
    """The thread is the member's own story or discussion."""

    @property
    def key(self) -> str:
        """What a "Mark as read" form names: its family and anchor."""
        return f"{self.family}-{self.anchor}"

    @property
    def element_id(self) -> str:
        """Unique on the page: a thread may have an unread entry and a read one."""
        return f"entry-{self.key}" + ("-new" if self.unread else "")

    @property
    def kind(self) -> NotificationKind:
        return NotificationKind(self.first.kind)

    @property
    def opening_post(self) -> bool:
        return self.post.parent_id is None

    @property
    def first_after_waiting(self) -> bool:
        return self.count == 1 and self.first.reason == FIRST_AFTER_WAITING

    @property
    def removal(self) -> RemovalReason | None:
        """For a moderator's action, the category it was removed for (None: restored)."""
        return RemovalReason(self.first.reason) if self.first.reason else None


@dataclass
class EntryPage:
    entries: list[Entry]
    older: int | None
    """Where the next page starts (`before`), if there is one."""

    @property
    def newest(self) -> int:
        """The newest notification shown: "Mark all as read" stops there."""
        return max((entry.newest for entry in self.entries), default=0)


def entry_page(user: User, before: int | None, limit: int) -> EntryPage:
    """A page of the member's entries, newest first, ending before `before` (keyset on each
    entry's newest notification): two queries, however many notifications there are."""
    rows = shown_rows(user.id).subquery()
    newest = func.max(rows.c.id)
    query = (
        select(
            rows.c.family,
            rows.c.anchor,
            rows.c.unread,
            newest.label("newest"),
            func.min(rows.c.id).label("first"),
            func.count().label("count"),
            func.sum(case((rows.c.kind == NotificationKind.REPLY, 1), else_=0)).label("to_you"),
            func.max(rows.c.created_at).label("at"),
        )
        .group_by(rows.c.family, rows.c.anchor, rows.c.unread)
        .order_by(newest.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.having(newest < before)
    groups = db.session.execute(query).all()
    older = groups[limit - 1].newest if len(groups) > limit else None
    groups = groups[:limit]
    details = _details([group.first for group in groups])
    entries = [
        Entry(
            family=group.family,
            anchor=group.anchor,
            unread=bool(group.unread),
            newest=group.newest,
            count=group.count,
            to_you=group.to_you or 0,
            at=group.at,
            own_thread=details[group.first]["opening"].author_id == user.id,
            **details[group.first],
        )
        for group in groups
    ]
    return EntryPage(entries, older)


def _details(ids: list[int]) -> dict[int, dict]:
    """The notifications `ids` with their post (and its author), thread, opening post and the
    support standing on the post: one query."""
    if not ids:
        return {}
    opening = aliased(Post)
    supporters = (
        select(func.count(func.distinct(Reaction.user_id)))
        .where(Reaction.post_id == Post.id, Reaction.user_id != Notification.user_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Notification, Post, Thread, opening, supporters)
        .join(Post, Post.id == Notification.post_id)
        .outerjoin(Post.author)
        .join(Thread, Thread.id == Notification.thread_id)
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .options(contains_eager(Post.author))
        .where(Notification.id.in_(ids))
    )
    return {
        first.id: {
            "first": first,
            "post": post,
            "thread": thread,
            "opening": opening_post,
            "supporters": count,
        }
        for first, post, thread, opening_post, count in rows
    }
