"""Who may see and do what, decided here and nowhere else.

A reader is a guest, a member, or staff: a moderator or admin who is not suspended (a suspended
moderator reads as a member does). What they may see of a post depends on its state:

- a thread that moderators removed is seen by staff only; everyone else is told it was removed;
- a post waiting for a moderator's approval is seen by its author and staff only; to everyone
  else it does not exist;
- a removed or deleted post keeps its place as a tombstone, without its text (staff may open
  removed text).

What they may do with a post they can see is `state_refusal`'s answer; whether a suspended
member may write is the caller's first question (`forum.web.access`). Views, templates and
queries all ask here, so a new route inherits the rules by using these functions.
"""

from dataclasses import dataclass
from enum import Enum, StrEnum

from flask_login import AnonymousUserMixin
from sqlalchemy import ColumnElement, and_, exists, or_, true
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from .models import MAX_DEPTH, Post, Thread, User


class Act(StrEnum):
    """What a member can do to a post."""

    REPLY = "reply"
    REACT = "react"
    REPORT = "report"
    EDIT = "edit"
    DELETE = "delete"
    UNLINK = "unlink"


# What only a post's author may do.
AUTHORS_ACTS = frozenset({Act.EDIT, Act.DELETE, Act.UNLINK})


@dataclass(frozen=True)
class Refusal:
    """Why not, as an HTTP status and words for the reader."""

    status: int
    message: str = ""
    """Empty: the error page's own words."""


THREAD_REMOVED = Refusal(410, "This thread was removed by the moderators.")
# Word for word what an address that never existed gets: a hidden post must not be told apart.
NOT_FOUND = Refusal(404)


GUEST = AnonymousUserMixin()
"""A reader who is nobody: what anyone at all may see (a feed is the same for every reader)."""


def is_staff(reader) -> bool:
    """A moderator or admin who may moderate now (not suspended)."""
    return bool(reader.is_authenticated and reader.is_moderator and not reader.is_suspended)


def is_author(reader, post: Post) -> bool:
    return (
        bool(reader.is_authenticated) and post.author_id is not None and post.author_id == reader.id
    )


# --- seeing ------------------------------------------------------------------------------


def thread_refusal(reader, thread: Thread) -> Refusal | None:
    """Why `reader` may not open `thread` at all; None when they may."""
    if thread.removed_at is not None and not is_staff(reader):
        return THREAD_REMOVED
    return None


def seeing_refusal(reader, post: Post, thread: Thread) -> Refusal | None:
    """Why `reader` may not see `post` (in `thread`); None when they may."""
    refusal = thread_refusal(reader, thread)
    if refusal is not None:
        return refusal
    if post.awaiting_approval and not (is_staff(reader) or is_author(reader, post)):
        return NOT_FOUND
    return None


class Sight(Enum):
    """How much of a thread's posts a reader may see (`visible_posts`): the same for every
    reader of a kind, but for a member's own posts. A statement built once for each sight, the
    member's id its parameter, serves every reader."""

    STAFF = "staff"
    MEMBER = "member"
    GUEST = "guest"


def sight_of(reader) -> Sight:
    if is_staff(reader):
        return Sight.STAFF
    return Sight.MEMBER if reader.is_authenticated else Sight.GUEST


def member_id(reader) -> int | None:
    """The reader's id; None for a guest."""
    return reader.id if reader.is_authenticated else None


def visible_posts(reader, post: type[Post] | AliasedClass[Post] = Post) -> ColumnElement[bool]:
    """`seeing_refusal` as a query's condition on posts of a thread `reader` may open: a post
    waiting for approval only for its author and staff. (`post`: an alias of Post, for a
    subquery.)"""
    return posts_in_sight(sight_of(reader), member_id(reader), post)


def posts_in_sight(
    sight: Sight,
    reader_id: int | ColumnElement[int] | None,
    post: type[Post] | AliasedClass[Post] = Post,
) -> ColumnElement[bool]:
    """`visible_posts` for a reader of `sight` whose id (a member's: a `bindparam`, for a
    statement built once) is `reader_id`."""
    if sight is Sight.STAFF:
        return true()
    if sight is Sight.MEMBER:
        return or_(post.awaiting_approval.is_(False), post.author_id == reader_id)
    return post.awaiting_approval.is_(False)


def listed_threads(opening: AliasedClass[Post]) -> ColumnElement[bool]:
    """Which threads listings show, the same to every reader (a listing is no place for what
    only some may see): not removed, their opening post (`opening`, joined by the caller)
    published, and not withdrawn by its author before anyone answered."""
    return and_(
        Thread.removed_at.is_(None),
        opening.awaiting_approval.is_(False),
        or_(opening.deleted_by_author_at.is_(None), Thread.reply_count > 0),
    )


