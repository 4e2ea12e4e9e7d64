"""A form creates its post once: its one-time token is stored on the post, so a double click,
a resent form or a retry after a lost response finds the post already made."""

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..database import db
from ..models import Post
from .forms import WritingForm


def already_sent(form: WritingForm) -> Post | None:
    """The post this very form created before, if any, with its author (pages show it)."""
    return db.session.scalar(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.idempotency_key == form.token.data, Post.author_id == current_user.id)
    )


def commit_once(post: Post, form: WritingForm) -> Post | None:
    """Commit `post` under the form's token; if a twin request won the race, its post. None
    when the token is someone else's (a copied form): the form then has a fresh one."""
    post.idempotency_key = form.token.data
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        twin = already_sent(form)
        if twin is None:
            form.renew_token()
        return twin
    return post
