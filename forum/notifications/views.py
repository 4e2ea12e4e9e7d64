"""A member's notifications at /notifications, the header's bell, and marking them read. Every
action is a plain form first; htmx makes it instant."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user

from ..database import db
from ..web.access import members_only
from ..web.pagination import before_id_or_404
from ..web.partials import render_page, render_part, wants_partial
from . import marking
from .bell import unread_notifications
from .entries import entry_page
from .forms import MarkAllReadForm, MarkReadForm
from .waiting import waiting_for

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
# Every page here is a member's own.
bp.before_request(members_only)
# For the header's bell, which base.html shows members only. Registered by the feature that
# owns the query: forum.web, which keeps the other template globals, imports no feature.
bp.add_app_template_global(unread_notifications)


def _shown(before: int | None = None, **context) -> dict:
    """What the page shows: a page of entries, and on the first, the stories waiting for a
    listener."""
    per_page = current_app.config["NOTIFICATIONS_PER_PAGE"]
    return {
        "page": entry_page(current_user, before, per_page),
        "waiting": waiting_for(current_user) if before is None else None,
        "before": before,
        **context,
    }


@bp.get("")
def index():
    """Newest first, a page at a time (`?before=`; with htmx, the older ones come in place of
    the link); replies in one thread as one entry, each linking to the post in place."""
    return render_page("notifications/index.html", "entries", **_shown(before_id_or_404()))


@bp.get("/bell")
def bell():
    """The header's bell with the unread count now, which htmx asks for while the page is in
    sight. Asked for as a page, it is the notifications, which say the same at length."""
    if not wants_partial():
        return redirect(url_for(".index"), 303)
    return render_page("base.html", "notifications_link")


@bp.post("/read")
def mark_read():
    """Mark one entry read."""
    form = MarkReadForm()
    key = form.key if form.validate_on_submit() else None
    if key is None:
        abort(400)
    marking.mark_read(current_user, key, form.upto.data or 0)
    return _marked("Marked as read.", focus=key.text)


@bp.post("/read-all")
def mark_all_read():
    """Mark read every entry shown, and the waiting stories shown."""
    form = MarkAllReadForm()
    if not form.validate_on_submit():
        abort(400)
    marking.mark_all_read(current_user, form.upto.data or 0, form.waiting_ids)
    return _marked("All marked as read.")


def _marked(said: str, focus: str | None = None):
    """Without JavaScript: back to the notifications, saying so. With htmx: the notifications
    as they stand, the entry marked read taking the focus, and the bell (out of band); made
    before the commit, as the posting views do, so that nothing failing after it can say it
    wasn't done."""
    if not wants_partial():
        flash(said)
        db.session.commit()
        return redirect(url_for(".index"), 303)
    db.session.flush()
    answer = render_part(
        "notifications/index.html", "notifications", **_shown(said=said, focus=focus)
    ) + render_part("base.html", "notifications_link", oob=True)
    db.session.commit()
    return answer
