"""Read-side queries, each named for what a page shows. Every one is a fixed number of
statements however many posts it returns."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import aliased, joinedload, selectinload
from werkzeug.local import LocalProxy

from ..database import db, utcnow
from ..following.unread import is_new
from ..models import PATH_DIGITS, Mute, Post, Reaction, Thread, ThreadKind
from ..policy import (
    Act,
    Sight,
    is_author,
    is_staff,
    listed_threads,
    may,
    member_id,
    posts_in_sight,
    public_posts,
    sight_of,
)
from ..web.pagination import Cursor


@dataclass
class ThreadPage:
    pinned: list[Thread]
    threads: list[Thread]
    next_cursor: Cursor | None


def _listed_threads():
    """Threads as listings show them (`forum.policy.listed_threads`)."""
    opening = aliased(Post)
    return (
        select(Thread)
        .join(opening, and_(opening.thread_id == Thread.id, opening.parent_id.is_(None)))
        .where(listed_threads(opening))
    )


def pinned_threads() -> list[Thread]:
    return list(
        db.session.scalars(
            _listed_threads().where(Thread.pinned).order_by(Thread.created_at, Thread.id)
        )
    )


def threads_by_activity(
    after: Cursor | None, limit: int, kind: ThreadKind | None = None
) -> ThreadPage:
    """Unpinned threads, most recent activity first, after `after` (keyset pagination: the
    query costs the same on page 100 as on page 1, and a new thread can't shift a page)."""
    query = (
        _listed_threads()
        .where(Thread.pinned.is_(False))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit + 1)
    )
    if kind is not None:
        query = query.where(Thread.kind == kind)
    if after:
        query = query.where(
            tuple_(Thread.last_activity_at, Thread.id) < (after.last_activity_at, after.thread_id)
        )
    threads = list(db.session.scalars(query))
    next_cursor = None
    if len(threads) > limit:
        threads = threads[:limit]
        last = threads[-1]
        next_cursor = Cursor(last.last_activity_at, last.id)
    return ThreadPage(pinned=[], threads=threads, next_cursor=next_cursor)


def home_page(after: Cursor | None, limit: int) -> ThreadPage:
    """The pinned threads (first page only), then a page of the others by activity."""
    page = threads_by_activity(after, limit)
    if after is None:
        page.pinned = pinned_threads()
    return page


def _posts_for(viewer) -> Select:
    return _posts_in_sight(sight_of(viewer), member_id(viewer))


def _posts_in_sight(sight: Sight, reader_id: int | ColumnElement[int] | None) -> Select:
    # The authors in a statement of their own, by id: joined, PostgreSQL hashes the whole
    # member table for a page that names a few of them.
    return (
        select(Post)
        .options(selectinload(Post.author))
        .where(posts_in_sight(sight, reader_id))
        .order_by(Post.path)
    )


def thread_posts(thread: Thread, viewer) -> list[Post]:
    """Every post of a thread `viewer` may see, opening post first, in display order: one
    query."""
    return list(db.session.scalars(_posts_for(viewer).where(Post.thread_id == thread.id)))


@dataclass
class RepliesPage:
    """A page of a thread: its opening post, then replies to it, each with its branch, in
    display order; and the reply to the opening post the next page starts with, if any."""

    posts: list[Post]
    next_start: int | None


# A reply to the opening post has a path of two segments; every post of its branch starts so.
_BRANCH_PATH_LENGTH = 2 * PATH_DIGITS


def thread_page(thread: Thread, viewer, start: int | None, limit: int | None) -> RepliesPage:
    """The opening post and `limit` replies to it (all of them for None), each with its whole
    branch, starting with the reply `start` (the first one for None): one query, however long
    the thread or far the page (keyset pagination on the materialised path: a page is a range
    of paths, from `start`'s to the reply after its last). A `start` that isn't a reply to this
    thread's opening post `viewer` may see gives the opening post alone."""
    statement = _thread_page_statement(sight_of(viewer), start is not None, limit is not None)
    parameters = {
        "thread_id": thread.id, "reader_id": member_id(viewer), "start": start, "limit": limit
    }  # fmt: skip
    posts = list(db.session.scalars(statement, parameters))
    next_start = None
    branches = sum(1 for post in posts if len(post.path) == _BRANCH_PATH_LENGTH)
    if limit is not None and branches > limit:
        next_start = posts.pop().id
    return RepliesPage(posts, next_start)


