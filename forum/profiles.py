"""Public profiles: a pseudonym, when they joined, their bio, and their named posts only."""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlalchemy import select

from . import members
from .database import db
from .htmx import render_page
from .models import Post, Thread

bp = Blueprint("profiles", __name__)


def named_posts(user_id: int, before: int | None, limit: int) -> list[tuple[Post, Thread]]:
    """A member's posts under their own name, newest first, with their threads. Anonymous,
    deleted and removed posts never appear: nothing may link them to the account."""
    query = (
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == user_id,
            Post.anonymous.is_(False),
            Post.deleted_by_author_at.is_(None),
            Post.removed_at.is_(None),
            Post.awaiting_approval.is_(False),
        )
        .order_by(Post.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Post.id < before)
    return [tuple(row) for row in db.session.execute(query)]


@bp.get("/u/<pseudonym>")
def profile(pseudonym: str):
    """A member's public page."""
    user = members.find_member(pseudonym)
    if user is None:
        abort(404)
    if pseudonym != user.pseudonym:
        return redirect(url_for(".profile", pseudonym=user.pseudonym), 301)
    before = request.args.get("before", type=int)
    if "before" in request.args and not (before and 0 < before < 2**31):
        abort(404)
    per_page = current_app.config["THREADS_PER_PAGE"]
    posts = named_posts(user.id, before, per_page)
    older = posts[per_page - 1][0].id if len(posts) > per_page else None
    return render_page(
        "profiles/profile.html", "post_list", member=user, posts=posts[:per_page], older=older
    )
