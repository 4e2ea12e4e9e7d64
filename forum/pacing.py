"""The rules for a member's new posts: a short pause between posts, a gentle cap in an
account's first day (when most spam happens), and moderator approval of a new member's first
posts. Counted from the posts themselves, so they hold across every server and restarts."""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from .database import db, utcnow
from .models import INDEFINITELY, Post, User
from .templating import exact_time
from .wording import plural


def refusal(user: User, starting_thread: bool) -> str | None:
    """Why `user` can't post right now, in words to show them; None when they can."""
    if user.is_moderator:
        return None
    config = current_app.config
    kind = Post.parent_id.is_(None) if starting_thread else Post.parent_id.is_not(None)
    mine = select(Post.id).where(Post.author_id == user.id, kind)

    interval = timedelta(
        seconds=config["THREAD_INTERVAL_SECONDS" if starting_thread else "REPLY_INTERVAL_SECONDS"]
    )
    last = db.session.scalar(select(func.max(Post.created_at)).where(Post.id.in_(mine)))
    now = utcnow()
    if last is not None and now - last < interval:
        wait = max(1, math.ceil((interval - (now - last)).total_seconds()))
        what = "start another thread" if starting_thread else "send another reply"
        return f"You can {what} in {plural(wait, 'second')}. Your text is kept below."

    if now - user.created_at < timedelta(days=1):
        cap = config["FIRST_DAY_MAX_THREADS" if starting_thread else "FIRST_DAY_MAX_REPLIES"]
        count = db.session.scalar(select(func.count()).select_from(mine.subquery()))
        if count >= cap:
            what = "threads" if starting_thread else "replies"
            return (
                f"In an account's first day, it can post up to {cap} {what}: this keeps "
                "the forum safe from spam. Your text is kept below; please come back tomorrow."
            )
    return None


def needs_approval(user: User) -> bool:
    """True while `user` has fewer approved posts than the site's FIRST_POSTS_NEED_APPROVAL."""
    first_posts = current_app.config["FIRST_POSTS_NEED_APPROVAL"]
    if not first_posts or user.is_moderator:
        return False
    approved = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == user.id, Post.awaiting_approval.is_(False)
        )
    )
    return approved < first_posts


def posting_refusal(user: User, starting_thread: bool) -> str | None:
    """Why `user` can't post at all right now (suspension) or yet (pace); None when they can."""
    if user.is_suspended:
        return suspension_notice(user)
    return refusal(user, starting_thread)


def suspension_notice(user: User) -> str:
    until = (
        "until further notice"
        if user.suspended_until == INDEFINITELY
        else f"until {exact_time(user.suspended_until)}"
    )
    reason = f" The moderators' reason: {user.suspension_reason}" if user.suspension_reason else ""
    return (
        f"Your account is suspended {until}, so you can't post, reply, react or report. "
        f"You can still read, and download your data from your settings.{reason}"
    )
