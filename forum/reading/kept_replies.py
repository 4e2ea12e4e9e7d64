"""Members' replies kept rendered: the replies on a page of a thread read the same for every
member, but for a few things of each member's own. So they are rendered once per change of the
thread and per those things, and kept in the worker's memory (as guests' whole pages are, in
forum.web.guest_pages); the next member with the same things gets them without the thread's
posts being loaded or a card being rendered.

What the replies show of their reader is the key they are kept under, with the validator a
guest's copy of the page would carry (the thread's last change, the code, the settings, the
shape, the minute its times are worded in) and the page asked for:

- which of the page's posts are the reader's own ("(you)", Edit and Delete, no Report),
- which they reacted to, and how (a button pressed),
- which are new to them, and where their visit began (the next page's link carries it),
- which are by members they muted (folded),
- whether they are suspended (nothing offered) and unfold content warnings.

Their forms' CSRF token is put in on the way out. The rest of the page (the header with the
bell, the opening post, "N new replies") is rendered for each request.

Never kept, rendered every time: staff's pages (they see posts nobody else does, and tools), the
page of a member who has replies of their own waiting for a moderator in the thread (they see
them, no one else does), or whose opening post waits, and a page with a message for one of
its cards.
"""

from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..models import Post, Thread
from ..policy import is_staff
from ..web.conditional import thread_validator
from ..web.guest_pages import PageShelf
from .queries import ThreadView, opening_post, thread_view

# Where a reader's CSRF token stood in a kept rendering: no page holds a NUL character.
_TOKEN = "\0csrf-token\0"
_HAS_FORMS = 'name="csrf_token"'


@dataclass(frozen=True)
class Shown:
    """What the rules for a reader's own things (`policy.is_author`, `ThreadView.is_muted`,
    `following.unread.is_new`) and the page (`views.shown_posts`) read of a post: kept with the
    page's outline, so that a member's things on a kept page are found without its posts."""

    id: int
    parent_id: int | None
    depth: int
    author_id: int | None
    anonymous: bool
    is_gone: bool

    @classmethod
    def of(cls, post: Post) -> "Shown":
        return cls(
            post.id, post.parent_id, post.depth, post.author_id, post.anonymous, post.is_gone
        )


@dataclass(frozen=True)
class Outline:
    """A page of a thread's replies as every member sees it who sees no more than guests do:
    enough to answer for a page without loading its posts."""

    opening_id: int
    posts: tuple[Shown, ...]
    """Every post the page loaded (the opening post too), in display order."""
    next_start: int | None
    has_replies: bool

    @classmethod
    def of(
        cls,
        posts: list[Post],
        next_start: int | None,
        opening: Post,
        children: dict[int | None, list[Post]],
    ) -> "Outline":
        """The outline of a page loaded (`forum.reading.queries.thread_page`)."""
        return cls(opening.id, tuple(map(Shown.of, posts)), next_start, opening.id in children)

    @property
    def size(self) -> int:
        """About the bytes it holds."""
        return 200 + 120 * len(self.posts)


class Found(NamedTuple):
    """A page found kept for its reader: what the rest of the page needs, and its replies."""

    outline: Outline
    opening: Post
    view: ThreadView
    replies: Markup


class KeptReplies:
    """One page of a thread's replies, for the member reading it: found kept, or to keep once
    rendered."""

    def __init__(self, shelf: PageShelf, page_key: tuple, reader) -> None:
        self.shelf = shelf
        self.page_key = page_key
        self.reader = reader

    def find(self, thread: Thread, since: int | None) -> Found | None:
        """The page's replies as kept for this reader (`since`: where their visit began), with
        its opening post and view; None when they must be rendered."""
        outline = self.shelf.get(("outline", self.page_key))
        if outline is None:
            return None
        opening = opening_post(thread)
        if opening.id != outline.opening_id or opening.awaiting_approval:
            return None  # kept for a page that no longer is; or its author's page alone
        view = thread_view(thread, outline.posts, self.reader, opening, since)
        kept = self.shelf.get(self._key(outline, view, since))
        if kept is None:
            return None
        html = kept.decode()
        if _TOKEN in html:
            html = html.replace(_TOKEN, generate_csrf())
        return Found(outline, opening, view, Markup(html))

    def keep(self, outline: Outline, view: ThreadView, since: int | None, html: str) -> Markup:
        """Keep the replies rendered for this reader (`html`), and the page's outline."""
        kept = (html.replace(generate_csrf(), _TOKEN) if _HAS_FORMS in html else html).encode()
        self.shelf.put(self._key(outline, view, since), kept, len(kept))
        self.shelf.put(("outline", self.page_key), outline, outline.size)
        return Markup(html)

    def _key(self, outline: Outline, view: ThreadView, since: int | None) -> tuple:
        return ("replies", self.page_key, _readers_things(outline, view, since))


def keeping(
    thread: Thread, reader, start: int | None, limit: int | None, waiting: int
) -> KeptReplies | None:
    """The kept replies of this page of `thread` for `reader`, or None when theirs are never
    kept (see above; `waiting`: how many of the thread's replies waiting for a moderator the
    reader sees)."""
    shelf = current_app.extensions.get("member_replies")
    if (
        shelf is None
        or request.method != "GET"
        or not reader.is_authenticated
        or is_staff(reader)
        or waiting
        or session.get("_flashes")
        or g.get("sent_post_id") is not None
    ):
        return None
    return KeptReplies(shelf, (thread_validator(thread), thread.id, start, limit), reader)


def _readers_things(outline: Outline, view: ThreadView, since: int | None) -> tuple:
    """Everything the replies show that depends on who reads them (see above), asked of the
    same rules the cards ask."""
    reader = view.reader
    posts = outline.posts
    return (
        reader.is_suspended,
        reader.unfold_content_warnings,
        frozenset(post.id for post in posts if view.wrote(post)),
        frozenset(post.id for post in posts if view.is_muted(post)),
        frozenset(post.id for post in posts if view.is_new(post)),
        frozenset(view.reactions.mine),
        # The link to the next page carries where the visit began. (Whether htmx brought the
        # page in, its first reply then taking the focus, is the validator's shape.)
        since if outline.next_start is not None else None,
    )


def init_app(app: Flask) -> None:
    budget = app.config["MEMBER_REPLIES_KEPT_BYTES"]
    if budget > 0:
        app.extensions["member_replies"] = PageShelf(budget)
