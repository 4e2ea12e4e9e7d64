"""What the public moderation log reads: a page of actions, and the months' counts; and how
many posts wait for a moderator, for the header's link. (The queue reads
forum.moderation.queue.)"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, literal_column, select, union_all
from sqlalchemy.orm import joinedload

from ..database import db, utcnow
from ..models import ModAction, ModerationAction, Post, Report, ReportReason

LOG_PAGE_SIZE = 50
COUNTED_ONLY = [action.value for action in ModAction if action.tells_about_an_account]


def log_page(before: int | None) -> tuple[list[ModerationAction], int | None]:
    """A page of the public log, newest first, and where the next (older) page starts, if
    any. Actions that would tell about an account are only counted (`month_counts`)."""
    query = (
        select(ModerationAction)
        .options(joinedload(ModerationAction.actor))
        .where(ModerationAction.action.not_in(COUNTED_ONLY))
        .order_by(ModerationAction.id.desc())
        .limit(LOG_PAGE_SIZE + 1)
    )
    if before:
        query = query.where(ModerationAction.id < before)
    actions = list(db.session.scalars(query))
    older = actions[LOG_PAGE_SIZE - 1].id if len(actions) > LOG_PAGE_SIZE else None
    return actions[:LOG_PAGE_SIZE], older


def month_counts() -> list[tuple[str, list[tuple[str, int]]]]:
    """(month, [(action and reason, count)]) for last month and this one, in that order."""
    since = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    recent = db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.created_at >= since.replace(day=1))
        .order_by(ModerationAction.id)
    )
    months: dict[str, Counter] = {}
    for action in recent:
        month = action.created_at.strftime("%B %Y")
        label = action.label
        if action.reason:
            label += f": {action.reason_label}"
        months.setdefault(month, Counter())[label] += 1
    return [(month, counts.most_common()) for month, counts in months.items()]


@dataclass(frozen=True)
class WaitingPosts:
    """Posts that wait for a moderator, each counted once: those whose writer may be at risk,
    and the others."""

    at_risk: int
    others: int

    @property
    def total(self) -> int:
        return self.at_risk + self.others


def posts_waiting_for_moderators() -> WaitingPosts:
    """How many posts need a moderator, as the queue lists them: every post with an open report
    and every post awaiting approval (neither removed nor deleted), a post that is both counted
    once; those with an open report that their writer may be at risk (made by a member, or by
    the forum on reading their words) apart. One query, on every page a moderator opens."""
    at_risk = case((Report.reason == ReportReason.AT_RISK, 1), else_=0)
    reported = select(Report.post_id.label("post_id"), at_risk.label("at_risk")).where(
        Report.resolved_at.is_(None)
    )
    awaiting = select(Post.id.label("post_id"), literal_column("0").label("at_risk")).where(
        Post.awaiting_approval,
        Post.removed_at.is_(None),
        Post.deleted_by_author_at.is_(None),
    )
    rows = union_all(reported, awaiting).subquery("waiting")
    per_post = (
        select(func.max(rows.c.at_risk).label("at_risk"))
        .group_by(rows.c.post_id)
        .subquery("per_post")
    )
    posts, risky = db.session.execute(
        select(func.count(), func.coalesce(func.sum(per_post.c.at_risk), 0))
    ).one()
    return WaitingPosts(at_risk=risky, others=posts - risky)
