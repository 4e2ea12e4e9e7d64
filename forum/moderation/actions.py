"""What moderators do, each action written to the moderation log in the same transaction.

Nothing here commits, and nothing here shows who is behind an anonymous post: actions on "the
author of this post" find the account on the server and never hand it back to the page.
"""

from datetime import datetime

from sqlalchemy import select, update

from ..database import db, utcnow
from ..models import (
    ModAction,
    ModerationAction,
    Post,
    RemovalReason,
    Report,
    RevealRequest,
    Suspension,
    Thread,
    User,
)
from ..notifications import telling
from ..policy import moderation_refusal


class Refused(Exception):
    """An action this moderator may not take; the message says why, naming nobody."""


def log(
    actor: User,
    action: ModAction,
    *,
    reason: str | None = None,
    post: Post | None = None,
    thread_id: int | None = None,
    subject_id: int | None = None,
) -> None:
    db.session.add(
        ModerationAction(
            actor_id=actor.id,
            actor_role=actor.role,
            action=action,
            reason=reason,
            post_id=post.id if post else None,
            thread_id=thread_id if thread_id is not None else (post.thread_id if post else None),
            subject_id=subject_id,
        )
    )


def check_may_act_on(actor: User, subject_id: int | None, post: Post | None = None) -> None:
    """Refused as `forum.policy.moderation_refusal` says: never because of who wrote an
    anonymous `post`."""
    subject = db.session.get(User, subject_id) if subject_id is not None else None
    refusal = moderation_refusal(actor, subject, anonymous=post is not None and post.anonymous)
    if refusal:
        raise Refused(refusal)


def _resolve_reports(post: Post, resolution: str) -> int:
    """Close the post's open reports; how many there were."""
    closed = db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
    )
    return closed.rowcount


def remove_post(actor: User, post: Post, reason: RemovalReason, note: str = "") -> int:
    """Replace a post by a tombstone; the text stays for moderators and a restore. Removing
    a thread's opening post takes the thread out of every listing too. Closes the post's
    reports: how many it closed."""
    check_may_act_on(actor, post.author_id, post)
    with post.keeping_count():
        post.removed_at = utcnow()
    post.removed_by_id = actor.id
    post.removal_reason = reason
    post.removal_note = (note.strip() or None) if reason == RemovalReason.OTHER else None
    if post.parent_id is None:
        db.session.execute(
            update(Thread).where(Thread.id == post.thread_id).values(removed_at=post.removed_at)
        )
    closed = _resolve_reports(post, "removed")
    log(
        actor,
        ModAction.REMOVE if post.parent_id else ModAction.REMOVE_THREAD,
        reason=reason,
        post=post,
    )
    telling.removed(post, reason)
    return closed


def restore_post(actor: User, post: Post) -> None:
    check_may_act_on(actor, post.author_id, post)
    if post.removed_text_erased:
        raise Refused("This post's text has been erased, so there is nothing left to restore.")
    with post.keeping_count():
        post.removed_at = None
    post.removed_by_id = None
    post.removal_reason = None
    post.removal_note = None
    if post.parent_id is None:
        db.session.execute(
            update(Thread).where(Thread.id == post.thread_id).values(removed_at=None)
        )
    log(actor, ModAction.RESTORE if post.parent_id else ModAction.RESTORE_THREAD, post=post)
    telling.restored(post)


def set_locked(actor: User, thread: Thread, locked: bool, reason: str = "") -> None:
    thread.locked = locked
    thread.locked_reason = (reason.strip() or None) if locked else None
    log(actor, ModAction.LOCK if locked else ModAction.UNLOCK, thread_id=thread.id)


def set_pinned(actor: User, thread: Thread, pinned: bool) -> None:
    thread.pinned = pinned
    log(actor, ModAction.PIN if pinned else ModAction.UNPIN, thread_id=thread.id)


