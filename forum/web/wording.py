"""How the forum writes counts, durations, moments and phone numbers, and tells a suspended
member where they stand."""

import math
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale
from babel.dates import TIMEDELTA_UNITS, format_date
from babel.dates import format_timedelta as babel_timedelta
from flask_babel import format_datetime, format_timedelta, get_locale, to_user_timezone

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


# A thread page says when each of its posts was written, twice: Babel, asked each time, spends
# most of its time finding the locale's patterns. The words depend only on the unit, the number
# and the direction (relative) or on the day (exact), so each is asked of Babel once and kept:
# the same words as `format_timedelta` and `format_datetime` give (tests/web/test_wording.py).
_UNIT_SECONDS = dict(TIMEDELTA_UNITS)


def relative_time(moment: datetime) -> str:
    """'3 hours ago', 'just now' for the last minute."""
    seconds = (moment - utcnow()).total_seconds()
    if abs(seconds) < 60:
        return "just now"
    locale = get_locale()
    if locale is None:  # outside a request
        return format_timedelta(timedelta(seconds=seconds), add_direction=True, threshold=1.0)
    # Babel's own choice: the largest unit of which there is at least one (threshold 1.0).
    for unit, length in TIMEDELTA_UNITS:
        value = abs(seconds) / length
        if value >= 1.0:
            return _relative_words(locale, unit, round(value), seconds >= 0)
    raise AssertionError("a minute or more is at least a minute")  # pragma: no cover


@lru_cache(maxsize=2048)
def _relative_words(locale: Locale, unit: str, value: int, future: bool) -> str:
    # Exactly `value` `unit`s: with the unit as granularity and no threshold reachable, Babel
    # says it in that unit, whatever a larger one would round to.
    seconds = value * _UNIT_SECONDS[unit]
    return babel_timedelta(
        seconds if future else -seconds, granularity=unit, threshold=math.inf,
        add_direction=True, locale=locale,
    )  # fmt: skip


def exact_time(moment: datetime) -> str:
    """'3 December 2026, 14:05 UTC'."""
    locale = get_locale()
    if locale is None:  # outside a request
        return format_datetime(moment, "d MMMM y, HH:mm 'UTC'")
    local = to_user_timezone(moment)
    return f"{_day_words(locale, local.date())}, {local:%H:%M} UTC"


@lru_cache(maxsize=2048)
def _day_words(locale: Locale, day: date) -> str:
    return format_date(day, "d MMMM y", locale=locale)


def month_year(moment: datetime) -> str:
    return format_datetime(moment, "MMMM y")


def to_the_minute(moment: datetime) -> datetime:
    """A moment as every page and feed gives it: to the minute. Seconds would help tie an
    anonymous post to the same member's named posts in a quiet forum."""
    return moment.replace(second=0, microsecond=0)


def iso_time(moment: datetime) -> str:
    """For a `<time>` element, to the minute."""
    return to_the_minute(moment).isoformat(timespec="minutes")


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
