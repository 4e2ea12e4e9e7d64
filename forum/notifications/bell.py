"""The header's bell: how many entries of a member's notifications are unread, in one query."""

from flask_login import current_user
from sqlalchemy import func, select

from ..database import db
from ..models import Notification, User
from .rules import shown_rows
from .waiting import waiting_query


def unread_count(user: User) -> int:
    """How many entries of the member's notifications are unread, as the list shows them
    (replies in one thread count once): one query."""
    # Only rows not marked read can be unread: the others are left out before any join.
    rows = shown_rows(user.id).where(Notification.read_at.is_(None)).subquery()
    entries = (
        select(rows.c.family, rows.c.anchor)
        .where(rows.c.unread == 1)
        .group_by(rows.c.family, rows.c.anchor)
        .subquery()
    )
    count = select(func.count()).select_from(entries).scalar_subquery()
    if user.listens_for_unanswered:
        waiting = waiting_query(user).subquery()
        unread_waiting = select(func.count()).select_from(waiting).where(waiting.c.unread == 1)
        count = count + unread_waiting.scalar_subquery()
    return db.session.scalar(select(count))


def unread_notifications() -> int | None:
    """For the header's bell: the reader's unread count, or None when there is no count to
    show (a guest, or a member who would rather not see one), and then no query at all."""
    if not current_user.is_authenticated or not current_user.show_notification_count:
        return None
    return unread_count(current_user)
