"""Jinja filters and globals shared by every template."""

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, format_timedelta

from .database import utcnow
from .models import ReactionKind, RemovalReason, ReplyIntent, Thread


def relative_time(moment: datetime) -> str:
    """'3 hours ago', 'just now' for the last minute."""
    delta = moment - utcnow()
    if abs(delta.total_seconds()) < 60:
        return "just now"
    return format_timedelta(delta, add_direction=True, threshold=1.0)


def exact_time(moment: datetime) -> str:
    return format_datetime(moment, "d MMMM y, HH:mm 'UTC'")


def month_year(moment: datetime) -> str:
    return format_datetime(moment, "MMMM y")


def iso_time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def intent_of(thread: Thread) -> ReplyIntent | None:
    return ReplyIntent(thread.intent) if thread.intent else None


def removal_label(post) -> str:
    """A tombstone's reason: the category, or the moderator's words for "other"."""
    if post.removal_reason == RemovalReason.OTHER and post.removal_note:
        return post.removal_note
    return RemovalReason(post.removal_reason).label if post.removal_reason else "no reason given"


def init_app(app: Flask) -> None:
    from .pacing import suspension_notice  # pacing words its notice with exact_time, above

    app.add_template_global(suspension_notice)
    app.add_template_global(intent_of)
    app.add_template_global(list(ReactionKind), "reaction_kinds")
    app.add_template_global(list(RemovalReason), "removal_reasons")
    app.add_template_global(removal_label)
    app.add_template_global(lambda reason: RemovalReason(reason).label, "removal_reason_label")
    app.add_template_filter(relative_time)
    app.add_template_filter(exact_time)
    app.add_template_filter(iso_time)
    app.add_template_filter(month_year)
