"""Following a thread, and a member's own conversations (/me). Only ever the member's own:
nothing here tells anyone else who follows what, or who wrote an anonymous story."""

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_login import current_user, login_required

from ..database import db
from ..web.access import readable_opening
from ..web.forms import ConfirmForm
from ..web.pagination import cursor_or_404
from ..web.partials import render_page, wants_partial
from ..web.urls import safe_next, thread_url
from .conversations import count_new_replies, followed_by, started_by
from .places import choose_to_follow

bp = Blueprint("following", __name__)

_CHOICES = {"yes": True, "no": False}


@bp.post("/t/<id:thread_id>/follow")
@login_required
def follow(thread_id: int):
    """Follow a thread (`follow=yes`) or stop (`no`): a choice, not a toggle, so that a second
    press or a second tab can't undo the first. With htmx, the control in its new state;
    without, back to the page it was on."""
    thread = readable_opening(thread_id)
    following = _CHOICES.get(request.form.get("follow", ""))
    if following is None or not ConfirmForm().validate_on_submit():
        abort(400)
    choose_to_follow(current_user, thread.id, following)
    db.session.commit()
    back = request.form.get("back") or thread_url(thread)
    if wants_partial():
        return render_template(
            "following/_followed.html", thread=thread, following=following, back=back
        )
    return redirect(f"{safe_next(back)}#follow-{thread.id}", 303)


@bp.get("/me")
@login_required
def conversations():
    """My conversations: the stories and discussions I started, anonymous ones too, and the
    threads I follow, with their replies and those new since my last visit. Each list a page
    at a time (`?started=`, `?followed=`: where the page before ended); a later page shows
    its own list alone (with htmx, its next items in place of the link)."""
    started_after, followed_after = cursor_or_404("started"), cursor_or_404("followed")
    per_page = current_app.config["THREADS_PER_PAGE"]
    later = started_after or followed_after
    started = started_by(current_user, started_after, per_page) if not followed_after else None
    followed = followed_by(current_user, followed_after, per_page) if not started_after else None
    count_new_replies(current_user, *filter(None, (started, followed)))
    block = "started_items" if started_after else "followed_items" if followed_after else "content"
    return render_page(
        "following/conversations.html",
        block,
        started=started,
        followed=followed,
        later=later,
    )
