"""What guests and members read: the home listing, stories, threads, a post in context and a
member's public profile."""

from collections.abc import Sequence
from datetime import timedelta
from typing import TypeVar

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from ..accounts.members import find_member
from ..database import database_answers
from ..extensions import rate_limit_storage_answers
from ..following.places import note_read, place_in, visit_start
from ..following.unread import NewReplies, new_replies
from ..models import Post, Thread, ThreadKind
from ..web.access import readable_post, readable_thread
from ..web.conditional import site_unchanged, thread_unchanged
from ..web.errors import RETRY_AFTER_SECONDS
from ..web.forms import ConfirmForm
from ..web.pagination import before_id_or_404, cursor_or_404, start_id_or_404
from ..web.partials import render_page, wants_partial
from ..web.urls import pages_replies, post_url, thread_url
from .kept_replies import Outline, keeping
from .queries import (
    ancestors,
    children_by_parent,
    home_page,
    muted_by,
    named_posts,
    replies_waiting,
    subtree_posts,
    thread_page,
    thread_view,
    threads_by_activity,
    unanswered_stories,
)

bp = Blueprint("reading", __name__)
P = TypeVar("P")
THREAD_PAGE = "reading/thread.html"


@bp.get("/")
def home():
    """The pinned article first, then threads by last activity, a page at a time."""
    after = cursor_or_404()
    if (not_modified := site_unchanged("home")) is not None:
        return not_modified
    page = home_page(after, current_app.config["THREADS_PER_PAGE"])
    return render_page("reading/home.html", "thread_list_page", page=page, after=after)


@bp.get("/stories")
def stories():
    """Members' stories, by last activity, a page at a time."""
    after = cursor_or_404()
    if (not_modified := site_unchanged("stories")) is not None:
        return not_modified
    page = threads_by_activity(after, current_app.config["THREADS_PER_PAGE"], ThreadKind.STORY)
    return render_page("reading/stories.html", "thread_list_page", page=page, after=after)


@bp.get("/stories/unanswered")
@login_required
def unanswered():
    """No story left unanswered: stories still waiting for a first reply, oldest first."""
    hours = current_app.config["UNANSWERED_AFTER_HOURS"]
    stories = unanswered_stories(timedelta(hours=hours))
    return render_template("reading/unanswered.html", stories=stories, hours=hours)


@bp.get("/t/<id:thread_id>")
@bp.get("/t/<id:thread_id>-<slug>")
def thread(thread_id: int, slug: str | None = None):
    """A thread: its article or story, then its replies as a nested tree. A long thread shows
    its first replies to the opening post, each with its branch, and links to the next ones
    (`?from=` the reply the next page starts with; with htmx, they come in place of the link).
    A member's replies new since their last visit are marked, the first linked from the top,
    and their place in the thread moves on to the newest post the page shows."""
    thread = readable_thread(thread_id)
    # A guest whose copy is current hears so before anything else is read (on the one address
    # a page is served at: any other redirects there, or is a 404, as below).
    canonical = slug == thread.slug
    if canonical and (not_modified := thread_unchanged(thread)) is not None:
        return not_modified
    start = start_id_or_404()
    per_page = current_app.config["REPLIES_PER_PAGE"]
    limit = per_page if start or pages_replies(thread) else None
    waiting = replies_waiting(thread, current_user)
    place = place_in(current_user, thread)
    since = visit_start(current_user, thread, place)
    kept = keeping(thread, current_user, start, limit, waiting) if canonical else None
    found = kept.find(thread, since) if kept is not None else None
    if found is not None:
        outline, opening, view, replies = found
        children = None
    else:
        page = thread_page(thread, current_user, start, limit)
        if start is not None and (len(page.posts) < 2 or page.posts[1].id != start):
            abort(404)  # not a reply to the opening post, or not one this reader may see
        children = children_by_parent(page.posts)
        if None not in children:  # the opening post waits for approval, and not for this reader
            abort(404)
        if not canonical:
            # One address per thread; an old or missing slug still finds it (once the reader
            # may see the thread: the address carries its title).
            page_start = {"from": start} if start else {}
            return redirect(
                url_for(".thread", thread_id=thread.id, slug=thread.slug, **page_start), 301
            )
        opening = children[None][0]
        outline = Outline.of(page.posts, page.next_start, opening, children)
        view = thread_view(thread, page.posts, current_user, opening, since)
        replies = None
    shown = shown_posts(outline.posts, opening)
    # htmx asks for the next replies alone; any other part of the page, for the whole.
    block = "reply_page" if start else "content"
    # The link to the first new reply heads the page: the next replies alone need none.
    new = None if start and wants_partial() else new_replies(thread, current_user, since)
    context = dict(
        thread=thread,
        opening=opening,
        children=children,
        has_replies=outline.has_replies,
        start=start,
        next_start=outline.next_start,
        # The first reply htmx brought in takes the focus from the link that asked for it.
        focus_first=start is not None and wants_partial(),
        view=view,
        waiting=waiting,
        since=since,
        following=bool(place and place.following),
        first_new=new and first_new_address(new, shown, thread, since),
        new_count=new.count if new else 0,
    )
    if replies is None and kept is not None and not opening.awaiting_approval:
        # Rendered for this member, and kept for the next with the same things on the page.
        rendered = render_block(THREAD_PAGE, "reply_page", **context)
        replies = kept.keep(outline, view, since, rendered)
    answer = render_page(THREAD_PAGE, block, replies=replies, **context)
    note_read(current_user, place, thread.id, shown)
    return answer