@cache
def _thread_page_statement(sight: Sight, started: bool, paged: bool) -> Select:
    """`thread_page`'s statement for readers of `sight`, from a given reply (`started`) or the
    first, a page (`paged`) or all: built once per process, the thread, the reader, the first
    reply and the page's length as its parameters (every thread page a member reads runs it,
    and building it took about as long as running it)."""
    thread_id, reader_id = bindparam("thread_id"), bindparam("reader_id")
    query = _posts_in_sight(sight, reader_id).where(Post.thread_id == thread_id)
    if not started and not paged:
        return query
    on_page = []
    first = None
    if started:
        started_post = aliased(Post)
        first = (
            select(started_post.path)
            .where(
                started_post.id == bindparam("start"),
                started_post.thread_id == thread_id,
                func.length(started_post.path) == _BRANCH_PATH_LENGTH,
                posts_in_sight(sight, reader_id, started_post),
            )
            .scalar_subquery()
        )
        # Every post of a branch from `first` on sorts at or after it (an index range).
        on_page.append(Post.path >= first)
    if paged:
        # The reply the next page starts with: it comes along (its branch doesn't), to say
        # there is a next page and where.
        top = aliased(Post)
        following = select(top.path).where(
            top.thread_id == thread_id,
            func.length(top.path) == _BRANCH_PATH_LENGTH,
            posts_in_sight(sight, reader_id, top),
        )
        if first is not None:
            following = following.where(top.path >= first)
        boundary = (
            following.order_by(top.path)
            .offset(bindparam("limit", type_=Integer))
            .limit(1)
            .scalar_subquery()
        )
        on_page.append(or_(boundary.is_(None), Post.path <= boundary))
    return query.where(or_(Post.parent_id.is_(None), and_(*on_page)))


def subtree_posts(post: Post, viewer) -> list[Post]:
    """A post and everything below it, in display order: one query."""
    return list(
        db.session.scalars(
            _posts_for(viewer).where(
                Post.thread_id == post.thread_id, Post.path.startswith(post.path, autoescape=True)
            )
        )
    )


def ancestors(post: Post, viewer) -> list[Post]:
    """The posts above `post`, opening post first: one query, ids read from its path."""
    ids = post.ancestor_ids
    if not ids:
        return []
    return list(db.session.scalars(_posts_for(viewer).where(Post.id.in_(ids))))


def children_by_parent(posts: list[Post]) -> dict[int | None, list[Post]]:
    """The flat, path-ordered list as a tree: parent id to its replies, oldest first.

    A reply its author deleted leaves a tombstone only while replies hang under it; with none
    (or none left), it leaves no trace.
    """
    children: dict[int | None, list[Post]] = {}
    # Backwards, every reply is met before the post it answers.
    for post in reversed(posts):
        withdrawn = post.deleted_by_author_at is not None and post.parent_id is not None
        if withdrawn and post.id not in children:
            continue
        children.setdefault(post.parent_id, []).append(post)
    for replies in children.values():
        replies.reverse()
    return children


@dataclass
class Reactions:
    """Supportive reactions on some posts: how many of each, and which are the viewer's."""

    counts: dict[tuple[int, str], int]
    mine: set[tuple[int, str]]

    def __post_init__(self) -> None:
        self._reacted = {post_id for post_id, _ in self.counts}

    def any_on(self, post: Post) -> bool:
        """Whether `post` has any reaction (a guest sees no empty bar)."""
        return post.id in self._reacted

    def count(self, post: Post, kind: str) -> int:
        return self.counts.get((post.id, kind), 0)

    def given(self, post: Post, kind: str) -> bool:
        return (post.id, kind) in self.mine


def reactions_for(posts: list[Post], viewer) -> Reactions:
    """Reaction counts for `posts` and, for a member, which are their own: one query."""
    ids = [post.id for post in posts]
    if not ids:
        return Reactions({}, set())
    if not viewer.is_authenticated:
        counted = db.session.execute(_reaction_counts_statement(), {"ids": ids})
        return Reactions({(post_id, kind): n for post_id, kind, n in counted}, set())
    rows = db.session.execute(_reactions_seen_statement(), {"ids": ids, "reader_id": viewer.id})
    counts: dict[tuple[int, str], int] = {}
    mine: set[tuple[int, str]] = set()
    for post_id, kind, n, given in rows:
        counts[post_id, kind] = n
        if given:
            mine.add((post_id, kind))
    return Reactions(counts, mine)


# Built once per process, their posts and reader as parameters, as the thread page's other
# statements are (`_thread_page_statement`): every page of a thread runs one of them.
@cache
def _reaction_counts_statement() -> Select:
    return (
        select(Reaction.post_id, Reaction.kind, func.count())
        .where(Reaction.post_id.in_(bindparam("ids", expanding=True)))
        .group_by(Reaction.post_id, Reaction.kind)
    )


@cache
def _reactions_seen_statement() -> Select:
    """The counts, and whether the member's own reaction is among each (the same rows read:
    a reaction of theirs is one of those counted)."""
    given = case((Reaction.user_id == bindparam("reader_id"), 1), else_=0)
    return _reaction_counts_statement().add_columns(func.max(given))


