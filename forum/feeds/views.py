"""The feeds' addresses: `/feed.atom` (new threads), `/stories/feed.atom` (new stories) and a
thread's `feed.atom` (its newest replies), beside the pages they follow. Each shows what a guest
may see, whoever asks, and answers a guest's conditional request as the pages do (a `304`
decided before anything is built)."""

from flask import (
    Blueprint,
    Response,
    current_app,
    get_template_attribute,
    redirect,
    request,
    url_for,
)

from ..models import Thread, ThreadKind
from ..policy import GUEST, seeing_refusal, thread_refusal
from ..reading.queries import opening_post
from ..web.access import get_thread_or_404, refuse
from ..web.conditional import site_unchanged, thread_unchanged
from ..web.urls import absolute_url, address, thread_url
from .atom import MIMETYPE, Feed, atom
from .entries import reply_entry, thread_entry
from .queries import newest_replies, newest_threads

bp = Blueprint("feeds", __name__)


@bp.get("/feed.atom")
def conversations():
    """New threads of every kind, newest first."""
    return threads_feed("conversations", address("reading.home"))


@bp.get("/stories/feed.atom")
def stories():
    """New stories, newest first."""
    return threads_feed("stories", address("reading.stories"), ThreadKind.STORY)


@bp.get("/t/<id:thread_id>/feed.atom")
@bp.get("/t/<id:thread_id>-<slug>/feed.atom")
def replies(thread_id: int, slug: str | None = None):
    """A thread's newest replies. Like the thread's page, it has one address: any other finds
    it (once a guest may see the thread: the address carries its title)."""
    thread = get_thread_or_404(thread_id)
    refuse(thread_refusal(GUEST, thread))
    if slug == thread.slug:  # as the thread's page: a copy is current at its own address only
        not_modified = thread_unchanged(thread, "replies feed", relative_times=False)
        if not_modified is not None:
            return not_modified
    opening = opening_post(thread)
    refuse(seeing_refusal(GUEST, opening, thread))  # waiting for a moderator: there is none
    if slug != thread.slug:
        return redirect(url_for(".replies", thread_id=thread.id, slug=thread.slug), 301)
    posts = newest_replies(thread, current_app.config["FEED_ENTRIES"])
    return atom_response(
        Feed(
            # Its address without the title: the feed stays the same one when it is retitled.
            id=absolute_url(address("feeds.replies", thread_id=thread.id)),
            title=feed_title("replies", thread),
            page=absolute_url(thread_url(thread)),
            address=request.base_url,
            entries=[reply_entry(post, thread, opening) for post in posts],
            since=thread.created_at,
        )
    )


def threads_feed(feed: str, page: str, kind: ThreadKind | None = None) -> Response:
    if (not_modified := site_unchanged(feed, "feed", relative_times=False)) is not None:
        return not_modified
    threads = newest_threads(current_app.config["FEED_ENTRIES"], kind)
    return atom_response(
        Feed(
            id=request.base_url,
            title=feed_title(feed),
            page=absolute_url(page),
            address=request.base_url,
            entries=[thread_entry(opening, thread) for opening, thread in threads],
        )
    )


def feed_title(feed: str, thread: Thread | None = None) -> str:
    """As the pages name the feed (templates/feeds/links.html), as plain text."""
    return get_template_attribute("feeds/links.html", "feed_title")(feed, thread).unescape()


def atom_response(feed: Feed) -> Response:
    return Response(atom(feed), mimetype=MIMETYPE)
