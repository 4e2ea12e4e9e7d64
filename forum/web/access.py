"""Who may reach what, as HTTP answers: signed-in members, active members (not suspended) and
moderators; and the rows a URL names, as `forum.policy` lets the reader see and act on them."""

from functools import cache

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login.config import EXEMPT_METHODS
from sqlalchemy import Select, bindparam, select

from ..database import db
from ..models import Post, Thread, post_with_author
from ..policy import Act, Refusal, seeing_refusal, state_refusal, thread_refusal
from .wording import suspension_notice


def refuse_if_suspended() -> None:
    """A suspended member may read, but not write: 403 with the notice saying why and until when."""
    if current_user.is_suspended:
        abort(403, description=suspension_notice(current_user))


def members_only() -> ResponseReturnValue | None:
    """A blueprint's `before_request` for pages that are a member's own: guests log in first."""
    if request.method in EXEMPT_METHODS:  # as `login_required` does: OPTIONS asks nothing
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def moderators_only() -> ResponseReturnValue | None:
    """A blueprint's `before_request` for moderators' pages: guests log in, members get 403,
    and a suspended moderator can't moderate. Checked on the server, for every route."""
    signed_out = members_only()
    if signed_out is not None or request.method in EXEMPT_METHODS:
        return signed_out
    if not current_user.is_moderator:
        abort(403, description="This is for moderators.")
    refuse_if_suspended()
    return None


def refuse(refusal: Refusal | None) -> None:
    """Answer with the policy's refusal, if there is one (in the error page's own words, when
    the refusal has none)."""
    if refusal is not None:
        abort(refusal.status, description=refusal.message or None)


def get_thread_or_404(thread_id: int) -> Thread:
    """The thread, for internal use: no check of who may see it (see `readable_thread`)."""
    thread = db.session.scalar(_thread_statement(), {"thread_id": thread_id})
    if thread is None:
        abort(404)
    return thread


# Built once per process: every thread page looks its thread up first, and Session.get builds
# its statement anew each time (as long as running it, for a page kept rendered).
@cache
def _thread_statement() -> Select:
    return select(Thread).where(Thread.id == bindparam("thread_id"))


def readable_thread(thread_id: int) -> Thread:
    """The thread, if the reader may open it: 404 when there is none, 410 when removed."""
    thread = get_thread_or_404(thread_id)
    refuse(thread_refusal(current_user, thread))
    return thread


def readable_opening(thread_id: int) -> Thread:
    """The thread, if the reader may see its page: as `readable_thread`, and 404 while its
    opening post waits for a moderator and not for this reader (the page's own answer)."""
    thread = readable_thread(thread_id)
    opening = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    ).one()
    refuse(seeing_refusal(current_user, opening, thread))
    return thread


def get_post_or_404(post_id: int) -> Post:
    """The post with its author (pages show the author), or 404."""
    post = post_with_author(post_id)
    if post is None:
        abort(404)
    return post


def readable_post(post_id: int) -> tuple[Post, Thread]:
    """The post and its thread, if the reader may see the post: otherwise 404, the very page a
    post that never existed gets (or 410 for a removed thread)."""
    post = get_post_or_404(post_id)
    thread = get_thread_or_404(post.thread_id)
    refuse(seeing_refusal(current_user, post, thread))
    return post, thread


def post_to_act_on(act: Act, post_id: int) -> tuple[Post, Thread]:
    """The post and its thread, if the signed-in reader may see it and `act` on it as things
    stand: otherwise 404/410 as for reading, the suspension notice, or the policy's refusal
    with a message saying why, in that order."""
    post, thread = readable_post(post_id)
    refuse_if_suspended()
    refuse(state_refusal(current_user, act, post, thread))
    return post, thread