def muted_by(viewer) -> set[int]:
    """Ids of the members `viewer` has muted (empty for guests): one query."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    return set(db.session.scalars(_muted_statement(), {"reader_id": viewer.id}))


@cache
def _muted_statement() -> Select:
    return select(Mute.muted_id).where(Mute.muter_id == bindparam("reader_id"))


def replies_waiting(thread: Thread, viewer) -> int:
    """How many of `thread`'s replies waiting for a moderator `viewer` may see (their own; all of
    them, for staff). The thread page counts them apart from its published replies, so that a
    writer who sees their waiting reply never reads "0 replies" above it: one query, none for a
    guest, who sees none."""
    if not viewer.is_authenticated:
        return 0
    return db.session.scalar(
        _replies_waiting_statement(sight_of(viewer)),
        {"thread_id": thread.id, "reader_id": viewer.id},
    )


@cache
def _replies_waiting_statement(sight: Sight) -> Select:
    return select(func.count(Post.id)).where(
        Post.thread_id == bindparam("thread_id"),
        Post.parent_id.is_not(None),
        Post.awaiting_approval.is_(True),
        posts_in_sight(sight, bindparam("reader_id")),
    )


def waiting_stories(created_before: datetime | ColumnElement[datetime]) -> Select[tuple[Thread]]:
    """Stories nobody has answered yet, started before `created_before` (a moment, or a
    `bindparam` for a statement built once): a query for the caller to order and limit (the
    list below, and listeners' notifications)."""
    return _listed_threads().where(
        Thread.kind == ThreadKind.STORY,
        Thread.reply_count == 0,
        Thread.created_at < created_before,
    )


def unanswered_stories(older_than: timedelta, limit: int = 50) -> list[Thread]:
    """Stories nobody has answered yet, waiting longer than `older_than`, oldest first."""
    return list(
        db.session.scalars(
            waiting_stories(utcnow() - older_than)
            .order_by(Thread.created_at, Thread.id)
            .limit(limit)
        )
    )


@dataclass
class ThreadView:
    """What every post on a page needs to know about its thread and its reader. The reader is
    looked at once per page, not through `current_user` at each question of each post."""

    thread: Thread
    opening: Post
    reactions: Reactions
    muted: set[int]
    reader: object
    """The reader itself (a member, or Flask-Login's anonymous user), not the proxy."""
    since: int | None = None
    """Where the member's visit began (`forum.following.places.visit_start`): later replies
    are marked new. None: nothing is marked."""
    staff: bool = field(init=False)
    reader_id: int | None = field(init=False)
    """None for a guest."""

    def __post_init__(self) -> None:
        self.staff = is_staff(self.reader)
        self.reader_id = self.reader.id if self.reader.is_authenticated else None

    def is_muted(self, post: Post) -> bool:
        """Folded for this reader. Only named posts: folding an anonymous one would tell the
        reader who wrote it."""
        return not post.anonymous and post.author_id in self.muted

    def acts(self, post: Post) -> frozenset[str]:
        """What the page offers the reader on `post`, as `forum.policy.may` decides, asked
        once per post for every act."""
        return frozenset(act.value for act in Act if may(self.reader, act, post, self.thread))

    def wrote(self, post: Post) -> bool:
        return is_author(self.reader, post)

    def is_new(self, post: Post) -> bool:
        """Written since the reader's last visit (`forum.following.unread`)."""
        return is_new(post, self.reader_id, self.since, self.muted)

    def new_among(self, children: dict[int | None, list[Post]], posts: list[Post]) -> int:
        """How many of `posts` and the replies below them are new: what a fold hides."""
        return sum(
            self.is_new(post) + self.new_among(children, children.get(post.id, []))
            for post in posts
        )


def opening_post(thread: Thread) -> Post:
    """The thread's opening post, with its author (its byline names them): one query."""
    return db.session.scalars(_opening_statement(), {"thread_id": thread.id}).one()


@cache
def _opening_statement() -> Select:
    # Built once per process, as the thread page's other statements are: a member's page whose
    # replies are kept (forum.reading.kept_replies) asks for it every time.
    return (
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.thread_id == bindparam("thread_id"), Post.parent_id.is_(None))
    )


def thread_view(
    thread: Thread,
    posts: list[Post],
    viewer,
    opening: Post | None = None,
    since: int | None = None,
):
    """The ThreadView for `posts` of `thread` as `viewer` sees them, replies after `since`
    marked new: at most three queries."""
    reader = viewer._get_current_object() if isinstance(viewer, LocalProxy) else viewer
    return ThreadView(
        thread=thread,
        opening=opening if opening is not None else opening_post(thread),
        reactions=reactions_for(posts, reader),
        muted=muted_by(reader),
        reader=reader,
        since=since,
    )


def named_posts(user_id: int, before: int | None, limit: int) -> list[tuple[Post, Thread]]:
    """A member's posts under their own name, newest first, with their threads (one more than
    `limit`, to tell whether there is an older page). Anonymous, deleted and removed posts
    never appear: nothing may link them to the account."""
    query = (
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == user_id,
            Post.anonymous.is_(False),
            public_posts(),
        )
        .order_by(Post.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Post.id < before)
    return [tuple(row) for row in db.session.execute(query)]
