"""Addresses: the id converter every route uses, a post's permanent address, and the only
places a form may send someone back to."""

import unicodedata
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter

from ..models import Post, Thread


class IdConverter(IntegerConverter):
    """A database id: a number too large for the column is a 404, not a database error."""

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


# Two ids of different lengths that no address holds otherwise: an address built with each
# shows where the id goes, and that nothing else about it changes with the id.
_PROBES = (1_357_924_680, 7)


def address(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)`, the same address, built for less: a page of 200 posts
    links each of them a few times (reply, react, report...), and werkzeug builds each address
    from the route's rules, again and again. Here an address with one id (`post_id=12`) is cut
    once per request around a probe id and then filled in with each post's; any other address
    is built once per request and kept, in the request's environ: an app context (and its `g`)
    may outlive a request. (Templates call this as `url_for`.)"""
    if not has_request_context() or endpoint.startswith("."):  # "." is relative to a blueprint
        return url_for(endpoint, **values)
    if len(values) == 1:
        ((name, value),) = values.items()
        if type(value) is int and not name.startswith("_"):
            shapes = request.environ.setdefault("forum.address_shapes", {})
            shape = shapes.get((endpoint, name))
            if shape is None:
                shape = shapes[(endpoint, name)] = _shape(endpoint, name)
            if shape:
                return f"{shape[0]}{value}{shape[1]}"
            return url_for(endpoint, **values)
    try:
        key = (endpoint, *sorted(values.items()))
        built = request.environ.setdefault("forum.addresses", {})
        if key not in built:
            built[key] = url_for(endpoint, **values)
        return built[key]
    except TypeError:  # a value that can't be a key (a list): built as it comes
        return url_for(endpoint, **values)


def _shape(endpoint: str, name: str) -> tuple[str, str] | tuple[()]:
    """What comes before and after the id in `endpoint`'s address; () when the id isn't
    written as itself (zero-padded, say), and every address has to be built."""
    long, short = (url_for(endpoint, **{name: probe}) for probe in _PROBES)
    parts = long.split(str(_PROBES[0]))
    if len(parts) == 2 and f"{parts[0]}{_PROBES[1]}{parts[1]}" == short:
        return parts[0], parts[1]
    return ()


def thread_url(thread: Thread) -> str:
    return url_for("reading.thread", thread_id=thread.id, slug=thread.slug)


def pages_replies(thread: Thread) -> bool:
    """Whether `thread` shows its replies a page at a time: once more than REPLIES_PER_PAGE
    replies are published. Below that its first page shows every reply, waiting ones too, so
    that a reply's address needs no page."""
    return thread.reply_count > current_app.config["REPLIES_PER_PAGE"]


def post_url(post: Post, thread: Thread, since: int | None = None) -> str:
    """A post's permanent address: its place on the thread page, or, for a reply deep enough to
    be shown on a page of its own, that page. In a thread paged by its replies, the page that
    starts with the reply's branch (`?from=` the reply to the opening post it hangs under, read
    from its path: no query), so that a reply from any page is found. (As `url_for` would write
    it, from addresses built once per request.) `since`: where a member's visit to the thread
    began, for a link from one of its pages to another, which then marks as new what this one
    did."""
    query = f"since={since}" if since is not None else ""
    if post.depth > current_app.config["MAX_VISIBLE_DEPTH"]:
        page = address("reading.post_in_context", post_id=post.id)
    else:
        page = address("reading.thread", thread_id=thread.id, slug=thread.slug)
        if post.depth >= 1 and pages_replies(thread):
            start = post.ancestor_ids[1] if post.depth > 1 else post.id
            query = "&".join(filter(None, [f"from={start}", query]))
    return f"{page}{'?' if query else ''}{query}#p{post.id}"


def absolute_url(path: str) -> str:
    """An address of this site (`path`, as `url_for` writes it) whole, with the scheme and host
    the request came to: for what is read away from the site (a feed)."""
    return urljoin(request.host_url, path)


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