def suspend(actor: User, post: Post, until: datetime, reason: str) -> int:
    """Suspend the account that wrote `post` (until a moment, or `INDEFINITELY`): the member can
    still read, log in and take their data, and sees `reason`. Recorded the same way whether
    the account still exists or not, so nothing tells a moderator which it was. The post stays
    as it is, and its reports are closed: how many it closed."""
    check_may_act_on(actor, post.author_id, post)
    db.session.add(
        Suspension(user_id=post.author_id, post_id=post.id, until=until, reason=reason.strip())
    )
    db.session.flush()
    refresh_suspension(post.author_id)
    closed = _resolve_reports(post, "suspended")
    log(actor, ModAction.SUSPEND, post=post, subject_id=post.author_id)
    return closed


def lift_suspension(actor: User, suspension: Suspension) -> None:
    """Lift one suspension; any other standing on the same account stays."""
    post = db.session.get(Post, suspension.post_id) if suspension.post_id else None
    check_may_act_on(actor, suspension.user_id, post)
    suspension.lifted_at = utcnow()
    db.session.flush()
    refresh_suspension(suspension.user_id)
    log(actor, ModAction.UNSUSPEND, post=post, subject_id=suspension.user_id)


def refresh_suspension(user_id: int | None) -> None:
    """Set the account's suspension, which every request reads, to the latest end among those
    standing (none: not suspended)."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return
    standing = db.session.scalars(
        select(Suspension)
        .where(
            Suspension.user_id == user.id,
            Suspension.lifted_at.is_(None),
            Suspension.until > utcnow(),
        )
        .order_by(Suspension.until.desc(), Suspension.id.desc())
        .limit(1)
    ).first()
    user.suspended_until = standing.until if standing else None
    user.suspension_reason = standing.reason if standing else None


def dismiss_reports(actor: User, post: Post) -> int:
    """Close the post's open reports and leave the post as it is: how many it closed (none,
    and nothing logged, when another moderator had dealt with them already)."""
    check_may_act_on(actor, post.author_id, post)
    closed = _resolve_reports(post, "dismissed")
    if closed:
        log(actor, ModAction.DISMISS_REPORTS, post=post)
    return closed


def approve(actor: User, post: Post) -> bool:
    """Let a new member's waiting post be seen, and count it in its thread: False when it was
    not waiting. Its open reports stay open: approving says the post may be seen, not that
    what the reports are about (someone at risk, say) was dealt with."""
    check_may_act_on(actor, post.author_id, post)
    if not post.awaiting_approval:
        return False
    if post.is_gone:
        raise Refused(
            "This post was removed: restore it first, if it should be seen."
            if post.removed_at
            else "Its author deleted this post: there is nothing to approve."
        )
    with post.keeping_count():
        post.awaiting_approval = False
    # Shown from now on with the moment it was published: a post appearing with an older time
    # would tell every reader it had waited, so that its author is new here.
    post.created_at = utcnow()
    db.session.execute(
        update(Thread).where(Thread.id == post.thread_id).values(last_activity_at=utcnow())
    )
    log(actor, ModAction.APPROVE, post=post)
    telling.approved(post)
    telling.reply_published(post)
    return True


def request_reveal(admin: User, post: Post, reason: str) -> RevealRequest:
    if not admin.is_admin:
        raise Refused("Only an admin can ask who wrote an anonymous post.")
    if not post.anonymous:
        raise Refused("This post isn't anonymous.")
    request = RevealRequest(post_id=post.id, requested_by_id=admin.id, reason=reason.strip())
    db.session.add(request)
    log(admin, ModAction.REVEAL_REQUESTED, post=post)
    return request


def approve_reveal(actor: User, request: RevealRequest) -> None:
    if request.requested_by_id == actor.id:
        raise Refused("A second moderator or admin must approve your own request.")
    if request.approved_at is not None:
        return
    request.approved_by_id = actor.id
    request.approved_at = utcnow()
    log(actor, ModAction.REVEAL_APPROVED, post=db.session.get(Post, request.post_id))
