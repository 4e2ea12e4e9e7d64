"""Moderation over HTTP, in two blueprints: `moderation` is everything under /mod that only
moderators reach (the role is checked once, before every request), and `moderation_public` is
what everyone reaches: the public log and a member's report on a post."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..database import db, utcnow
from ..models import (
    INDEFINITELY,
    Post,
    RemovalReason,
    ReportReason,
    RevealRequest,
    Suspension,
    Thread,
    User,
)
from ..policy import Act
from ..reading.queries import thread_view
from ..web.access import (
    get_post_or_404,
    get_thread_or_404,
    moderators_only,
    post_to_act_on,
)
from ..web.forms import ConfirmForm, RemoveForm, form_status, with_ids
from ..web.notices import flash_at
from ..web.pagination import before_id_or_404
from ..web.partials import render_page, render_part, wants_partial
from ..web.urls import post_url, thread_url
from ..web.wording import plural, suspension_end
from . import actions, reports
from .forms import LockForm, ReportForm, RevealForm, SuspendForm
from .queries import log_page, month_counts, posts_waiting_for_moderators
from .queue import Section, first_pages, page_after, queue_item, waits

bp = Blueprint("moderation", __name__, url_prefix="/mod")
bp.before_request(moderators_only)
# For the header's Moderation link, which base.html shows staff only (and so asks nothing on
# anyone else's pages). Registered by the feature that owns the query: forum.web, which keeps
# the other template globals, imports no feature.
bp.add_app_template_global(posts_waiting_for_moderators)

public = Blueprint("moderation_public", __name__)


def _from_queue() -> bool:
    return request.form.get("from") == "queue"


def _back_to(post: Post | None = None, thread: Thread | None = None) -> Response:
    """Where a plain (no-JS) moderation form returns to: the queue, or the post it acted on."""
    if _from_queue():
        return redirect(url_for(".queue"), 303)
    if post is not None:
        return redirect(post_url(post, thread or get_thread_or_404(post.thread_id)), 303)
    return redirect(thread_url(thread), 303)


def _act(action: Callable, args: tuple, answer: Callable[[str | None, Any], ResponseReturnValue]):
    """Run a moderating action, and `answer(refusal, result)`: with the refusal's message if it
    was refused, else with None and what the action returned, made before the commit (as the
    posting views do), so that nothing failing after it can say an action that was taken
    wasn't."""
    try:
        result = action(*args)
    except actions.Refused as refused:
        db.session.rollback()
        return answer(str(refused), None)
    db.session.flush()
    response = answer(None, result)
    db.session.commit()
    return response


def _flashed(done: str, to: Callable[[], Response]) -> Callable[[str | None, Any], Response]:
    """An answer for `_act` from a plain form: the refusal or `done` flashed, then `to()`."""

    def answer(refusal: str | None, result: Any = None) -> Response:
        flash(refusal or done)
        return to()

    return answer


def _to_queue() -> Response:
    return redirect(url_for(".queue"), 303)


def _confirmed() -> None:
    """A bare button's form: refused (400) without a valid CSRF token."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _problems(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


# --- the queue ---------------------------------------------------------------------------


@bp.get("")
def queue():
    """Open reports (at risk first), posts waiting for approval, suspensions in force and
    reveal requests, the first page of each. `?section=reports&after=...` is a later page of
    one section: alone on a page of its own, or with htmx its items in place of the "More"
    link."""
    if "section" not in request.args:
        return render_template(
            "moderation/queue.html", pages=first_pages(), mark="", suspend_form=suspend_form
        )
    section = _section_or_404()
    after = request.args.get("after")
    page = page_after(section, after)
    if page is None:
        abort(404)
    return render_page(
        "moderation/queue.html",
        f"{section}_items",
        pages={section: page},
        only=section,
        # A later page's cursor is its own (they only grow), and holds digits and "-" only.
        mark=f"-after-{after}" if after else "",
        suspend_form=suspend_form,
    )


def _section_or_404() -> Section:
    try:
        return Section(request.args["section"])
    except ValueError:
        abort(404)


def suspend_form(card: str) -> SuspendForm:
    """The form to suspend a post's author, with ids of its own for the card `card`."""
    return with_ids(SuspendForm(formdata=None), f"{card}-suspend")


# --- what waits, for the header ----------------------------------------------------------


@bp.get("/waiting")
def waiting():
    """The header's Moderation link with what waits now, which htmx asks for every minute.
    Asked for as a page, it is the queue, which says the same at length."""
    if not wants_partial():
        return redirect(url_for(".queue"), 303)
    return render_page("base.html", "moderation_link")


# --- acting on posts ---------------------------------------------------------------------

# The id of a queue card, as its forms send it back: a section's, a post's id, and on a later
# page of the section, that page's cursor.
_CARD = re.compile(r"(report|waiting)-(\d{1,10})(-after-\d{1,18}(-\d{1,18}){0,3})?")


