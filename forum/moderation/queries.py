"""What the moderators' queue and the public log read: each a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import db, utcnow
from ..models import (
    ModAction,
    ModerationAction,
    Post,
    Report,
    ReportReason,
    RevealRequest,
    Suspension,
    Thread,
)

LOG_PAGE_SIZE = 50
COUNTED_ONLY = [action.value for action in ModAction if action.tells_about_an_account]


@dataclass
class QueueItem:
    """A reported post, once, with every open report on it."""

    post: Post
    thread: Thread
    reports: list[Report] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return any(report.reason == ReportReason.AT_RISK for report in self.reports)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(ReportReason(report.reason).label for report in self.reports)
        return counts.most_common()

    @property
    def oldest(self) -> datetime:
        return min(report.created_at for report in self.reports)


def open_reports() -> list[QueueItem]:
    """Reported posts, each once: people who may be at risk first, then the most reported,
    then the longest waiting. Two queries, however many reports."""
    reports = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at)
    ).all()
    if not reports:
        return []
    posts = db.session.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id.in_({report.post_id for report in reports}))
    ).all()
    items = {post.id: QueueItem(post, thread) for post, thread in posts}
    for report in reports:
        items[report.post_id].reports.append(report)
    return sorted(
        items.values(), key=lambda item: (not item.at_risk, -len(item.reports), item.oldest)
    )


def waiting_posts() -> list[tuple[Post, Thread]]:
    """New members' posts waiting for approval, oldest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Post, Thread)
            .join(Thread, Thread.id == Post.thread_id)
            .where(
                Post.awaiting_approval,
                Post.removed_at.is_(None),
                Post.deleted_by_author_at.is_(None),
            )
            .order_by(Post.id)
        )
    ]


def standing_suspensions() -> list[tuple[Suspension, Post | None, Thread | None]]:
    """Every suspension still standing, soonest to end first, with the post it was made
    through and its thread. Never the account: the post is how moderators know it."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Suspension, Post, Thread)
            .outerjoin(Post, Post.id == Suspension.post_id)
            .outerjoin(Thread, Thread.id == Post.thread_id)
            .where(Suspension.lifted_at.is_(None), Suspension.until > utcnow())
            .order_by(Suspension.until, Suspension.id)
        )
    ]


def pending_reveals() -> list[RevealRequest]:
    return list(
        db.session.scalars(
            select(RevealRequest)
            .where(RevealRequest.approved_at.is_(None))
            .order_by(RevealRequest.id)
        )
    )


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
