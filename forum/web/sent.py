"""A word, beside a post its writer has just sent, on what became of it. With htmx it is in the
answer that shows the post; without, on the page the writer is sent on to, where their post is
(carried there as a flashed message of its own category, which the page's notices leave out)."""

from flask import flash, g, get_flashed_messages

from ..models import Post
from .partials import wants_partial

SENT = "sent"


def say_sent(post: Post) -> None:
    """Have the page that shows `post` next (with htmx, this answer) say it was sent."""
    if wants_partial():
        g.sent_post_id = post.id
    else:
        flash(str(post.id), SENT)


def just_sent(post: Post) -> bool:
    """Whether the reader sent `post` just now and has not yet been told what became of it.
    A part of a page for htmx never reads the flashed messages: that would take them from the
    next whole page, which shows them."""
    if wants_partial():
        return g.get("sent_post_id") == post.id
    return str(post.id) in get_flashed_messages(category_filter=[SENT])