def _card(post: Post) -> str:
    """The id of the queue card the moderator acted from, so that htmx's answer takes its place
    under the same id: the form's, if it is one of this post's cards."""
    card = request.form.get("card", "")
    match = _CARD.fullmatch(card)
    return card if match and int(match[2]) == post.id else f"report-{post.id}"


def _answer(post: Post, refusal: str | None, done: str):
    """Without JS: back where the moderator was, with a message. With htmx, from the queue: the
    post's card as it stands now with the message in it, or the message alone when nothing
    about the post is left to do; elsewhere, the post as it stands now (with the refusal above
    it, if refused)."""
    if not wants_partial():
        flash(refusal or done)
        return _back_to(post)
    status = 403 if refusal else 200
    if _from_queue():
        item = queue_item(post)
        if item is None:
            return render_template("moderation/_outcome.html", message=refusal or done), status
        card = render_template(
            "moderation/_card.html",
            item=item,
            key=_card(post),
            message=refusal or done,
            refused=bool(refusal),
            suspend_form=suspend_form,
        )
        return card, status
    return _post_as_it_stands(post, refusal), status


def _where_it_stands(post: Post) -> str:
    """What has become of a post a moderator acted on, in a sentence, for the outcome."""
    if post.removed_at:
        return "The post stays removed."
    if post.deleted_by_author_at:
        return "Its author has deleted it."
    if waits(post):
        return "The post is still waiting for approval: only its author and moderators see it."
    return "The post stays up."


def _its_reports(count: int, state: str) -> str:
    """A sentence on a post's `count` reports (after another): "Its report is closed.", "Its 3
    reports are closed."; nothing for none."""
    if not count:
        return ""
    return f" Its report is {state}." if count == 1 else f" Its {count} reports are {state}."


def _reports_left(post: Post) -> str:
    item = queue_item(post)
    left = len(item.reports) if item else 0
    them = "it" if left == 1 else "them"
    return _its_reports(left, f"still open: dismiss {them}, or remove the post")


def _closed(closed: int) -> str:
    return _its_reports(closed, "closed")


def _post_as_it_stands(post: Post, refusal: str | None) -> str:
    thread = get_thread_or_404(post.thread_id)
    post = get_post_or_404(post.id)
    if post.parent_id is None:  # the opening post: the thread page's own block for it
        return render_part(
            "reading/thread.html",
            "opening_article",
            thread=thread,
            opening=post,
            view=thread_view(thread, [post], current_user, post),
            refusal=refusal,
        )
    view = thread_view(thread, [post], current_user)
    return render_template("moderation/_post.html", post=post, view=view, refusal=refusal)