@bp.get("/p/<id:post_id>")
def post_in_context(post_id: int):
    """One post and the replies below it, under the posts it answers; where a deep branch of
    a thread continues. New replies are marked as on the thread's page."""
    post, thread = readable_post(post_id)
    if post.parent_id is None:
        return redirect(thread_url(thread))
    if (not_modified := thread_unchanged(thread)) is not None:
        return not_modified
    above = ancestors(post, current_user)
    below = subtree_posts(post, current_user)
    if not below or len(above) != len(post.ancestor_ids):
        abort(404)  # waiting for approval, here or above, and not for this reader
    place = place_in(current_user, thread)
    since = visit_start(current_user, thread, place)
    answer = render_page(
        "reading/post.html",
        "content",
        thread=thread,
        post=post,
        ancestors=above,
        children=children_by_parent(below),
        view=thread_view(thread, above + below, current_user, above[0], since),
    )
    note_read(current_user, place, thread.id, above + shown_posts(below, post))
    return answer


def shown_posts(posts: Sequence[P], top: Post) -> list[P]:
    """Of `posts`, loaded for a page under `top`, those it shows: branches deeper than
    MAX_VISIBLE_DEPTH below `top` continue on pages of their own. (Posts, or what a kept page
    knows of them, forum.reading.kept_replies.Shown.)"""
    deepest = top.depth + current_app.config["MAX_VISIBLE_DEPTH"]
    return [post for post in posts if post.depth <= deepest]


def first_new_address(new: NewReplies, shown: Sequence, thread: Thread, since: int) -> str:
    """Where "Jump to the first new reply" goes: to it on this page, or to the page that shows
    it, carrying where the visit began (`since`) so that it is still marked there."""
    if any(post.id == new.first.id for post in shown):
        return f"#p{new.first.id}"
    return post_url(new.first, thread, since)


@bp.get("/u/<pseudonym>")
def profile(pseudonym: str):
    """A member's public page: a pseudonym, when they joined, their bio, and their named posts
    only."""
    user = find_member(pseudonym)
    if user is None:
        abort(404)
    if pseudonym != user.pseudonym:
        return redirect(url_for(".profile", pseudonym=user.pseudonym), 301)
    before = before_id_or_404()
    if (not_modified := site_unchanged("profile", user.id)) is not None:
        return not_modified
    per_page = current_app.config["THREADS_PER_PAGE"]
    posts = named_posts(user.id, before, per_page)
    older = posts[per_page - 1][0].id if len(posts) > per_page else None
    return render_page(
        "reading/profile.html",
        "post_list",
        member=user,
        posts=posts[:per_page],
        older=older,
        muted=user.id in muted_by(current_user),
        # Only members get the form: its CSRF token would give a guest a session cookie.
        form=ConfirmForm(formdata=None) if current_user.is_authenticated else None,
    )


@bp.get("/healthz")
def healthz():
    """For load balancers, and whoever looks after the forum.

    - 200 {"status": "ok"}: the database and the rate limits' storage answer.
    - 200 {"status": "degraded", "rate_limits": "memory fallback"}: Redis doesn't answer. This
      server still serves every page, counting rate limits in its own memory until Redis is
      back; every server shares the one Redis, so a 503 here would take them all out of
      rotation at once, for a failure none of them can route around.
    - 503 {"status": "unavailable", "database": "unreachable"}: the database doesn't answer
      (within its timeouts: a few seconds); no page can be served.
    """
    problems = {}
    if not database_answers():
        problems["database"] = "unreachable"
    if not rate_limit_storage_answers():
        problems["rate_limits"] = "memory fallback"
    if "database" in problems:
        return {"status": "unavailable", **problems}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "degraded" if problems else "ok", **problems}
