"""The moderators' queue, one section at a time: reported posts (people who may be at risk
first), new members' posts waiting for approval, suspensions in force, and requests to see who
wrote an anonymous post.

A post is in one section only, as one card with everything a moderator may do about it: a new
member's post that is also reported (the check for words of risk reports it at once) is a
reported post, waiting for approval too; it joins the waiting posts once its reports are closed.

Each section is read a page at a time with its total, so a queue of hundreds of reports is a
page of 25 and a count, in a fixed number of queries. Pages are keyset-paged, never OFFSET: a
moderator who deals with the first page and then asks for more would otherwise skip as many
items as they dealt with.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, case, exists, func, or_, select, tuple_

from ..database import db, utcnow
from ..models import Post, Report, ReportReason, RevealRequest, Suspension, Thread

QUEUE_PAGE_SIZE = 25

Item = TypeVar("Item")


class Section(StrEnum):
    """The queue's sections, as named in the `section` of a "More" link."""

    REPORTS = "reports"
    WAITING = "waiting"
    SUSPENSIONS = "suspensions"
    REVEALS = "reveals"


@dataclass
class Page(Generic[Item]):
    """A page of one section: its items, how many the whole section holds, and the cursor
    the next page starts after (None on the last page)."""

    items: list[Item]
    total: int
    next_cursor: str | None = None


@dataclass
class QueueItem:
    """A post in the queue, once, with every open report on it (none for a post that is only
    waiting for approval)."""

    post: Post
    thread: Thread
    reports: list[Report] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        """Reported (by a member or the forum's own check) as someone who may be at risk, or
        flagged so once: a moderator who dismissed the report still reads it with care."""
        return self.post.may_be_at_risk or any(
            report.reason == ReportReason.AT_RISK for report in self.reports
        )

    @property
    def waiting(self) -> bool:
        """A new member's post that nobody but its author and the moderators sees yet."""
        return waits(self.post)

    @property
    def needs_a_moderator(self) -> bool:
        return bool(self.reports) or self.waiting

    @property
    def warning(self) -> str | None:
        """What the text is folded behind: its content warning (an opening post's is its
        thread's), and that its writer may be at risk; None when there is nothing to warn of."""
        own = self.post.warning_in(self.thread)
        if self.at_risk:
            return f"{own}; the writer may be at risk" if own else "The writer may be at risk"
        return own

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(ReportReason(report.reason).label for report in self.reports)
        return counts.most_common()

    @property
    def oldest(self) -> datetime:
        return min(report.created_at for report in self.reports)


def waits(post: Post) -> bool:
    return post.awaiting_approval and not post.is_gone


# --- cursors ------------------------------------------------------------------------------
# Written in a "More" link's address as numbers joined by "-": times in whole microseconds
# since 1970 (exact, where a float could skip an item), ids as they are.

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# Up to 18 digits of microseconds: an indefinite suspension ends in the year 9999.
_NUMBERS = re.compile(r"\d{1,18}(-\d{1,18})*")
_LARGEST_ID = 2**31


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _moment(micros: int) -> datetime | None:
    try:
        return _EPOCH + micros * _MICROSECOND
    except OverflowError:
        return None


def _cursor(*numbers: int) -> str:
    return "-".join(str(number) for number in numbers)


def _numbers(cursor: str, how_many: int) -> list[int] | None:
    if not _NUMBERS.fullmatch(cursor):
        return None
    numbers = [int(part) for part in cursor.split("-")]
    return numbers if len(numbers) == how_many else None


def _id_in(cursor: str) -> int | None:
    numbers = _numbers(cursor, 1)
    return numbers[0] if numbers and 0 < numbers[0] < _LARGEST_ID else None


def _moment_and_id_in(cursor: str) -> tuple[datetime, int] | None:
    numbers = _numbers(cursor, 2)
    if numbers is None or not 0 < numbers[1] < _LARGEST_ID:
        return None
    moment = _moment(numbers[0])
    return (moment, numbers[1]) if moment else None


def _page(rows: list[Item], total: int, cursor_of: Callable[[Item], str]) -> Page[Item]:
    """The first QUEUE_PAGE_SIZE of `rows` (asked for one more, to know whether another page
    follows), with the cursor of the last one shown when it does."""
    shown = rows[:QUEUE_PAGE_SIZE]
    more = len(rows) > QUEUE_PAGE_SIZE
    return Page(shown, total, cursor_of(shown[-1]) if more else None)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


# --- reports ------------------------------------------------------------------------------


def _reported_posts():
    """One row per post with open reports, with its place in the queue as ascending columns:
    `calm` (0 when anyone reported it as a risk, or the post was ever flagged so, as its card
    says: those come first), `fewer` (minus the number of reports: the most reported next),
    then the oldest report, then the post's id."""
    at_risk = case((or_(Report.reason == ReportReason.AT_RISK, Post.may_be_at_risk), 1), else_=0)
    return (
        select(
            Report.post_id,
            (1 - func.max(at_risk)).label("calm"),
            (-func.count(Report.id)).label("fewer"),
            func.min(Report.created_at).label("oldest"),
        )
        .join(Post, Post.id == Report.post_id)
        .where(Report.resolved_at.is_(None))
        .group_by(Report.post_id)
        .subquery("reported")
    )


