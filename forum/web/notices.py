"""Messages for the next page, shown where the reader will be looking.

A message about a post (the thanks for a report, what became of a post its writer has just
sent) is shown on that post's card, on the page that opens on the post: at the top of the page,
it would be out of sight, above where the address's anchor scrolls to. Kept, like every flashed
message, in the session until the next whole page is read; an htmx answer, which shows the post
itself, says it there and then and never touches the session (reading the flashed messages
there would take them from the next whole page).
"""

from flask import flash, g, get_flashed_messages

from ..models import Post
from .partials import wants_partial

_AT_POST = "at-post-"
_SENT = "sent"


def flash_at(post_id: int, message: str) -> None:
    """Show `message` on the next page, on the post `post_id`."""
    flash(message, f"{_AT_POST}{post_id}")


def say_sent(post: Post) -> None:
    """Have the page that shows `post` next (with htmx, this answer) say it was sent: the
    words depend on the post's state when shown (posting/_sent.html)."""
    if wants_partial():
        g.sent_post_id = post.id
    else:
        flash(str(post.id), _SENT)


def page_messages() -> list[str]:
    """The messages for the top of the page (base.html asks, before the page's content): the
    plain ones; those for a post are kept for its card."""
    top: list[str] = []
    at_posts: dict[str, list[str]] = {}
    for category, message in get_flashed_messages(with_categories=True):
        if category.startswith(_AT_POST):
            at_posts.setdefault(category, []).append(message)
        elif category == _SENT:
            g.sent_post_id = int(message)
        else:
            top.append(message)
    g.messages_at_posts = at_posts
    return top


def messages_at(post_id: int) -> list[str]:
    """The messages for the post `post_id`, once, for its card. Read from what the page took
    from the session."""
    return g.get("messages_at_posts", {}).pop(f"{_AT_POST}{post_id}", [])


def just_sent(post: Post) -> bool:
    """Whether the reader sent `post` just now and has not yet been told what became of it."""
    return g.get("sent_post_id") == post.id
