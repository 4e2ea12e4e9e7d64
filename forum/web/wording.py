"""How the forum writes counts, durations, moments and phone numbers, and tells a suspended
member where they stand."""

import re
from datetime import datetime, timedelta

from flask_babel import format_datetime, format_timedelta

from ..database import utcnow
from ..models import INDEFINITELY, User


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 minute', '3 minutes'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def duration(span: timedelta) -> str:
    """'15 minutes', '1 day', '30 days': in the largest unit that says it exactly."""
    seconds = int(span.total_seconds())
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % length == 0:
            return plural(seconds // length, unit)
    return plural(seconds, "second")


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
    """For a `<time>` element: to the minute, as every page shows it. Seconds would help tie an
    anonymous post to the same member's named posts in a quiet forum."""
    return moment.isoformat(timespec="minutes")


def tel_href(number: str) -> str:
    """The number in a `tel:`/`sms:` address: digits only, and a leading + kept."""
    digits = re.sub(r"\D", "", number)
    return ("+" if number.strip().startswith("+") else "") + digits


def suspension_end(until: datetime) -> str:
    """'until further notice', 'until 3 December 2026, 14:05 UTC'."""
    return "until further notice" if until == INDEFINITELY else f"until {exact_time(until)}"


def suspension_notice(user: User) -> str:
    """What a suspended member is told wherever they are refused, and on every page."""
    until = suspension_end(user.suspended_until)
    reason = f" The moderators' reason: {user.suspension_reason}" if user.suspension_reason else ""
    return (
        f"Your account is suspended {until}, so you can't post, reply, react or report. "
        f"You can still read, and download your data from your settings.{reason}"
    )
