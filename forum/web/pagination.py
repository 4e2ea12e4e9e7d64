"""Where a page of a listing ends, written in its "Older …" link. Keyset, never OFFSET: page
100 costs what page 1 costs, and a new row can't shift a page."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import abort, request

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_CURSOR_FORMAT = re.compile(r"(\d{1,17})-(\d{1,9})")


@dataclass(frozen=True)
class Cursor:
    """Where a page of threads ends: the last thread's activity time and id."""

    last_activity_at: datetime
    thread_id: int

    def __str__(self) -> str:
        # Whole microseconds, computed exactly: a float timestamp could skip a thread.
        micros = (self.last_activity_at - _EPOCH) // _MICROSECOND
        return f"{micros}-{self.thread_id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        """The cursor written in a URL, or None when it is not one."""
        match = _CURSOR_FORMAT.fullmatch(text)
        if not match:
            return None
        micros, thread_id = (int(group) for group in match.groups())
        try:
            moment = _EPOCH + micros * _MICROSECOND
        except OverflowError:
            return None
        return cls(moment, thread_id)


def cursor_or_404(name: str = "after") -> Cursor | None:
    """The cursor in the query argument `name` (`after`, or one per list on a page of several):
    None on a first page, 404 when it is not one."""
    if name not in request.args:
        return None
    after = Cursor.parse(request.args[name])
    if after is None:
        abort(404)
    return after


def _id_or_404(name: str) -> int | None:
    """The id in the query argument `name`: None when there is none, 404 when it is not an id."""
    if name not in request.args:
        return None
    found = request.args.get(name, type=int)
    if not (found and 0 < found < 2**31):
        abort(404)
    return found


def before_id_or_404() -> int | None:
    """The `before` id of a listing paged by id, newest first: None on a first page, 404 when it
    is not an id."""
    return _id_or_404("before")


def since_id_or_404() -> int | None:
    """The `since` id of a thread's page: where the member's visit began (their place in the
    thread), carried from page to page so that what was new then stays marked. None when there
    is none, 404 when it is not an id."""
    return _id_or_404("since")


def start_id_or_404() -> int | None:
    """The `from` id of a page that starts with that row (a thread's replies): None on a first
    page, 404 when it is not an id."""
    return _id_or_404("from")
