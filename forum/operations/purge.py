"""Erasing, on schedule, what the privacy page says the forum keeps only for a while
(`forum purge`, run daily by cron or a systemd timer). The page words its durations from the
same settings, so it can't promise what this doesn't do:

- earlier versions of edited posts, and the text of posts their authors deleted (kept as such
  a version), once `KEPT_FOR_MODERATORS` has passed since;
- the text of posts taken down (removed by moderators, or deleted), with their content
  warnings, and a removed thread's title and warning, once `KEPT_FOR_MODERATORS` has passed
  since: the tombstone stays in its place, and a removed post can no longer be restored;
- sign-ins past their end (a day unused, or the time "keep me logged in" lasts), whose
  cookies open nothing already;
- used recovery codes (a code is deleted when it is used; older versions kept them marked).

Rate-limit counts need nothing here: they live in memory or in Redis, each with an expiry of
its own. Running it again erases nothing more. It reports and logs counts only, never content.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, or_, select, update

from ..accounts import sign_ins
from ..database import db, utcnow
from ..models import Post, PostRevision, RecoveryCode, Thread
from ..web.wording import plural

logger = logging.getLogger(__name__)

# What a removed thread is called once its title is erased.
ERASED_TITLE = "[removed]"


@dataclass(frozen=True)
class Purged:
    """How many of each were erased."""

    earlier_versions: int
    taken_down_texts: int
    ended_sign_ins: int
    used_recovery_codes: int

    def __str__(self) -> str:
        return (
            f"Erased {plural(self.earlier_versions, 'earlier version')} of posts, "
            f"the text of {plural(self.taken_down_texts, 'post')} taken down, "
            f"{plural(self.ended_sign_ins, 'ended sign-in')} and "
            f"{plural(self.used_recovery_codes, 'used recovery code')}."
        )


def purge() -> Purged:
    """Erase what has been kept its time, now (the caller commits)."""
    now = utcnow()
    kept_until = now - current_app.config["KEPT_FOR_MODERATORS"]
    purged = Purged(
        earlier_versions=_erase_earlier_versions(kept_until),
        taken_down_texts=_erase_taken_down_text(kept_until),
        ended_sign_ins=sign_ins.delete_ended(now),
        used_recovery_codes=db.session.execute(
            delete(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
        ).rowcount,
    )
    logger.info("Purge: %s", purged)
    return purged


def _erase_earlier_versions(kept_until: datetime) -> int:
    return db.session.execute(
        delete(PostRevision).where(PostRevision.replaced_at <= kept_until)
    ).rowcount


def _erase_taken_down_text(kept_until: datetime) -> int:
    """Blank the text of posts taken down before `kept_until`; how many had any left. Only
    those rows are written, so a second run changes nothing (not even what guests' pages
    validate against: see forum.changes)."""
    taken_down_before = or_(Post.removed_at <= kept_until, Post.deleted_by_author_at <= kept_until)
    with_text = or_(Post.body != "", Post.body_html != "", Post.content_warning.is_not(None))
    posts = db.session.scalars(select(Post.id).where(taken_down_before, with_text)).all()
    if posts:
        db.session.execute(
            update(Post)
            .where(Post.id.in_(posts))
            .values(body="", body_html="", content_warning=None)
        )
    threads = db.session.scalars(
        select(Thread.id).where(
            Thread.removed_at <= kept_until,
            or_(Thread.title != ERASED_TITLE, Thread.content_warning.is_not(None)),
        )
    ).all()
    if threads:
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(threads))
            .values(title=ERASED_TITLE, slug="removed", content_warning=None)
        )
    return len(posts)
