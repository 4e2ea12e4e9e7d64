"""Moderation: the queue, actions on posts, threads and accounts, reports from members, and
the public log. Every moderator route checks the role on the server."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import moderating, pacing
from .database import db, utcnow
from .htmx import render_page, wants_partial
from .models import (
    INDEFINITELY,
    ModerationAction,
    Post,
    RemovalReason,
    Report,
    ReportReason,
    RevealRequest,
    Thread,
    User,
)
from .moderation_forms import LockForm, RemoveForm, ReportForm, RevealForm, SuspendForm
from .posting_forms import ConfirmForm
from .queries import thread_view
from .reading import get_thread_or_404, post_url

bp = Blueprint("moderation", __name__)

LOG_PAGE_SIZE = 50


def moderators_only(view):
    """Guests are sent to log in; members get 403. Checked on the server, every time."""

    @wraps(view)
    @login_required
    def checked(*args, **kwargs):
        if not current_user.is_moderator:
            abort(403, description="This is for moderators.")
        if current_user.is_suspended:
            abort(403, description=pacing.suspension_notice(current_user))
        return view(*args, **kwargs)

    return checked


def _from_queue() -> bool:
    return request.form.get("from") == "queue"


def _back_to(post: Post | None = None, thread: Thread | None = None):
    """Where a plain (no-JS) moderation form returns to: the queue, or the post it acted on."""
    if _from_queue():
        return redirect(url_for(".queue"), 303)
    if post is not None:
        return redirect(post_url(post, thread or get_thread_or_404(post.thread_id)), 303)
    return redirect(url_for("reading.thread", thread_id=thread.id, slug=thread.slug), 303)


def _act(action, *args) -> str | None:
    """Run a moderating action and commit; the refusal message if it was refused."""
    try:
        action(*args)
    except moderating.Refused as refused:
        db.session.rollback()
        return str(refused)
    db.session.commit()
    return None


# --- the queue ---------------------------------------------------------------------------


@dataclass
class QueueItem:
    """A reported post, once, with every open report on it."""

    post: Post
    thread: Thread
    reports: list[Report] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return any(report.reason == ReportReason.AT_RISK for report in self.reports)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(ReportReason(report.reason).label for report in self.reports)
        return counts.most_common()

    @property
    def oldest(self):
        return min(report.created_at for report in self.reports)


def open_reports() -> list[QueueItem]:
    """Reported posts, each once: people who may be at risk first, then the most reported,
    then the longest waiting. Two queries, however many reports."""
    reports = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at)
    ).all()
    if not reports:
        return []
    posts = db.session.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id.in_({report.post_id for report in reports}))
    ).all()
    items = {post.id: QueueItem(post, thread) for post, thread in posts}
    for report in reports:
        items[report.post_id].reports.append(report)
    return sorted(
        items.values(), key=lambda item: (not item.at_risk, -len(item.reports), item.oldest)
    )


def waiting_posts() -> list[tuple[Post, Thread]]:
    return [
        tuple(row)
        for row in db.session.execute(
            select(Post, Thread)
            .join(Thread, Thread.id == Post.thread_id)
            .where(
                Post.awaiting_approval,
                Post.removed_at.is_(None),
                Post.deleted_by_author_at.is_(None),
            )
            .order_by(Post.id)
        )
    ]


def pending_reveals() -> list[RevealRequest]:
    return list(
        db.session.scalars(
            select(RevealRequest)
            .where(RevealRequest.approved_at.is_(None))
            .order_by(RevealRequest.id)
        )
    )


@bp.get("/mod")
@moderators_only
def queue():
    """Open reports (at risk first), posts waiting for approval, and reveal requests."""
    return render_template(
        "moderation/queue.html",
        items=open_reports(),
        waiting=waiting_posts(),
        reveals=pending_reveals(),
        remove_form=RemoveForm(formdata=None),
        suspend_form=SuspendForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
    )


# --- acting on posts ---------------------------------------------------------------------


def _post_or_404(post_id: int) -> Post:
    return db.get_or_404(Post, post_id)


def _answer(post: Post, refusal: str | None, done: str):
    """Without JS: back where the moderator was, with a message. With htmx: the queue item's
    outcome, or the post as it stands now (with the refusal above it, if refused)."""
    if not wants_partial():
        flash(refusal or done)
        return _back_to(post)
    status = 403 if refusal else 200
    if _from_queue():
        return render_template("moderation/outcome.html", message=refusal or done), status
    return _post_as_it_stands(post, refusal), status


def _post_as_it_stands(post: Post, refusal: str | None) -> str:
    thread = get_thread_or_404(post.thread_id)
    post = db.session.scalar(
        select(Post).where(Post.id == post.id).options(joinedload(Post.author))
    )
    view = thread_view(thread, [post], current_user, post if post.parent_id is None else None)
    if post.parent_id is None:  # the opening post: the thread page's own block for it
        return render_block(
            "reading/thread.html",
            "opening_article",
            thread=thread,
            opening=post,
            view=view,
            refusal=refusal,
        )
    return render_template("moderation/post.html", post=post, view=view, refusal=refusal)


@bp.post("/mod/posts/<id:post_id>/remove")
@moderators_only
def remove(post_id: int):
    post = _post_or_404(post_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _answer(post, message or "Please choose a reason.", "")
    refusal = _act(
        moderating.remove_post, current_user, post, RemovalReason(form.reason.data), form.note.data
    )
    return _answer(post, refusal, "Removed. The text is kept for moderators and a restore.")


@bp.post("/mod/posts/<id:post_id>/restore")
@moderators_only
def restore(post_id: int):
    post = _post_or_404(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = _act(moderating.restore_post, current_user, post)
    return _answer(post, refusal, "Restored.")


@bp.post("/mod/posts/<id:post_id>/dismiss")
@moderators_only
def dismiss(post_id: int):
    post = _post_or_404(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = _act(moderating.dismiss_reports, current_user, post)
    return _answer(post, refusal, "Reports dismissed; the post stays.")


@bp.post("/mod/posts/<id:post_id>/approve")
@moderators_only
def approve(post_id: int):
    post = _post_or_404(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = _act(moderating.approve, current_user, post)
    return _answer(post, refusal, "Approved: everyone can see it now.")


@bp.post("/mod/posts/<id:post_id>/suspend-author")
@moderators_only
def suspend_author(post_id: int):
    """Suspend whoever wrote this post, without being shown who it is."""
    post = _post_or_404(post_id)
    form = SuspendForm()
    if post.author_id is None:
        return _answer(post, "This post's account no longer exists.", "")
    if not form.validate_on_submit():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _answer(post, message, "")
    if form.duration.data == "indefinitely":
        until = INDEFINITELY
    else:
        until = utcnow() + timedelta(days=int(form.duration.data))
    refusal = _act(moderating.suspend, current_user, post.author_id, until, form.reason.data, post)
    return _answer(post, refusal, "The author of that post is suspended.")


# --- threads and accounts ----------------------------------------------------------------


@bp.post("/mod/threads/<id:thread_id>/lock")
@moderators_only
def lock(thread_id: int):
    thread = get_thread_or_404(thread_id)
    form = LockForm()
    if not form.validate_on_submit():
        abort(400)
    locking = not thread.locked
    _act(moderating.set_locked, current_user, thread, locking, form.reason.data or "")
    flash("Thread locked." if locking else "Thread unlocked.")
    return _back_to(thread=thread)


@bp.post("/mod/threads/<id:thread_id>/pin")
@moderators_only
def pin(thread_id: int):
    thread = get_thread_or_404(thread_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pinning = not thread.pinned
    _act(moderating.set_pinned, current_user, thread, pinning)
    flash("Thread pinned." if pinning else "Thread unpinned.")
    return _back_to(thread=thread)


@bp.post("/mod/users/<pseudonym>/unsuspend")
@moderators_only
def unsuspend(pseudonym: str):
    from .members import find_member

    member = find_member(pseudonym) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = _act(moderating.lift_suspension, current_user, member)
    flash(refusal or "Suspension lifted.")
    return redirect(url_for("profiles.profile", pseudonym=member.pseudonym), 303)


# --- reveal requests (break-glass) -------------------------------------------------------


@bp.route("/mod/posts/<id:post_id>/reveal", methods=["GET", "POST"])
@moderators_only
def request_reveal(post_id: int):
    """An admin asks, with a written reason, who wrote an anonymous post."""
    post = _post_or_404(post_id)
    thread = get_thread_or_404(post.thread_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            request_ = moderating.request_reveal(current_user, post, form.reason.data)
        except moderating.Refused as refused:
            db.session.rollback()
            abort(403, description=str(refused))
        db.session.commit()
        flash("Your request is recorded. A second moderator or admin must approve it.")
        return redirect(url_for(".reveal", request_id=request_.id), 303)
    if not current_user.is_admin:
        abort(403, description="Only an admin can ask who wrote an anonymous post.")
    status = 422 if form.errors else 200
    page = render_template("moderation/reveal_request.html", form=form, post=post, thread=thread)
    return page, status


@bp.post("/mod/reveals/<id:request_id>/approve")
@moderators_only
def approve_reveal(request_id: int):
    reveal_request = db.get_or_404(RevealRequest, request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refusal = _act(moderating.approve_reveal, current_user, reveal_request)
    flash(refusal or "Approved. Only the admin who asked will see the account.")
    return redirect(url_for(".queue"), 303)


@bp.get("/mod/reveals/<id:request_id>")
@moderators_only
def reveal(request_id: int):
    """The answer to a reveal request: for the admin who asked, once it is approved."""
    reveal_request = db.get_or_404(RevealRequest, request_id)
    if reveal_request.requested_by_id != current_user.id:
        abort(403, description="Only the admin who asked can see this.")
    post = _post_or_404(reveal_request.post_id)
    author = None
    if reveal_request.approved_at is not None and post.author_id is not None:
        author = db.session.get(User, post.author_id)
    return (
        render_template("moderation/reveal.html", request=reveal_request, post=post, author=author),
        200,
        {"Cache-Control": "no-store"},
    )


# --- members' reports --------------------------------------------------------------------


@bp.route("/p/<id:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id: int):
    """Ask the moderators to look at a post."""
    post = _post_or_404(post_id)
    thread = get_thread_or_404(post.thread_id)
    if current_user.is_suspended:
        abort(403, description=pacing.suspension_notice(current_user))
    form = ReportForm()
    if form.validate_on_submit():
        filed = moderating.file_report(
            current_user, post, ReportReason(form.reason.data), form.note.data
        )
        db.session.commit()
        flash(
            "Thank you. A moderator will look at it."
            if filed
            else "You have already reported this post; a moderator will look at it."
        )
        return redirect(post_url(post, thread), 303)
    status = 422 if form.errors else 200
    return render_template("moderation/report.html", form=form, post=post, thread=thread), status


# --- the public log ----------------------------------------------------------------------


def month_counts(actions: list[ModerationAction]) -> list[tuple[str, list[tuple[str, int]]]]:
    """(month, [(action and reason, count)]) for the months in `actions`, newest first."""
    months: dict[str, Counter] = {}
    for action in actions:
        month = action.created_at.strftime("%B %Y")
        label = action_label(action.action)
        if action.reason:
            label += f": {RemovalReason(action.reason).label}"
        months.setdefault(month, Counter())[label] += 1
    return [(month, counts.most_common()) for month, counts in months.items()]


ACTION_LABELS = {
    "remove": "Removed a reply",
    "remove-thread": "Removed a thread",
    "restore": "Restored a reply",
    "restore-thread": "Restored a thread",
    "lock": "Locked a thread",
    "unlock": "Unlocked a thread",
    "pin": "Pinned a thread",
    "unpin": "Unpinned a thread",
    "suspend": "Suspended an account",
    "unsuspend": "Lifted a suspension",
    "dismiss-reports": "Dismissed reports",
    "approve": "Approved a new member's post",
    "reveal-requested": "Asked who wrote an anonymous post",
    "reveal-approved": "Approved a request to see who wrote an anonymous post",
}


@bp.app_template_global()
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@bp.get("/mod/log")
def log():
    """Every moderation action, in public: what, when, by which role, why, and where. Never
    removed text, never the member acted on."""
    before = request.args.get("before", type=int)
    if "before" in request.args and not (before and 0 < before < 2**31):
        abort(404)
    query = (
        select(ModerationAction)
        .options(joinedload(ModerationAction.actor))
        .order_by(ModerationAction.id.desc())
        .limit(LOG_PAGE_SIZE + 1)
    )
    if before:
        query = query.where(ModerationAction.id < before)
    actions = list(db.session.scalars(query))
    older = actions[LOG_PAGE_SIZE - 1].id if len(actions) > LOG_PAGE_SIZE else None
    since = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    recent = list(
        db.session.scalars(
            select(ModerationAction).where(ModerationAction.created_at >= since.replace(day=1))
        )
    )
    return render_page(
        "moderation/log.html",
        "log_entries",
        actions=actions[:LOG_PAGE_SIZE],
        older=older,
        months=month_counts(recent) if before is None else [],
        show_names=current_app.config["MODLOG_SHOWS_MODERATOR_NAMES"],
    )
