"""When what a guest sees last changed: kept on every write, whatever code writes.

A guest's browser asks "is my copy still current?" (If-None-Match); forum.web.conditional
answers from a thread's `changed_at` and the one `SiteChange` row, without rendering the page.
A wrong "yes" (a stale page after a change) is far worse than none, so these are not left to
each view to remember: the database session itself notes every change at flush time.

- A post written, edited, removed, restored, deleted, approved or unlinked, a reaction given or
  taken back, a thread retitled, locked, pinned or removed: its thread's `changed_at` moves,
  and so does the site's `revision` (listings show threads).
- A member renamed, given a role, or their account deleted: that may show on any thread's page
  (a byline), so `SiteChange.everywhere` moves, and every thread page with it. It is not told
  thread by thread on purpose: moving the threads of one member's posts together would link
  their anonymous posts to them for anyone watching the validators.
- A bulk UPDATE or DELETE (`session.execute(update(Thread)...)`) is noted as well: an UPDATE
  of threads, on the threads it touches; anything else on threads, posts, reactions or
  members, everywhere.

What guests can't see moves nothing: a post waiting for a moderator, written or edited, leaves
every validator as it was (anyone watching them would otherwise learn that a new member's
post was waiting). Reports, moderation notes, sessions and settings are never shown to guests.
Writes made outside the ORM session (raw SQL, another program) are not seen: the forum's own
code makes none to what guests see.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import event, exists, insert, inspect, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from .database import utcnow
from .models import Post, Reaction, SiteChange, Thread, User

SITE = 1
"""The id of the one `SiteChange` row."""

# What a member's row shows on pages: anything else (password, settings, suspension) doesn't.
SHOWN_EVERYWHERE = ("pseudonym", "role")
SHOWN_ON_PROFILE = ("bio", "bio_html", "created_at")

_SITE = "changes.site"
_EVERYWHERE = "changes.everywhere"

post_table = Post.__table__
thread_table = Thread.__table__
site_table = SiteChange.__table__


def _was_and_is_waiting(post: Post) -> bool:
    """Waiting for a moderator before this flush and after it: nobody but its author and the
    moderators saw it, or sees it now."""
    history = inspect(post).attrs.awaiting_approval.history
    before = history.deleted[0] if history.deleted else post.awaiting_approval
    return bool(before) and bool(post.awaiting_approval)


def _changed(session: Session, instance: object, names: tuple[str, ...]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def _note_flush(session: Session, _flush_context) -> None:
    """After a flush, while the session still knows what it wrote: which threads changed."""
    threads: set[int] = set()
    reacted: set[int] = set()
    for instance in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(instance, Post):
            modified = instance in session.new or instance in session.deleted
            if not modified and not session.is_modified(instance):
                continue
            if not _was_and_is_waiting(instance):
                threads.add(instance.thread_id)
                # Shown on its author's profile, if named, wherever its thread is.
                session.info[_SITE] = True
        elif isinstance(instance, Reaction):
            reacted.add(instance.post_id)
        elif isinstance(instance, Thread) and instance not in session.new:
            if session.is_modified(instance):
                threads.add(instance.id)
        elif isinstance(instance, User):
            if instance in session.deleted or _changed(session, instance, SHOWN_EVERYWHERE):
                session.info[_EVERYWHERE] = True
            elif _changed(session, instance, SHOWN_ON_PROFILE) and instance not in session.new:
                session.info[_SITE] = True
    if threads or reacted:
        _touch_threads(session, threads, reacted)


def _touch_threads(session: Session, threads: set[int], reacted_posts: set[int]) -> None:
    """Move `changed_at` of these threads (and of those of these posts), now, in this
    transaction; and the site's counter at commit, if a guest can open any of them (not while
    its opening post waits for a moderator: for guests it doesn't exist, and their listings
    don't show it)."""
    named = [thread_table.c.id.in_(sorted(threads))] if threads else []
    if reacted_posts:
        named.append(
            thread_table.c.id.in_(
                select(post_table.c.thread_id).where(post_table.c.id.in_(sorted(reacted_posts)))
            )
        )
    connection = session.connection()
    connection.execute(update(thread_table).where(or_(*named)).values(changed_at=utcnow()))
    if session.info.get(_SITE):
        return
    waiting_opening = exists().where(
        post_table.c.thread_id == thread_table.c.id,
        post_table.c.parent_id.is_(None),
        post_table.c.awaiting_approval.is_(True),
    )
    open_to_guests = select(thread_table.c.id).where(or_(*named), ~waiting_opening).limit(1)
    if connection.execute(open_to_guests).first() is not None:
        session.info[_SITE] = True


def _note_bulk(state: ORMExecuteState) -> None:
    """A bulk UPDATE or DELETE through the session, before it runs (its WHERE may read what it
    changes)."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if entity is Thread and state.is_update:
        where = state.statement.whereclause
        query = select(thread_table.c.id)
        if where is not None:
            query = query.where(where)
        ids = set(state.session.connection().scalars(query))
        if ids:
            _touch_threads(state.session, ids, set())
    elif entity in (Thread, Post, Reaction, User):
        state.session.info[_EVERYWHERE] = True


def _count_at_commit(session: Session) -> None:
    """The site's counters move once per transaction, as its last write before COMMIT: the one
    row every writer updates is then locked (on PostgreSQL) only for the commit itself, and
    counts in commit order, so a listing's validator always moves with what it lists."""
    session.flush()  # the last changes, noted by _note_flush before the counters move
    everywhere = session.info.pop(_EVERYWHERE, False)
    if not (session.info.pop(_SITE, False) or everywhere):
        return
    now = utcnow()
    values = {"revision": site_table.c.revision + 1, "changed_at": now}
    if everywhere:
        values["everywhere"] = site_table.c.everywhere + 1
    connection = session.connection()
    moved = connection.execute(update(site_table).where(site_table.c.id == SITE).values(values))
    if not moved.rowcount:  # the row was deleted (an emptied test database): begin again
        connection.execute(
            insert(site_table).values(id=SITE, revision=1, everywhere=1, changed_at=now)
        )


def _forget(session: Session, transaction) -> None:
    """A transaction ended without its counters moving (rolled back): forget what it noted.
    Not when a savepoint ends: what the transaction noted before it still stands (and what
    the savepoint noted then moves the counters once more than needed, which is harmless)."""
    if transaction.parent is None:
        session.info.pop(_SITE, None)
        session.info.pop(_EVERYWHERE, None)


def track_changes() -> None:
    """Listen to every session of the forum (once, however many apps are built)."""
    for name, listener in (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_bulk),
        ("before_commit", _count_at_commit),
        ("after_transaction_end", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# --- Reading them ----------------------------------------------------------------------


class SiteMarks(NamedTuple):
    """The counters of the one `SiteChange` row, as read."""

    revision: int
    everywhere: int
    changed_at: datetime | None


# Built once: every guest's page asks, kept or not. Plain columns: loading a SiteChange into the
# session (the ORM's identity map and loading) takes nearly twice as long, at every guest's page.
_READ_MARKS = select(site_table.c.revision, site_table.c.everywhere, site_table.c.changed_at).where(
    site_table.c.id == SITE
)
_NOTHING_YET = SiteMarks(revision=0, everywhere=0, changed_at=None)


def site_marks(session: Session) -> SiteMarks:
    """The site's counters as last committed: one read of one row."""
    found = session.execute(_READ_MARKS).first()
    return SiteMarks._make(found) if found is not None else _NOTHING_YET