@bp.post("/posts/<id:post_id>/remove")
def remove(post_id: int):
    post = db.get_or_404(Post, post_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        return _answer(post, _problems(form) or "Please choose a reason.", "")
    return _act(
        actions.remove_post,
        (current_user, post, RemovalReason(form.reason.data), form.note.data),
        lambda refusal, closed: _answer(
            post,
            refusal,
            "Removed. The text is kept for moderators and a restore." + _closed(closed),
        ),
    )


def _one_click(post_id: int, action, done: Callable[[Post, Any], str]):
    """A bare button's action on a post: restore, dismiss its reports, approve it. `done`
    says what it did, from the post as it stands after it and what the action returned."""
    post = db.get_or_404(Post, post_id)
    _confirmed()
    return _act(
        action,
        (current_user, post),
        lambda refusal, result: _answer(post, refusal, "" if refusal else done(post, result)),
    )


@bp.post("/posts/<id:post_id>/restore")
def restore(post_id: int):
    return _one_click(post_id, actions.restore_post, lambda post, _: _restored(post))


def _restored(post: Post) -> str:
    if waits(post):  # removed while it waited: it waits again
        return (
            "Restored: it is waiting for approval again, so only its author and moderators see it."
        )
    return "Restored: everyone can read it again."


def _dismissed(post: Post, closed: int) -> str:
    if not closed:  # another moderator was first
        return f"No reports to dismiss: this post has no open reports. {_where_it_stands(post)}"
    return f"{plural(closed, 'report')} dismissed. {_where_it_stands(post)}"


@bp.post("/posts/<id:post_id>/dismiss")
def dismiss(post_id: int):
    return _one_click(post_id, actions.dismiss_reports, _dismissed)


def _approved(post: Post, approved: bool) -> str:
    if not approved:
        return f"This post isn't waiting for approval. {_where_it_stands(post)}"
    return "Approved: everyone can see it now." + _reports_left(post)


@bp.post("/posts/<id:post_id>/approve")
def approve(post_id: int):
    return _one_click(post_id, actions.approve, _approved)


@bp.post("/posts/<id:post_id>/suspend-author")
def suspend_author(post_id: int):
    """Suspend whoever wrote this post, without being shown who it is, or whether the account
    still exists: the answer is the same either way."""
    post = db.get_or_404(Post, post_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _answer(post, _problems(form), "")
    if form.duration.data == "indefinitely":
        until = INDEFINITELY
    else:
        until = utcnow() + timedelta(days=int(form.duration.data))
    done = (
        f"Suspended {suspension_end(until)}: the account behind that post, if it still "
        "exists, can read but not post, reply, react or report."
    )
    return _act(
        actions.suspend,
        (current_user, post, until, form.reason.data),
        lambda refusal, closed: _answer(
            post, refusal, f"{done}{_closed(closed)} {_where_it_stands(post)}"
        ),
    )


# --- threads and accounts ----------------------------------------------------------------


@bp.post("/threads/<id:thread_id>/lock")
def lock(thread_id: int):
    thread = get_thread_or_404(thread_id)
    form = LockForm()
    if not form.validate_on_submit():
        abort(400)
    locking = not thread.locked
    return _act(
        actions.set_locked,
        (current_user, thread, locking, form.reason.data or ""),
        _flashed(
            "Thread locked." if locking else "Thread unlocked.", lambda: _back_to(thread=thread)
        ),
    )


@bp.post("/threads/<id:thread_id>/pin")
def pin(thread_id: int):
    thread = get_thread_or_404(thread_id)
    _confirmed()
    pinning = not thread.pinned
    return _act(
        actions.set_pinned,
        (current_user, thread, pinning),
        _flashed(
            "Thread pinned." if pinning else "Thread unpinned.", lambda: _back_to(thread=thread)
        ),
    )


@bp.post("/suspensions/<id:suspension_id>/lift")
def lift_suspension(suspension_id: int):
    """Lift one suspension, from the queue's list of those standing."""
    suspension = db.get_or_404(Suspension, suspension_id)
    _confirmed()
    return _act(
        actions.lift_suspension,
        (current_user, suspension),
        _flashed("Lifted. The author can post again, unless another suspension stands.", _to_queue),
    )


# --- reveal requests (break-glass) -------------------------------------------------------


@bp.route("/posts/<id:post_id>/reveal", methods=["GET", "POST"])
def request_reveal(post_id: int):
    """An admin asks, with a written reason, who wrote an anonymous post."""
    post = db.get_or_404(Post, post_id)
    thread = get_thread_or_404(post.thread_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            request_ = actions.request_reveal(current_user, post, form.reason.data)
        except actions.Refused as refused:
            db.session.rollback()
            abort(403, description=str(refused))
        db.session.flush()
        where = url_for(".reveal", request_id=request_.id)
        db.session.commit()
        flash("Your request is recorded. A second moderator or admin must approve it.")
        return redirect(where, 303)
    if not current_user.is_admin:
        abort(403, description="Only an admin can ask who wrote an anonymous post.")
    page = render_template("moderation/reveal_request.html", form=form, post=post, thread=thread)
    return page, form_status(form)


@bp.post("/reveals/<id:request_id>/approve")
def approve_reveal(request_id: int):
    reveal_request = db.get_or_404(RevealRequest, request_id)
    _confirmed()
    return _act(
        actions.approve_reveal,
        (current_user, reveal_request),
        _flashed("Approved. Only the admin who asked will see the account.", _to_queue),
    )


@bp.get("/reveals/<id:request_id>")
def reveal(request_id: int):
    """The answer to a reveal request: for the admin who asked, once it is approved."""
    reveal_request = db.get_or_404(RevealRequest, request_id)
    if reveal_request.requested_by_id != current_user.id:
        abort(403, description="Only the admin who asked can see this.")
    post = db.get_or_404(Post, reveal_request.post_id)
    author = None
    if reveal_request.approved_at is not None and post.author_id is not None:
        author = db.session.get(User, post.author_id)
    page = render_template(
        "moderation/reveal.html", request=reveal_request, post=post, author=author
    )
    return page, 200, {"Cache-Control": "no-store"}


# --- what everyone reaches: members' reports and the public log --------------------------


@public.route("/p/<id:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id: int):
    """Ask the moderators to look at a post."""
    post, thread = post_to_act_on(Act.REPORT, post_id)
    form = ReportForm()
    refused = None
    if form.validate_on_submit():
        reason = ReportReason(form.reason.data)
        refusal = reports.limit_refusal(current_user, reason)
        if refusal:
            form.form_errors.append(refusal)
            refused = 429
        else:
            filed = reports.file_report(current_user, post, reason, form.note.data)
            db.session.commit()
            # On the post, where they return to: the top of the page is out of their sight.
            flash_at(
                post.id,
                "Thank you. A moderator will look at it."
                if filed
                else "You have already reported this post; a moderator will look at it.",
            )
            return redirect(post_url(post, thread), 303)
    page = render_template("moderation/report.html", form=form, post=post, thread=thread)
    return page, form_status(form, refused=refused)


@public.get("/mod/log")
def log():
    """Every moderation action, in public: what, when, by which role, why, and where. Never
    removed text, never the member acted on."""
    before = before_id_or_404()
    entries, older = log_page(before)
    return render_page(
        "moderation/log.html",
        "log_entries",
        actions=entries,
        older=older,
        months=month_counts() if before is None else [],
        show_names=current_app.config["MODLOG_SHOWS_MODERATOR_NAMES"],
    )
