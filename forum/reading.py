"""What guests and members read: the home listing, threads, and a post in context."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .database import db
from .htmx import render_page
from .models import Post, Thread, ThreadKind
from .queries import (
    Cursor,
    ancestors,
    children_by_parent,
    home_page,
    subtree_posts,
    thread_posts,
    thread_view,
    threads_by_activity,
    unanswered_stories,
)

bp = Blueprint("reading", __name__)


def _cursor_or_404() -> Cursor | None:
    if "after" not in request.args:
        return None
    after = Cursor.parse(request.args["after"])
    if after is None:
        abort(404)
    return after


@bp.get("/")
def home():
    """The pinned article first, then threads by last activity, a page at a time."""
    after = _cursor_or_404()
    page = home_page(after, current_app.config["THREADS_PER_PAGE"])
    return render_page("reading/home.html", "thread_list_page", page=page, after=after)


@bp.get("/stories")
def stories():
    """Members' stories, by last activity, a page at a time."""
    after = _cursor_or_404()
    page = threads_by_activity(after, current_app.config["THREADS_PER_PAGE"], ThreadKind.STORY)
    return render_page("reading/stories.html", "thread_list_page", page=page, after=after)


@bp.app_template_global()
def post_url(post: Post, thread: Thread) -> str:
    """A post's permanent address: its place on the thread page, or, for a reply deep enough to
    be shown on a page of its own, that page."""
    if post.depth <= current_app.config["MAX_VISIBLE_DEPTH"]:
        return url_for(
            "reading.thread", thread_id=thread.id, slug=thread.slug, _anchor=f"p{post.id}"
        )
    return url_for("reading.post_in_context", post_id=post.id, _anchor=f"p{post.id}")


@bp.get("/stories/unanswered")
@login_required
def unanswered():
    """No story left unanswered: stories still waiting for a first reply, oldest first."""
    hours = current_app.config["UNANSWERED_AFTER_HOURS"]
    stories = unanswered_stories(timedelta(hours=hours))
    return render_template("reading/unanswered.html", stories=stories, hours=hours)


def get_thread_or_404(thread_id: int) -> Thread:
    return db.get_or_404(Thread, thread_id)


@bp.get("/t/<id:thread_id>")
@bp.get("/t/<id:thread_id>-<slug>")
def thread(thread_id: int, slug: str | None = None):
    """A thread: its article or story, then every reply as a nested tree."""
    thread = get_thread_or_404(thread_id)
    if slug != thread.slug:
        # One address per thread; an old or missing slug still finds it.
        return redirect(url_for(".thread", thread_id=thread.id, slug=thread.slug), 301)
    posts = thread_posts(thread, current_user)
    children = children_by_parent(posts)
    if None not in children:  # the opening post waits for approval, and not for this reader
        abort(404)
    opening = children[None][0]
    return render_page(
        "reading/thread.html",
        "content",
        thread=thread,
        opening=opening,
        children=children,
        view=thread_view(thread, posts, current_user, opening),
    )


@bp.get("/p/<id:post_id>")
def post_in_context(post_id: int):
    """One post and the replies below it, under the posts it answers; where a deep branch of
    a thread continues."""
    post = db.get_or_404(Post, post_id)
    thread = get_thread_or_404(post.thread_id)
    if post.parent_id is None:
        return redirect(url_for(".thread", thread_id=thread.id, slug=thread.slug))
    above = ancestors(post, current_user)
    below = subtree_posts(post, current_user)
    if not below or len(above) != len(post.ancestor_ids):
        abort(404)  # waiting for approval, here or above, and not for this reader
    return render_page(
        "reading/post.html",
        "content",
        thread=thread,
        post=post,
        ancestors=above,
        children=children_by_parent(below),
        view=thread_view(thread, above + below, current_user, above[0]),
    )


@bp.get("/healthz")
def healthz():
    """For load balancers: the app answers and its database does too."""
    db.session.execute(select(1))
    return {"status": "ok"}
