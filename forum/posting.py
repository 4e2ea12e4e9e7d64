"""Writing: sharing a story, starting a discussion, replying, editing, deleting, unlinking,
and supportive reactions. Every action is a plain form first; htmx only makes it quicker."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import moderating, pacing, safety
from .database import db
from .htmx import render_page, wants_partial
from .markdown import render_markdown
from .models import (
    MAX_DEPTH,
    MEMBER_HEADING_OFFSET,
    Post,
    Reaction,
    ReactionKind,
    Thread,
    ThreadKind,
)
from .posting_forms import (
    CONTENT_WARNINGS,
    ComposeForm,
    ConfirmForm,
    DiscussionForm,
    EditForm,
    ReplyForm,
    StoryForm,
    WritingForm,
    clean_text,
)
from .queries import reactions_for, thread_view
from .reading import get_thread_or_404, post_url

bp = Blueprint("posting", __name__)

# Gentle prompts beside the story editor, drawn from the article's steps.
STORY_PROMPTS = [
    "What held you back from asking for help, or what still does?",
    "What helped, even a little? A person, a place, a small first step?",
    "What would you tell someone in your shoes today?",
]


def _already_sent(form: WritingForm) -> Post | None:
    """The post this very form created before (a double click, a resent form), if any."""
    return db.session.scalar(
        select(Post).where(
            Post.idempotency_key == form.token.data, Post.author_id == current_user.id
        )
    )


def _commit_new_post(post: Post, form: WritingForm) -> Post | None:
    """Commit `post` under the form's token; if a twin request won the race, its post. None
    when the token is someone else's (a copied form): the form then has a fresh one."""
    post.idempotency_key = form.token.data
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        twin = _already_sent(form)
        if twin is None:
            form.renew_token()
        return twin
    return post


def _compose(kind: ThreadKind, form: ComposeForm):
    if request.method == "GET":
        form.anonymous.data = current_user.post_anonymously_by_default
    preview = None
    status = 200
    if form.is_submitted() and "preview" in request.form:
        # Without JavaScript, Preview sends the whole form: show it again, with the preview.
        preview = render_markdown(form.body.data or "", MEMBER_HEADING_OFFSET)
    elif form.validate_on_submit():
        sent = _already_sent(form)
        if sent is not None:
            return redirect(post_url(sent, get_thread_or_404(sent.thread_id)), 303)
        refusal = pacing.posting_refusal(current_user, starting_thread=True)
        if refusal:
            form.form_errors.append(refusal)
            status = 403 if current_user.is_suspended else 429
        else:
            opening = Thread.start(
                kind, form.title.data, form.body.data, current_user,
                anonymous=form.anonymous.data,
                content_warning=form.content_warning,
                intent=form.intent.data if kind == ThreadKind.STORY else None,
            )  # fmt: skip
            opening.awaiting_approval = pacing.needs_approval(current_user)
            at_risk = moderating.flag_if_at_risk(opening, f"{form.title.data}\n{form.body.data}")
            opening = _commit_new_post(opening, form)
            if opening is not None and at_risk:
                return redirect(url_for(".take_care", post_id=opening.id), 303)
            if opening is not None:
                thread = get_thread_or_404(opening.thread_id)
                return redirect(
                    url_for("reading.thread", thread_id=thread.id, slug=thread.slug), 303
                )
    if form.errors and status == 200:
        status = 422
    page = render_template(
        "posting/compose.html", kind=kind, form=form, preview=preview, prompts=STORY_PROMPTS
    )
    return page, status


@bp.route("/stories/new", methods=["GET", "POST"])
@login_required
def new_story():
    """Share your story."""
    return _compose(ThreadKind.STORY, StoryForm())


@bp.route("/discussions/new", methods=["GET", "POST"])
@login_required
def new_discussion():
    """Start a discussion: a question or topic that isn't a story."""
    return _compose(ThreadKind.DISCUSSION, DiscussionForm())


