"""The header's bell: how many entries of a member's notifications are unread, in one query."""

from functools import cache

from flask_login import current_user
from sqlalchemy import Select, bindparam, func, select

from ..database import db
from ..models import Notification, User
from .rules import shown_rows
from .waiting import waited_since, waiting_query


@cache
def _unread_count_statement(listening: bool) -> Select:
    """The bell's statement, for a member who listens for waiting stories or not. Built once
    per process, the member and the moment as its parameters: every page a member reads asks
    for the bell, and building this statement took longer than running it."""
    user_id = bindparam("user_id")
    # Only rows not marked read can be unread: the others are left out before any join.
    rows = shown_rows(user_id).where(Notification.read_at.is_(None)).subquery()
    entries = (
        select(rows.c.family, rows.c.anchor)
        .where(rows.c.unread == 1)
        .group_by(rows.c.family, rows.c.anchor)
        .subquery()
    )
    count = select(func.count()).select_from(entries).scalar_subquery()
    if listening:
        waiting = waiting_query(user_id, bindparam("created_before")).subquery()
        unread_waiting = select(func.count()).select_from(waiting).where(waiting.c.unread == 1)
        count = count + unread_waiting.scalar_subquery()
    return select(count)


def unread_count(user: User) -> int:
    """How many entries of the member's notifications are unread, as the list shows them
    (replies in one thread count once): one query."""
    listening = bool(user.listens_for_unanswered)
    parameters = {"user_id": user.id}
    if listening:
        parameters["created_before"] = waited_since()
    return db.session.scalar(_unread_count_statement(listening), parameters)


def unread_notifications() -> int | None:
    """For the header's bell: the reader's unread count, or None when there is no count to
    show (a guest, or a member who would rather not see one), and then no query at all."""
    if not current_user.is_authenticated or not current_user.show_notification_count:
        return None
    return unread_count(current_user)
