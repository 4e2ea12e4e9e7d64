"""Posts as feed entries, as a guest sees them on their page: signed as `forum.bylines` signs
them for a guest (an anonymous post by its alias only), with the text rendered and sanitised at
write time, or, where the page folds the text or surrounds it with help, words that send the
reader to the page instead (templates/feeds/entry.html)."""

from flask import current_app, get_template_attribute

from ..bylines import shown_author
from ..models import Post, Thread
from ..web.urls import absolute_url, address, post_url, thread_url
from .atom import Entry


def _signed(post: Post, thread: Thread, opening: Post) -> str:
    return shown_author(post, thread, opening, None, current_app.config["SITE_NAME"]).name


def _content(post: Post, thread: Thread, link: str) -> str:
    content = get_template_attribute("feeds/entry.html", "content")
    return str(content(post, post.warning_in(thread), link))


def thread_entry(opening: Post, thread: Thread) -> Entry:
    """A new thread: its title, and its opening post."""
    link = absolute_url(thread_url(thread))
    return Entry(
        id=absolute_url(address("reading.thread", thread_id=thread.id)),
        title=thread.title,
        link=link,
        author=_signed(opening, thread, opening),
        published=opening.created_at,
        updated=opening.edited_at or opening.created_at,
        html=_content(opening, thread, link),
    )


def reply_entry(post: Post, thread: Thread, opening: Post) -> Entry:
    """A reply, linked where it stands (on its page of a long thread)."""
    link = absolute_url(post_url(post, thread))
    author = _signed(post, thread, opening)
    return Entry(
        id=absolute_url(address("reading.post_in_context", post_id=post.id)),
        title=f"Reply by {author}",
        link=link,
        author=author,
        published=post.created_at,
        updated=post.edited_at or post.created_at,
        html=_content(post, thread, link),
    )
