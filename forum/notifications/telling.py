"""Telling members what happened: called by posting and moderation in the transaction of the
event, each a statement or two however many members hear of it. Nothing here commits.

Nothing told names who acted, but a reply's writer as the reply itself shows them (an alias for
an anonymous one); nothing told quotes a post; who reacted or who follows is never told."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, exists, insert, literal, null, select, union

from ..database import UTCDateTime, db, utcnow
from ..models import (
    FIRST_AFTER_WAITING,
    Mute,
    Notification,
    NotificationKind,
    Post,
    RemovalReason,
    Thread,
    ThreadKind,
    ThreadReader,
    User,
)
from ..policy import public_posts

COLUMNS = ["user_id", "kind", "thread_id", "post_id", "reason", "created_at"]


def moment(when: datetime):
    """A moment as a statement's value, stored as every moment is (`UTCDateTime`)."""
    return literal(when, UTCDateTime())


def reply_published(reply: Post) -> None:
    """Tell about a reply everyone may read now (at sending, or at a moderator's approval if it
    waited): its parent's author hears of a reply to their post, those who follow the thread
    of a reply in it; one INSERT ... SELECT.

    Never its writer; never twice to one member (the parent's author hears of a reply to their
    post, not of one in a thread they follow); never a member who muted its writer, for a named
    reply (an anonymous one is never folded away from them either: that would tell who wrote
    it); and nobody while it doesn't stand in public (`forum.policy.public_posts`: in a thread
    the moderators removed, or one whose opening post waits, most may not see it). The story's
    author hears gently of its first reply after it waited hours for one."""
    if reply.parent_id is None or reply.awaiting_approval:
        return
    now = utcnow()
    parent = select(Post.author_id).where(Post.id == reply.parent_id)
    parent_author = parent.scalar_subquery()
    followers = select(ThreadReader.user_id).where(
        ThreadReader.thread_id == reply.thread_id, ThreadReader.following.is_(True)
    )
    hearing = [
        User.id.in_(union(parent, followers)),
        exists(
            select(Post.id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.id == reply.id, public_posts())
        ),
    ]
    if reply.author_id is not None:
        hearing.append(User.id != reply.author_id)
        if not reply.anonymous:
            hearing.append(
                ~exists().where(Mute.muter_id == User.id, Mute.muted_id == reply.author_id)
            )
    to_parent_author = User.id == parent_author
    kind = case(
        (to_parent_author, NotificationKind.REPLY.value),
        else_=NotificationKind.FOLLOWED_REPLY.value,
    )
    reason = case(
        (and_(to_parent_author, _first_after_waiting(reply, now)), FIRST_AFTER_WAITING),
        else_=null(),
    )
    db.session.execute(
        insert(Notification).from_select(
            COLUMNS,
            select(
                User.id, kind, literal(reply.thread_id), literal(reply.id), reason, moment(now)
            ).where(*hearing),
        )
    )


def _first_after_waiting(reply: Post, now: datetime):
    """Whether `reply` answers a story's opening post that had waited longer than the
    unanswered list's threshold, with no other reply standing in it."""
    hours = timedelta(hours=current_app.config["UNANSWERED_AFTER_HOURS"])
    return and_(
        exists().where(
            Thread.id == reply.thread_id,
            Thread.kind == ThreadKind.STORY,
            Thread.created_at < now - hours,
        ),
        exists().where(Post.id == reply.parent_id, Post.parent_id.is_(None)),
        ~exists().where(
            Post.thread_id == reply.thread_id, Post.id != reply.id, Post.counts_as_reply
        ),
    )


def _tell(post: Post, kind: NotificationKind, reason: str | None = None) -> None:
    """Tell `post`'s author (if the account still exists) about it."""
    if post.author_id is not None:
        db.session.add(
            Notification(
                user_id=post.author_id,
                kind=kind,
                thread_id=post.thread_id,
                post_id=post.id,
                reason=reason,
                created_at=utcnow(),
            )
        )


def approved(post: Post) -> None:
    """A moderator approved the author's waiting post: everyone can read it now."""
    _tell(post, NotificationKind.APPROVED)


def removed(post: Post, reason: RemovalReason) -> None:
    """A moderator removed the post: what was told about it goes (`forget`), and its author
    hears why, by category only."""
    forget(post)
    _tell(post, NotificationKind.MODERATED, reason)


def restored(post: Post) -> None:
    """A moderator restored the post. Not told while it waits for approval again: its author
    will hear when everyone can read it."""
    if not post.awaiting_approval:
        _tell(post, NotificationKind.MODERATED)


def forget(post: Post) -> None:
    """The post was removed or deleted: nothing told about it stays, but what its author was
    told of a moderator's action on it."""
    db.session.execute(
        delete(Notification).where(
            Notification.post_id == post.id, Notification.kind != NotificationKind.MODERATED
        )
    )


def supported(post: Post, reactor_id: int) -> None:
    """Someone sent support to the post: its author hears of it once until they mark it read,
    and again after that, never who (how many is counted live when it is shown, so that it
    stays true when someone takes their support back). One row per post: a read one gives
    way to the new one, which comes first in the list."""
    author = post.author_id
    if author is None or author == reactor_id:
        return
    about_this = and_(
        Notification.user_id == author,
        Notification.kind == NotificationKind.SUPPORT,
        Notification.post_id == post.id,
    )
    db.session.execute(delete(Notification).where(about_this, Notification.read_at.is_not(None)))
    db.session.execute(
        insert(Notification).from_select(
            COLUMNS,
            select(
                literal(author),
                literal(NotificationKind.SUPPORT.value),
                literal(post.thread_id),
                literal(post.id),
                null(),
                moment(utcnow()),
            ).where(~exists().where(about_this, Notification.read_at.is_(None))),
        )
    )
