"""How often a member may post: a short pause between posts, and a gentle cap in an account's
first day (when most spam happens). Counted from the posts themselves, so the limits hold
across every server and survive restarts."""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from .database import db, utcnow
from .models import Post, User
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
