"""When a member may post, and whether their post waits for a moderator: a short pause between
posts, a gentle cap in an account's first day (when most spam happens), no posting while
suspended, and approval of a new member's first posts. Counted from the posts themselves, so
the rules hold across every server and restarts."""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..database import db, utcnow
from ..models import Post, User
from ..web.wording import plural, suspension_notice


def _pace_refusal(user: User, starting_thread: bool) -> str | None:
    """Why `user` must wait before this post, in words to show them; None when they needn't."""
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


def posting_refusal(user: User, starting_thread: bool) -> tuple[str, int] | None:
    """Why `user` can't post at all right now (suspension, 403) or yet (pace, 429), with the
    status to answer with; None when they can."""
    if user.is_suspended:
        return suspension_notice(user), 403
    refusal = _pace_refusal(user, starting_thread)
    return (refusal, 429) if refusal else None


def needs_approval(user: User) -> bool:
    """Whether the post `user` is about to write waits for a moderator: it does while fewer of
    their posts (threads and replies together) than the site's FIRST_POSTS_NEED_APPROVAL have
    been approved, so with N, a new member's first N posts wait (and any they write before a
    moderator has approved N). Ask before the new post is written: once it is in the session,
    it would count as one of theirs."""
    first_posts = current_app.config["FIRST_POSTS_NEED_APPROVAL"]
    if first_posts <= 0 or user.is_moderator:
        return False
    approved = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == user.id, Post.awaiting_approval.is_(False)
        )
    )
    return approved < first_posts