def public_posts(post: type[Post] | AliasedClass[Post] = Post) -> ColumnElement[bool]:
    """Posts standing in public, for lists of them (a member's profile, a feed): published,
    neither removed nor deleted, in a thread not removed whose opening post is published too (a
    staff reply to a thread still waiting must not show that thread's title). The caller's query
    reads `Thread`, joined or around this condition. (`post`: an alias of Post, for a
    subquery.)"""
    opening = aliased(Post)
    return and_(
        post.awaiting_approval.is_(False),
        post.removed_at.is_(None),
        post.deleted_by_author_at.is_(None),
        Thread.removed_at.is_(None),
        # The caller's `Thread`, however deep in the caller's query this condition stands.
        ~exists()
        .where(
            opening.thread_id == Thread.id,
            opening.parent_id.is_(None),
            opening.awaiting_approval.is_(True),
        )
        .correlate(Thread),
    )


def searchable_posts(reader, opening: AliasedClass[Post]) -> ColumnElement[bool]:
    """What a search may find for `reader`: posts standing (never a tombstone's words, not
    even for staff, who open removed text from its post, not by searching for it), that
    `reader` may see (`visible_posts`), in a thread not removed whose opening post (`opening`,
    joined by the caller, as `Thread`) they may see too. For a guest, `public_posts`."""
    return and_(
        Post.removed_at.is_(None),
        Post.deleted_by_author_at.is_(None),
        Thread.removed_at.is_(None),
        visible_posts(reader),
        visible_posts(reader, opening),
    )


# --- doing -------------------------------------------------------------------------------


def _authors_refusal(reader, act: Act, post: Post) -> Refusal | None:
    if not is_author(reader, post):
        return Refusal(403, "Only the person who wrote this post can change it.")
    if post.removed_at is not None:
        return Refusal(403, "The moderators removed this post, so it can't be changed.")
    if post.deleted_by_author_at is not None:
        return Refusal(403, "This post is deleted already.")
    if act == Act.UNLINK and post.anonymous:
        return Refusal(403, "This post doesn't show your name already.")
    return None


def _report_refusal(reader, post: Post) -> Refusal | None:
    if is_author(reader, post):
        return Refusal(403, "This is your own post: you can edit or delete it instead.")
    if post.is_gone:
        return Refusal(403, "This post has been taken down already.")
    if post.awaiting_approval:
        return Refusal(403, "A moderator is looking at this post already.")
    return None


def _answer_refusal(act: Act, post: Post, thread: Thread) -> Refusal | None:
    """A reply or a reaction: only to a standing, published post in an open thread."""
    what = "replies" if act == Act.REPLY else "reactions"
    if thread.locked:
        return Refusal(403, f"This thread is locked and takes no new {what}.")
    if post.removed_at is not None:
        return Refusal(403, f"The moderators removed this post: it takes no {what}.")
    if post.deleted_by_author_at is not None:
        return Refusal(403, f"Its author deleted this post: it takes no {what}.")
    if post.awaiting_approval:
        return Refusal(403, f"This post is waiting for a moderator, and takes no {what} yet.")
    if act == Act.REPLY and post.depth >= MAX_DEPTH:
        return Refusal(
            403,
            "This conversation is as deep as it can go here. Please reply to a post higher "
            "up in the thread.",
        )
    if act == Act.REACT and post.may_be_at_risk:
        return Refusal(403, "Reactions are switched off on this post: a kind reply helps more.")
    return None


def state_refusal(reader, act: Act, post: Post, thread: Thread) -> Refusal | None:
    """Why `reader`, who can see `post`, may not `act` on it as things stand; None when they
    may. Suspension is asked separately, first."""
    if act in AUTHORS_ACTS:
        return _authors_refusal(reader, act, post)
    if act == Act.REPORT:
        return _report_refusal(reader, post)
    return _answer_refusal(act, post, thread)


def may(reader, act: Act, post: Post, thread: Thread) -> bool:
    """Whether to offer `act` on `post`: the reader can see it, isn't suspended, and the post's
    state allows it. A guest is offered what a member could do, and logs in first."""
    if seeing_refusal(reader, post, thread) is not None:
        return False
    if reader.is_authenticated and reader.is_suspended:
        return False
    if not reader.is_authenticated and act in AUTHORS_ACTS:
        return False
    return state_refusal(reader, act, post, thread) is None


# --- moderating --------------------------------------------------------------------------


def moderation_refusal(actor: User, subject: User | None, anonymous: bool) -> str | None:
    """Why `actor` may not moderate a post or account of `subject` (None: an account that no
    longer exists); None when they may. `anonymous`: acting through an anonymous post, where
    the author's role is never consulted, so no answer can tell who wrote it."""
    if subject is None:
        return None
    if subject.id == actor.id:
        return "You can't take this action on your own account or posts."
    if subject.is_admin and not actor.is_admin and not anonymous:
        return "This needs an admin."
    return None
