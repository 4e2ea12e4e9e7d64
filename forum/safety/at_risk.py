"""A post whose words suggest its writer may be at risk is published all the same, marked so
readers are asked to reply rather than react, and put first in the moderators' queue."""

from ..database import db
from ..models import Post, Report, ReportReason
from .risk_phrases import may_be_at_risk

AT_RISK_NOTE = "Flagged automatically: the words suggest the writer may be at risk."


def flag_if_at_risk(post: Post, text: str) -> bool:
    """Mark `post` if `text` (its words) suggests its writer may be at risk, and put it at the
    top of the moderators' queue (as an at-risk report from nobody). True when it is flagged
    now; nothing here commits."""
    if post.may_be_at_risk or not may_be_at_risk(text):
        return False
    post.may_be_at_risk = True
    db.session.add(
        Report(post_id=post.id, reporter_id=None, reason=ReportReason.AT_RISK, note=AT_RISK_NOTE)
    )
    return True
