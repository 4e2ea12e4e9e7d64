"""Members' reports on posts: one open report per member and post, and a daily limit.

The limit is counted from the reports themselves (those of the last 24 hours, rolling), so it
holds across every server and restart. A report that someone may be at risk is always
accepted, even past the limit: the member who has reported a lot today may be the one who
notices someone in danger, and that report must reach the moderators. It still counts towards
the limit for the other reasons, so nobody can file unlimited reports of other kinds by
sending at-risk ones first. Nothing here commits.
"""

import math
from datetime import timedelta

from sqlalchemy import func, select

from ..database import db, utcnow
from ..models import Post, Report, ReportReason, User
from ..web.wording import plural

REPORTS_PER_DAY = 20
DAY = timedelta(hours=24)


def limit_refusal(reporter: User, reason: ReportReason) -> str | None:
    """Why `reporter` can't send this report now, in words to show them; None when they can."""
    if reason == ReportReason.AT_RISK or reporter.is_moderator:
        return None
    since = utcnow() - DAY
    sent, oldest = db.session.execute(
        select(func.count(Report.id), func.min(Report.created_at)).where(
            Report.reporter_id == reporter.id, Report.created_at > since
        )
    ).one()
    if sent < REPORTS_PER_DAY:
        return None
    hours = max(1, math.ceil((oldest - since) / timedelta(hours=1)))
    return (
        f"Thank you for looking out for others. You have sent {REPORTS_PER_DAY} reports in the "
        "last day, as many as one member can, so that the moderators can reach every one. "
        f"Your report is kept below: you can send it in {plural(hours, 'hour')}. If someone "
        "may be at risk, choose “Someone may be at risk”: those reports always reach the "
        "moderators."
    )


def file_report(reporter: User, post: Post, reason: ReportReason, note: str) -> bool:
    """A member's report; False when they have an open report on this post already."""
    open_already = db.session.scalar(
        select(Report.id).where(
            Report.post_id == post.id,
            Report.reporter_id == reporter.id,
            Report.resolved_at.is_(None),
        )
    )
    if open_already:
        return False
    db.session.add(Report(post_id=post.id, reporter_id=reporter.id, reason=reason, note=note))
    return True
