"""Writing: sharing a story, starting a discussion, replying, editing, deleting, unlinking,
and supportive reactions. Every action is a plain form first; htmx only makes it quicker."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..database import db, end_transaction
from ..following.places import note_joined
from ..markdown import render_markdown
from ..models import (
    MEMBER_HEADING_OFFSET,
    Post,
    Reaction,
    ReactionKind,
    Thread,
    ThreadKind,
)
from ..notifications import telling
from ..policy import Act, state_refusal
from ..reading.queries import replies_waiting, thread_view
from ..safety.at_risk import flag_if_at_risk
from ..web.access import (
    get_thread_or_404,
    post_to_act_on,
    readable_post,
    refuse,
    refuse_if_suspended,
)
from ..web.forms import ConfirmForm, form_status
from ..web.notices import say_sent
from ..web.partials import render_page, render_part, wants_partial
from ..web.urls import post_url, thread_url
from .forms import (
    BODY_MAX,
    STORY_PROMPTS,
    ComposeForm,
    DiscussionForm,
    EditForm,
    ReplyForm,
    StoryForm,
    WritingForm,
)
from .hurtful_phrases import default_suggester, kinder_words
from .once import already_sent, commit_once
from .rules import needs_approval, posting_refusal

bp = Blueprint("posting", __name__)

# The name of the button that sends a reply as written, past the kinder words it was offered.
AS_WRITTEN = "as_written"


@bp.record_once
def load_at_startup(state: BlueprintSetupState) -> None:
    """Read the operator's phrase file when the app starts, so a mistake in it stops the forum
    starting, with a clear message, instead of failing someone in the middle of a reply."""
    default_suggester()


def _compose(kind: ThreadKind, form: ComposeForm):
    if request.method == "GET":
        refuse_if_suspended()  # say so now, before anything is written
        form.anonymous.data = current_user.post_anonymously_by_default
    preview = {"preview": None}
    refused = None
    if form.is_submitted() and "preview" in request.form:
        # Without JavaScript, Preview sends the whole form: show it again, with the preview.
        preview = preview_of(form)
    elif form.validate_on_submit():
        render_before_writing(form.body.data)
        sent = already_sent(form)
        if sent is not None:
            return redirect(post_url(sent, get_thread_or_404(sent.thread_id)), 303)
        refusal = posting_refusal(current_user, starting_thread=True)
        if refusal:
            message, refused = refusal
            form.form_errors.append(message)
        else:
            opening = Thread.start(
                kind, form.title.data, form.body.data, current_user,
                anonymous=form.anonymous.data,
                # Asked before the post exists: it must not count as one of its author's own.
                awaiting_approval=needs_approval(current_user),
                content_warning=form.content_warning,
                intent=form.intent.data if kind == ThreadKind.STORY else None,
            )  # fmt: skip
            note_joined(current_user, opening)
            at_risk = flag_if_at_risk(opening, f"{form.title.data}\n{form.body.data}")
            if at_risk:  # the take-care page says what became of it
                where = url_for("safety.take_care", post_id=opening.id)
            else:
                where = thread_url(opening.thread)
                say_sent(opening)  # before the commit, as for a reply
            saved = commit_once(opening, form)
            if saved is opening:
                return redirect(where, 303)
            if saved is not None:  # a twin request made it first
                return redirect(post_url(saved, get_thread_or_404(saved.thread_id)), 303)
    page = render_template(
        "posting/compose.html",
        kind=kind,
        form=form,
        prompts=STORY_PROMPTS,
        **preview,
    )
    return page, form_status(form, refused=refused)


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
@bp.post("/p/<id:post_id>/reply/preview")
@login_required
def preview(post_id: int | None = None):
    """The rendered Markdown of what is being written, for htmx's Preview button: the form's
    fields as they stand (its text and content warning); for a reply to `post_id`, with kinder
    words for any phrase that tends to hurt. Nothing of the post is read: a preview shows only
    what its writer sent."""
    form = WritingForm() if post_id is None else ReplyForm.answering(post_id)
    return render_template("posting/_preview.html", **preview_of(form))


def preview_of(form: WritingForm) -> dict:
    """What the preview shows: the text rendered as it would be posted, folded behind its
    content warning as it will be, or, for text longer than a post may be (which would only
    cost time to render), the longest a post may be. A reply's preview also offers kinder
    words for any phrase that tends to hurt. Rendered with no transaction open: a preview
    writes nothing, and rendering the costliest Markdown takes long enough that no writer
    should wait for it."""
    text = form.body.data or ""
    if len(text) > BODY_MAX:
        return {"preview": "", "too_long": BODY_MAX}
    end_transaction()
    return {
        "preview": render_markdown(text, MEMBER_HEADING_OFFSET),
        "warning": form.content_warning,
        "kinder": kinder_words(text) if isinstance(form, ReplyForm) else [],
    }


def render_before_writing(text: str) -> None:
    """Render a post's text now, with no transaction open: on SQLite a form's transaction holds
    the write lock from its first query, and the costliest Markdown a post may hold takes a
    noticeable part of a second to render, which every other writer would wait for. The post
    then finds its text rendered (forum.markdown keeps the last few renders). Whatever was read
    before is read again, and checked again, in the transaction that writes."""
    end_transaction()
    render_markdown(text, MEMBER_HEADING_OFFSET)


@bp.route("/p/<id:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply(post_id: int):
    """Reply to a post: inline under it with htmx, or on a page of its own without."""
    parent, thread = readable_post(post_id)
    if request.method == "GET":
        refuse_if_suspended()
        refuse(state_refusal(current_user, Act.REPLY, parent, thread))
    form = ReplyForm.answering(parent.id)
    if request.method == "GET":
        form.anonymous.data = current_user.post_anonymously_by_default
    refused = None
    preview = {"preview": None}
    kinder = []
    if form.is_submitted() and "preview" in request.form:
        # Without JavaScript, Preview sends the whole form: show it again, with the preview
        # (rendered with no transaction open: what was read is read again).
        preview = preview_of(form)
        parent, thread = readable_post(post_id)
    elif form.validate_on_submit():
        render_before_writing(form.body.data)
        parent, thread = readable_post(post_id)
        new_reply = already_sent(form)
        if new_reply is None:
            # Refused while it was being written (locked, removed ...): say why, keep the text.
            closed = state_refusal(current_user, Act.REPLY, parent, thread)
            refusal = (
                (closed.message, closed.status)
                if closed
                else posting_refusal(current_user, starting_thread=False)
            )
            if not refusal and AS_WRITTEN not in request.form:
                # Words that tend to hurt: the form comes back with kinder ones to
                # consider, everything typed kept, and a button that sends it as written.
                kinder = kinder_words(form.body.data)
            if refusal:
                message, refused = refusal
                form.form_errors.append(message)
            elif not kinder:
                new_reply = parent.reply(
                    current_user, form.body.data,
                    anonymous=form.anonymous.data, content_warning=form.content_warning,
                    awaiting_approval=needs_approval(current_user),
                )  # fmt: skip
                note_joined(current_user, new_reply)
                flag_if_at_risk(new_reply, form.body.data)
                telling.reply_published(new_reply)  # if it waits: at its approval
                # The answer is made before the commit: once the reply is saved, nothing may
                # fail and tell its writer it wasn't.
                answer = _sent(new_reply, thread)
                saved = commit_once(new_reply, form)
                if saved is new_reply:
                    return answer
                new_reply = saved  # a twin request made it first, or None: the form is stale
        if new_reply is not None:
            return _sent(new_reply, thread)
    context = {
        "parent": parent,
        "thread": thread,
        "form": form,
        "inline": wants_partial(),
        "kinder": kinder,
        **preview,
    }
    if not wants_partial():
        context["view"] = thread_view(thread, [parent], current_user)
    return render_page("posting/reply.html", "reply_form", **context), form_status(
        form, refused=refused
    )


def _sent(new_reply: Post, thread: Thread) -> ResponseReturnValue:
    """The answer to a sent reply: with htmx, the reply in place; without, its page (or, if its
    words suggest its writer may be at risk, the take-care page). Either way, one word beside
    the reply says what became of it."""
    if wants_partial():
        say_sent(new_reply)
        return _inserted_reply(new_reply, thread)
    if new_reply.may_be_at_risk:
        return redirect(url_for("safety.take_care", post_id=new_reply.id), 303)
    say_sent(new_reply)
    return redirect(post_url(new_reply, thread), 303)


def _inserted_reply(new_reply: Post, thread: Thread) -> str:
    """htmx's answer to a sent reply: the form's slot says it was sent, and the reply itself
    goes at the end of its parent's list of replies (out of band)."""
    return render_template(
        "posting/_reply_sent.html",
        # The thread page's own heading block, out of band: one piece of markup, never copied.
        replies_heading=render_part(
            "reading/thread.html",
            "replies_heading",
            thread=thread,
            waiting=replies_waiting(thread, current_user),
            oob=True,
        ),
        post=new_reply,
        thread=thread,
        view=thread_view(thread, [new_reply], current_user),
    )


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """Change your own post. Within a few minutes it's a silent fix; later it shows 'edited'."""
    post, thread = post_to_act_on(Act.EDIT, post_id)
    opening = post.parent_id is None
    form = EditForm(obj=None)
    if request.method == "GET":
        form.body.data = post.body
        form.title.data = thread.title if opening else ""
        form.show_warning(thread.content_warning if opening else post.content_warning)
    elif form.validate_on_submit():
        if opening and not form.title.data:
            form.title.errors.append("Please give it a title.")
        else:
            render_before_writing(form.body.data)
            post, thread = post_to_act_on(Act.EDIT, post_id)
            grace = timedelta(seconds=current_app.config["EDIT_GRACE_SECONDS"])
            if opening:
                post.edit_opening(
                    thread, form.title.data, form.body.data, form.content_warning, grace
                )
            else:
                post.edit(form.body.data, form.content_warning, grace)
            at_risk = flag_if_at_risk(post, f"{form.title.data}\n{form.body.data}")
            where = (
                url_for("safety.take_care", post_id=post.id) if at_risk else post_url(post, thread)
            )
            db.session.commit()
            return redirect(where, 303)
    page = render_template(
        "posting/edit.html", form=form, post=post, thread=thread, opening=opening
    )
    return page, form_status(form)


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """Delete your own post, after a question."""
    post, thread = post_to_act_on(Act.DELETE, post_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        post.delete_by_author()
        telling.forget(post)
        where = post_url(post, thread)
        db.session.commit()
        return redirect(where, 303)
    return render_template("posting/delete.html", form=form, post=post, thread=thread)


@bp.route("/p/<id:post_id>/unlink", methods=["GET", "POST"])
@login_required
def unlink(post_id: int):
    """Take your name off a post: it becomes anonymous, for good."""
    post, thread = post_to_act_on(Act.UNLINK, post_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        post.unlink()
        where = post_url(post, thread)
        db.session.commit()
        return redirect(where, 303)
    return render_template("posting/unlink.html", form=form, post=post, thread=thread)


@bp.post("/p/<id:post_id>/react")
@login_required
def react(post_id: int):
    """Add or take back a supportive reaction."""
    post, thread = post_to_act_on(Act.REACT, post_id)
    try:
        kind = ReactionKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    given = Reaction.toggle(post.id, current_user.id, kind)
    try:
        db.session.flush()
    except IntegrityError:  # the same reaction sent twice at once: it is there, as wanted
        db.session.rollback()
        return _reactions_answer(post, thread, kind)
    if given:
        telling.supported(post, current_user.id)
    answer = _reactions_answer(post, thread, kind)  # before the commit, as for a reply
    db.session.commit()
    return answer


def _reactions_answer(post: Post, thread: Thread, pressed: ReactionKind) -> ResponseReturnValue:
    """With htmx, the post's reactions as they stand (the kind `pressed` in sight, its button
    taking the focus back); without, back to the post."""
    if wants_partial():
        return render_template(
            "posting/_reactions.html",
            post=post,
            view=thread_view(thread, [post], current_user),
            pressed=pressed,
        )
    return redirect(post_url(post, thread), 303)
