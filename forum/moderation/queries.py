"""What the public moderation log reads: a page of actions, and the months' counts. (The
queue reads forum.moderation.queue.)"""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import db, utcnow
from ..models import ModAction, ModerationAction

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
