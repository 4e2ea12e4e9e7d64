"""A member's notifications as they read them: which are unread (one rule, `unread`, for the
bell and the list alike), entries for the same thread collapsed into one ("4 new replies in
..."), a page at a time, newest first, and for listeners the stories waiting now for a first
reply. Each is a fixed number of statements, however many notifications a member has."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_login import current_user
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased, contains_eager
from sqlalchemy.orm.util import AliasedClass

from ..database import db
from ..models import (
    FIRST_AFTER_WAITING,
    Mute,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    RemovalReason,
    Thread,
    ThreadReader,
    User,
)
from ..policy import public_posts
from ..reading.queries import waiting_stories

REPLY_KINDS = (NotificationKind.REPLY, NotificationKind.FOLLOWED_REPLY)
# Made read by reading their thread past their post, as well as by a "Mark as read" form.
SEEN_BY_READING = (*REPLY_KINDS, NotificationKind.UNANSWERED)
# Replies collapse, by thread, into one entry; anything else is an entry of its own.
REPLIES = "replies"
WAITING = "waiting"
# The stories waiting for a first reply that a listener's notifications show, newest first.
WAITING_SHOWN = 10


def unread(kind, read_at, post_id, place: AliasedClass[ThreadReader]) -> ColumnElement[bool]:
    """The one rule of what is unread, for the bell and the list: not marked read, and, for a
    reply or a waiting story, not read since in its thread (`place`, the member's reading
    position there, is before its post: ids only grow). Opening a notification's link reads
    the thread, so it needs no write of its own."""
    return and_(
        read_at.is_(None),
        or_(
            kind.not_in(SEEN_BY_READING),
            place.last_seen_post_id.is_(None),
            place.last_seen_post_id < post_id,
        ),
    )


def _still_true() -> ColumnElement[bool]:
    """Notifications still worth showing, on `Notification` joined with its `Post` and
    `Thread`: about a post standing in public (`forum.policy.public_posts`: a removed or
    deleted post's go with it); support while someone's support stands; a reply not by a
    member muted since, if named. A moderator's action on the member's own post shows
    whatever became of the post."""
    support_stands = exists().where(
        Reaction.post_id == Notification.post_id, Reaction.user_id != Notification.user_id
    )
    muted_since = and_(
        Notification.kind.in_(REPLY_KINDS),
        Post.anonymous.is_(False),
        exists().where(Mute.muter_id == Notification.user_id, Mute.muted_id == Post.author_id),
    )
    return or_(
        Notification.kind == NotificationKind.MODERATED,
        and_(
            public_posts(),
            or_(Notification.kind != NotificationKind.SUPPORT, support_stands),
            ~muted_since,
        ),
    )


def _rows(user_id: int) -> Select:
    """The member's notifications that are shown, each with its entry (family and anchor: a
    thread for replies, the notification itself otherwise) and whether it is unread."""
    place = aliased(ThreadReader)
    replies = Notification.kind.in_(REPLY_KINDS)
    is_unread = unread(Notification.kind, Notification.read_at, Notification.post_id, place)
    return (
        select(
            Notification.id,
            Notification.kind,
            Notification.created_at,
            case((replies, literal(REPLIES)), else_=Notification.kind).label("family"),
            case((replies, Notification.thread_id), else_=Notification.id).label("anchor"),
            case((is_unread, 1), else_=0).label("unread"),
        )
        .join(Post, Post.id == Notification.post_id)
        .join(Thread, Thread.id == Notification.thread_id)
        .outerjoin(
            place,
            and_(place.user_id == Notification.user_id, place.thread_id == Notification.thread_id),
        )
        .where(
            Notification.user_id == user_id,
            Notification.kind != NotificationKind.UNANSWERED,
            _still_true(),
        )
    )


# --- Stories waiting for a listener ------------------------------------------------------


def waiting_ids() -> Select:
    """The ids of the stories on the unanswered list (`forum.reading.queries`), at its
    threshold, for a condition (`Thread.id.in_(...)`): a query of its own, tied to no outer
    one."""
    hours = timedelta(hours=current_app.config["UNANSWERED_AFTER_HOURS"])
    return waiting_stories(hours).with_only_columns(Thread.id).correlate(None)


def _waiting(user: User) -> Select:
    """The stories waiting now for a first reply that `user` hears of, newest first, with
    whether each is unread: not theirs, not a named story of a member they muted; marked read
    by a row of its own (`marking.dismiss_waiting`) or by reading the story."""
    opening = aliased(Post)
    place = aliased(ThreadReader)
    marked_read = (
        select(func.max(Notification.read_at))
        .where(
            Notification.user_id == user.id,
            Notification.kind == NotificationKind.UNANSWERED,
            Notification.thread_id == Thread.id,
        )
        .scalar_subquery()
    )
    is_unread = unread(literal(NotificationKind.UNANSWERED.value), marked_read, opening.id, place)
    muted = and_(
        opening.anonymous.is_(False),
        exists().where(Mute.muter_id == user.id, Mute.muted_id == opening.author_id),
    )
    return (
        select(Thread, case((is_unread, 1), else_=0).label("unread"))
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .outerjoin(place, and_(place.user_id == user.id, place.thread_id == Thread.id))
        .where(
            Thread.id.in_(waiting_ids()),
            or_(opening.author_id.is_(None), opening.author_id != user.id),
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


def waiting_for(user: User) -> list[WaitingStory] | None:
    """The stories waiting for a first reply, for a listener (None for anyone else): one query."""
    if not user.listens_for_unanswered:
        return None
    return [WaitingStory(thread, bool(flag)) for thread, flag in db.session.execute(_waiting(user))]


# --- The bell ----------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """How many entries of the member's notifications are unread, as the list shows them
    (replies in one thread count once): one query."""
    # Only rows not marked read can be unread: the partial index finds them alone.
    rows = _rows(user.id).where(Notification.read_at.is_(None)).subquery()
    entries = (
        select(rows.c.family, rows.c.anchor)
        .where(rows.c.unread == 1)
        .group_by(rows.c.family, rows.c.anchor)
        .subquery()
    )
    count = select(func.count()).select_from(entries).scalar_subquery()
    if user.listens_for_unanswered:
        waiting = _waiting(user).subquery()
        unread_waiting = select(func.count()).select_from(waiting).where(waiting.c.unread == 1)
        count = count + unread_waiting.scalar_subquery()
    return db.session.scalar(select(count))


def unread_notifications() -> int | None:
    """For the header's bell: the reader's unread count, or None when there is no count to
    show (a guest, or a member who would rather not see one), and then no query at all."""
    if not current_user.is_authenticated or not current_user.show_notification_count:
        return None
    return unread_count(current_user)


# --- The list ----------------------------------------------------------------------------


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
    rows = _rows(user.id).subquery()
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
