"""Addresses: the id converter every route uses, a post's permanent address, and the only
places a form may send someone back to."""

import unicodedata
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.routing import IntegerConverter

from ..models import Post, Thread


class IdConverter(IntegerConverter):
    """A database id: a number too large for the column is a 404, not a database error."""

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def thread_url(thread: Thread) -> str:
    return url_for("reading.thread", thread_id=thread.id, slug=thread.slug)


def pages_replies(thread: Thread) -> bool:
    """Whether `thread` shows its replies a page at a time: once more than REPLIES_PER_PAGE
    replies are published. Below that its first page shows every reply, waiting ones too, so
    that a reply's address needs no page."""
    return thread.reply_count > current_app.config["REPLIES_PER_PAGE"]


def post_url(post: Post, thread: Thread) -> str:
    """A post's permanent address: its place on the thread page, or, for a reply deep enough to
    be shown on a page of its own, that page. In a thread paged by its replies, the page that
    starts with the reply's branch (`?from=` the reply to the opening post it hangs under, read
    from its path: no query), so that a reply from any page is found."""
    if post.depth > current_app.config["MAX_VISIBLE_DEPTH"]:
        return url_for("reading.post_in_context", post_id=post.id, _anchor=f"p{post.id}")
    page = {}
    if post.depth >= 1 and pages_replies(thread):
        page["from"] = post.ancestor_ids[1] if post.depth > 1 else post.id
    return url_for(
        "reading.thread", thread_id=thread.id, slug=thread.slug, _anchor=f"p{post.id}", **page
    )


def safe_next(target: str | None) -> str:
    """Where to go after logging in (or any form that sends someone back): only a path on this
    site, never another host. Browsers drop tabs and line breaks from an address before
    reading it ("/%09/host", decoded, is "//host" to them), and a line break can't go in a
    header at all: a target with any control character or space is refused, not cleaned."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(_unsafe_in_address(char) for char in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("reading.home")


def _unsafe_in_address(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("C")
