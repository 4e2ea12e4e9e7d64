"""Public profiles: a pseudonym, when they joined, their bio, and their named posts only."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import members
from .accounts import safe_next
from .database import db
from .htmx import render_page
from .models import Mute, Post, Thread
from .posting_forms import ConfirmForm
from .queries import muted_by

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
            Thread.removed_at.is_(None),
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
        "profiles/profile.html",
        "post_list",
        member=user,
        posts=posts[:per_page],
        older=older,
        muted=user.id in muted_by(current_user),
        # Only members get the form: its CSRF token would give a guest a session cookie.
        form=ConfirmForm(formdata=None) if current_user.is_authenticated else None,
    )


@bp.post("/u/<pseudonym>/mute")
@login_required
def mute(pseudonym: str):
    """Mute or unmute a member: their named posts fold away for me. They are never told."""
    user = members.find_member(pseudonym)
    if user is None:
        abort(404)
    if user.id == current_user.id or not ConfirmForm().validate_on_submit():
        abort(400)
    existing = db.session.scalar(
        select(Mute).where(Mute.muter_id == current_user.id, Mute.muted_id == user.id)
    )
    if existing:
        db.session.delete(existing)
        flash(f"You unmuted {user.pseudonym}.")
    else:
        db.session.add(Mute(muter_id=current_user.id, muted_id=user.id))
        flash(f"You muted {user.pseudonym}. Their posts fold away for you; they aren't told.")
    try:
        db.session.commit()
    except IntegrityError:  # the same mute sent twice at once
        db.session.rollback()
    back = request.form.get("back") or url_for(".profile", pseudonym=user.pseudonym)
    return redirect(safe_next(back), 303)
