"""Messages for the next page, shown where the reader will be looking.

A message about a post (the thanks for a report, say) is shown on that post's card, on the page
that opens on the post: at the top of the page, it would be out of sight, above where the
address's anchor scrolls to. Kept, like every flashed message, in the session until the next
whole page is read.
"""

from flask import flash, g, get_flashed_messages

_AT_POST = "at-post-"


def flash_at(post_id: int, message: str) -> None:
    """Show `message` on the next page, on the post `post_id`."""
    flash(message, f"{_AT_POST}{post_id}")


def page_messages() -> list[str]:
    """The messages for the top of the page (base.html asks, before the page's content): every
    one but those for a post, which are kept for its card."""
    top: list[str] = []
    at_posts: dict[str, list[str]] = {}
    for category, message in get_flashed_messages(with_categories=True):
        if category.startswith(_AT_POST):
            at_posts.setdefault(category, []).append(message)
        else:
            top.append(message)
    g.messages_at_posts = at_posts
    return top


def messages_at(post_id: int) -> list[str]:
    """The messages for the post `post_id`, once, for its card. Read from what the page took
    from the session: an htmx answer made of cards never touches the session."""
    return g.get("messages_at_posts", {}).pop(f"{_AT_POST}{post_id}", [])
