"""Moments as pages say them: the words kept from Babel (forum.web.wording) are the words Babel
itself gives, for every span of time, around every place where the unit changes."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import format_datetime, format_timedelta

from forum.web import wording

NOW = datetime(2026, 12, 4, 10, 30, 15, 123456, tzinfo=UTC)
DAY = 86400
# The seconds either side of every change of unit or rounding: a minute, 1.5 minutes, an hour,
# a day, 6.5 and 7 days (where weeks begin), 29.5 and 30 days (months), a year; and the
# values between, in both directions.
EDGES = [60, 89, 90, 91, 3599, 3600, 5399, 5400, 5401, DAY - 1, DAY, 6.5 * DAY, 7 * DAY - 1,
         7 * DAY, 10.5 * DAY, 29.5 * DAY, 30 * DAY - 1, 30 * DAY, 45 * DAY, 364 * DAY,
         365 * DAY - 1, 365 * DAY, 2.5 * 365 * DAY, 40 * 365 * DAY]  # fmt: skip
SPANS = sorted(
    span
    for span in {*EDGES, *(edge + delta for edge in EDGES for delta in (-0.5, 0.5))}
    | {int(1.37**power) for power in range(14, 62)}
    if span >= 60  # below, "just now"
)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(wording, "utcnow", lambda: NOW)


@pytest.mark.parametrize("direction", [-1, 1], ids=["past", "future"])
def test_relative_time_says_what_babel_says(app, frozen, direction):
    with app.test_request_context():
        for seconds in SPANS:
            moment = NOW + timedelta(seconds=direction * seconds)
            expected = format_timedelta(
                timedelta(seconds=direction * seconds), add_direction=True, threshold=1.0
            )
            assert wording.relative_time(moment) == expected, seconds


def test_relative_time_says_just_now_for_the_last_minute(app, frozen):
    with app.test_request_context():
        assert wording.relative_time(NOW - timedelta(seconds=59)) == "just now"
        assert wording.relative_time(NOW - timedelta(seconds=61)) == "1 minute ago"


def test_exact_time_says_what_babel_says(app):
    with app.test_request_context():
        for hours in range(0, 24 * 800, 7):
            moment = NOW + timedelta(hours=hours, minutes=hours % 60)
            expected = format_datetime(moment, "d MMMM y, HH:mm 'UTC'")
            assert wording.exact_time(moment) == expected
        assert wording.exact_time(NOW) == "4 December 2026, 10:30 UTC"
