"""What a member's notifications show, and which are unread: the rules the bell, the list and
the listeners' stories share (`unread` is the one rule of what is unread)."""

from sqlalchemy import ColumnElement, Select, and_, case, exists, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from ..models import Mute, Notification, NotificationKind, Post, Reaction, Thread, ThreadReader
from ..policy import public_posts

REPLY_KINDS = (NotificationKind.REPLY, NotificationKind.FOLLOWED_REPLY)
# Made read by reading their thread past their post, as well as by a "Mark as read" form.
SEEN_BY_READING = (*REPLY_KINDS, NotificationKind.UNANSWERED)
# Replies collapse, by thread, into one entry; anything else is an entry of its own.
REPLIES = "replies"


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


def still_true() -> ColumnElement[bool]:
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


def shown_rows(user_id: int | ColumnElement[int]) -> Select:
    """The member's notifications that are shown, each with its entry (family and anchor: a
    thread for replies, the notification itself otherwise) and whether it is unread.
    (`user_id`: the member's id, or a `bindparam` for a statement built once.)"""
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
            still_true(),
        )
    )