def _reports_place_in(cursor: str) -> tuple[int, int, datetime, int] | None:
    """(calm, fewer, oldest, post id) from a "More reports" link, or None if it is not one."""
    numbers = _numbers(cursor, 4)
    if numbers is None:
        return None
    calm, reports, micros, post_id = numbers
    oldest = _moment(micros)
    if calm > 1 or not 0 < reports < _LARGEST_ID or not 0 < post_id < _LARGEST_ID or not oldest:
        return None
    return calm, -reports, oldest, post_id


def _reports_cursor(row: Any) -> str:
    return _cursor(row.calm, -row.fewer, _micros(row.oldest), row.post_id)


def open_reports(after: tuple[int, int, datetime, int] | None = None) -> Page[QueueItem]:
    """A page of reported posts, each once with all its open reports: people who may be at
    risk first, then the most reported, then the longest waiting. Three queries, however
    many reports."""
    reported = _reported_posts()
    place = (reported.c.calm, reported.c.fewer, reported.c.oldest, reported.c.post_id)
    query = (
        select(*place, Post, Thread)
        .join(Post, Post.id == reported.c.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .order_by(*place)
        .limit(QUEUE_PAGE_SIZE + 1)
    )
    if after is not None:
        query = query.where(tuple_(*place) > after)
    total = db.session.scalar(select(func.count()).select_from(reported))
    page = _page(list(db.session.execute(query)), total, _reports_cursor)
    items = {row.post_id: QueueItem(row.Post, row.Thread) for row in page.items}
    if items:
        for report in db.session.scalars(
            select(Report)
            .where(Report.post_id.in_(items), Report.resolved_at.is_(None))
            .order_by(Report.created_at, Report.id)
        ):
            items[report.post_id].reports.append(report)
    # A post whose reports were all resolved between the two queries has none left to show.
    return Page([item for item in items.values() if item.reports], total, page.next_cursor)


# --- posts waiting for approval -------------------------------------------------------------


def waiting_posts(after: int | None = None) -> Page[QueueItem]:
    """New members' posts waiting for approval and not reported, oldest first (a reported
    one is among the reports)."""
    reported = exists().where(Report.post_id == Post.id, Report.resolved_at.is_(None))
    waiting = (
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.awaiting_approval,
            Post.removed_at.is_(None),
            Post.deleted_by_author_at.is_(None),
            ~reported,
        )
    )
    query = waiting.order_by(Post.id).limit(QUEUE_PAGE_SIZE + 1)
    if after is not None:
        query = query.where(Post.id > after)
    rows = [QueueItem(row.Post, row.Thread) for row in db.session.execute(query)]
    return _page(rows, _count(waiting), lambda item: _cursor(item.post.id))


# --- one post, after a moderator acted on it --------------------------------------------------


def queue_item(post: Post) -> QueueItem | None:
    """`post`'s card as it stands now, or None when nothing about it is left to do."""
    thread = db.session.get(Thread, post.thread_id)
    reports = db.session.scalars(
        select(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
    )
    item = QueueItem(post, thread, list(reports))
    return item if item.needs_a_moderator else None


# --- suspensions in force -------------------------------------------------------------------


def standing_suspensions(
    after: tuple[datetime, int] | None = None,
) -> Page[tuple[Suspension, Post | None, Thread | None]]:
    """Every suspension still standing, soonest to end first, with the post it was made
    through and its thread. Never the account: the post is how moderators know it."""
    standing = (
        select(Suspension, Post, Thread)
        .outerjoin(Post, Post.id == Suspension.post_id)
        .outerjoin(Thread, Thread.id == Post.thread_id)
        .where(Suspension.lifted_at.is_(None), Suspension.until > utcnow())
    )
    query = standing.order_by(Suspension.until, Suspension.id).limit(QUEUE_PAGE_SIZE + 1)
    if after is not None:
        query = query.where(tuple_(Suspension.until, Suspension.id) > after)
    rows = [tuple(row) for row in db.session.execute(query)]
    return _page(rows, _count(standing), lambda row: _cursor(_micros(row[0].until), row[0].id))


# --- reveal requests ----------------------------------------------------------------------


def pending_reveals(after: int | None = None) -> Page[RevealRequest]:
    """Requests to see who wrote an anonymous post that no second moderator has approved yet,
    oldest first."""
    pending = select(RevealRequest).where(RevealRequest.approved_at.is_(None))
    query = pending.order_by(RevealRequest.id).limit(QUEUE_PAGE_SIZE + 1)
    if after is not None:
        query = query.where(RevealRequest.id > after)
    rows = list(db.session.scalars(query))
    return _page(rows, _count(pending), lambda reveal: _cursor(reveal.id))


# --- the sections -------------------------------------------------------------------------

# Each section's pages, and how to read the cursor of its "More" link.
_SECTIONS = {
    Section.REPORTS: (open_reports, _reports_place_in),
    Section.WAITING: (waiting_posts, _id_in),
    Section.SUSPENSIONS: (standing_suspensions, _moment_and_id_in),
    Section.REVEALS: (pending_reveals, _id_in),
}


def first_pages() -> dict[Section, Page]:
    """The first page of every section, in the queue's order."""
    return {section: read() for section, (read, _) in _SECTIONS.items()}


def page_after(section: Section, cursor: str | None) -> Page | None:
    """The page of `section` that follows `cursor` (its first page without one); None when
    `cursor` is not one of the section's."""
    read, parse = _SECTIONS[section]
    if cursor is None:
        return read()
    after = parse(cursor)
    return read(after) if after is not None else None