@bp.post("/preview")
@login_required
def preview():
    """The rendered Markdown of what is being written, for htmx's Preview button."""
    body = clean_text(request.form.get("body"))
    return render_template(
        "posting/preview.html", preview=render_markdown(body, MEMBER_HEADING_OFFSET)
    )


def _post_and_thread(post_id: int) -> tuple[Post, Thread]:
    """The post, with its author (pages show it), and its thread; or 404."""
    post = db.first_or_404(select(Post).where(Post.id == post_id).options(joinedload(Post.author)))
    return post, get_thread_or_404(post.thread_id)


def _refuse_if_locked(thread: Thread) -> None:
    if thread.locked:
        abort(403, description="This thread is locked and takes no new replies.")


@bp.route("/p/<id:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply(post_id: int):
    """Reply to a post: inline under it with htmx, or on a page of its own without."""
    parent, thread = _post_and_thread(post_id)
    _refuse_if_locked(thread)
    if parent.depth >= MAX_DEPTH:
        abort(403, description="This conversation is as deep as it can go here. Please reply "
              "to a post higher up in the thread.")  # fmt: skip
    # A prefix per post: several reply forms can be open on one page without sharing ids.
    form = ReplyForm(prefix=f"reply-{parent.id}")
    if request.method == "GET":
        form.anonymous.data = current_user.post_anonymously_by_default
    status = 200
    if form.validate_on_submit():
        new_reply = _already_sent(form)
        if new_reply is None:
            refusal = pacing.posting_refusal(current_user, starting_thread=False)
            if refusal:
                form.form_errors.append(refusal)
                status = 403 if current_user.is_suspended else 429
            else:
                new_reply = parent.reply(
                    current_user, form.body.data,
                    anonymous=form.anonymous.data, content_warning=form.content_warning,
                    awaiting_approval=pacing.needs_approval(current_user),
                )  # fmt: skip
                moderating.flag_if_at_risk(new_reply, form.body.data)
                new_reply = _commit_new_post(new_reply, form)
        if new_reply is not None:
            if wants_partial():
                return _inserted_reply(new_reply, thread)
            if new_reply.may_be_at_risk:
                return redirect(url_for(".take_care", post_id=new_reply.id), 303)
            return redirect(post_url(new_reply, thread), 303)
    if form.errors and status == 200:
        status = 422
    context = {"parent": parent, "thread": thread, "form": form, "inline": wants_partial()}
    if not wants_partial():
        context["view"] = thread_view(thread, [parent], current_user)
    return render_page("posting/reply.html", "reply_form", **context), status


def _inserted_reply(new_reply: Post, thread: Thread) -> str:
    """htmx's answer to a sent reply: the form's slot says it was sent, and the reply itself
    goes at the end of its parent's list of replies (out of band)."""
    new_reply = db.session.scalar(
        select(Post).where(Post.id == new_reply.id).options(joinedload(Post.author))
    )
    # The thread page's own heading block, out of band: one piece of markup, never copied.
    heading = render_block("reading/thread.html", "replies_heading", thread=thread, oob=True)
    return render_template(
        "posting/reply_sent.html",
        replies_heading=Markup(heading),  # rendered by Jinja above, already escaped
        post=new_reply,
        thread=thread,
        view=thread_view(thread, [new_reply], current_user),
    )


def _own_post(post_id: int) -> tuple[Post, Thread]:
    post, thread = _post_and_thread(post_id)
    if post.author_id != current_user.id or post.is_gone:
        abort(403)
    if current_user.is_suspended:
        abort(403, description=pacing.suspension_notice(current_user))
    return post, thread


@bp.get("/p/<id:post_id>/take-care")
@login_required
def take_care(post_id: int):
    """After posting words that suggest the writer may be at risk: their post is published;
    this page says so, kindly, with who to contact right now."""
    post, thread = _post_and_thread(post_id)
    if post.author_id != current_user.id:
        return redirect(post_url(post, thread), 303)
    contacts = safety.resources()
    page = render_template(
        "posting/take_care.html",
        post=post,
        thread=thread,
        contacts=contacts,
        country=safety.likely_country(contacts) or contacts.default,
    )
    # The contacts shown depend on the language settings the browser sends.
    return page, 200, {"Vary": "Accept-Language"}


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """Change your own post. Within a few minutes it's a silent fix; later it shows 'edited'."""
    post, thread = _own_post(post_id)
    opening = post.parent_id is None
    form = EditForm(obj=None)
    if request.method == "GET":
        form.body.data = post.body
        form.title.data = thread.title if opening else ""
        warning = thread.content_warning if opening else post.content_warning
        form.warning.data, form.warning_detail.data = _split_warning(warning)
    elif form.validate_on_submit():
        if opening and not form.title.data:
            form.title.errors.append("Please give it a title.")
        else:
            grace = timedelta(seconds=current_app.config["EDIT_GRACE_SECONDS"])
            if opening:
                # A new title or warning is an edit too, even when the text stays the same.
                retitled = (form.title.data, form.content_warning) != (
                    thread.title,
                    thread.content_warning,
                )
                thread.retitle(form.title.data)
                thread.content_warning = form.content_warning
                post.edit(form.body.data, None, grace, changed_elsewhere=retitled)
            else:
                post.edit(form.body.data, form.content_warning, grace)
            at_risk = moderating.flag_if_at_risk(post, f"{form.title.data}\n{form.body.data}")
            db.session.commit()
            if at_risk:
                return redirect(url_for(".take_care", post_id=post.id), 303)
            return redirect(post_url(post, thread), 303)
    status = 422 if form.errors else 200
    page = render_template(
        "posting/edit.html", form=form, post=post, thread=thread, opening=opening
    )
    return page, status


def _split_warning(warning: str | None) -> tuple[str, str]:
    """The form's category and detail for a stored warning."""
    if not warning:
        return "", ""
    known = {choice.value for choice in CONTENT_WARNINGS if choice.value}
    category, _, detail = warning.partition(": ")
    if category in known:
        return category, detail
    return "Other", warning


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """Delete your own post, after a question."""
    post, thread = _own_post(post_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        post.delete_by_author()
        db.session.commit()
        return redirect(post_url(post, thread), 303)
    return render_template("posting/delete.html", form=form, post=post, thread=thread)


@bp.route("/p/<id:post_id>/unlink", methods=["GET", "POST"])
@login_required
def unlink(post_id: int):
    """Take your name off a post: it becomes anonymous, for good."""
    post, thread = _own_post(post_id)
    if post.anonymous:
        return redirect(post_url(post, thread), 303)
    form = ConfirmForm()
    if form.validate_on_submit():
        post.make_anonymous()
        db.session.commit()
        return redirect(post_url(post, thread), 303)
    return render_template("posting/unlink.html", form=form, post=post, thread=thread)


@bp.post("/p/<id:post_id>/react")
@login_required
def react(post_id: int):
    """Add or take back a supportive reaction."""
    post, thread = _post_and_thread(post_id)
    if current_user.is_suspended:
        abort(403, description=pacing.suspension_notice(current_user))
    try:
        kind = ReactionKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    # No reactions on a post whose writer may be at risk: a reply is what helps.
    if post.is_gone or post.may_be_at_risk or not ConfirmForm().validate_on_submit():
        abort(400)
    mine = db.session.scalar(
        select(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == current_user.id, Reaction.kind == kind
        )
    )
    if mine:
        db.session.delete(mine)
    else:
        db.session.add(Reaction(post_id=post.id, user_id=current_user.id, kind=kind))
    try:
        db.session.commit()
    except IntegrityError:  # the same reaction sent twice at once: it is there, as wanted
        db.session.rollback()
    if wants_partial():
        return render_template(
            "posting/reactions.html", post=post, reactions=reactions_for([post], current_user)
        )
    return redirect(post_url(post, thread), 303)
