"""Jinja filters and globals shared by every template."""

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, format_timedelta

from .database import utcnow
from .models import ReactionKind, ReplyIntent, Thread


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


def init_app(app: Flask) -> None:
    app.add_template_global(intent_of)
    app.add_template_global(list(ReactionKind), "reaction_kinds")
    app.add_template_filter(relative_time)
    app.add_template_filter(exact_time)
    app.add_template_filter(iso_time)
    app.add_template_filter(month_year)
