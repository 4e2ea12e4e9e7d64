"""A member's place in a thread as the database holds it, and what a page marks as new."""

from forum.models import Post, ThreadReader, User

from .pages import Element
from .rows import fresh


def place(member: User, opening: Post) -> ThreadReader | None:
    """`member`'s place in the thread of `opening`, as stored now."""
    return fresh(ThreadReader, (member.id, opening.thread_id))


def marked_new(tree: Element) -> list[int]:
    """The ids of the posts a page marks as new, in page order: each says so in words, in its
    byline and in its name for screen readers, and not by colour alone."""
    marked = []
    for article in tree.find_all("article", class_="post"):
        label = article.find("strong", class_="new")
        if "new" in article.classes:
            assert label is not None and label.text == "New", article
            assert article.get("aria-label").startswith("New reply"), article
            marked.append(int(article.get("id")[1:]))
        else:
            assert label is None, article
    return marked


def jump_link(tree: Element) -> Element | None:
    """The "Jump to the first new reply" link at the top of a thread page."""
    box = tree.find("p", class_="new-replies")
    return box.find("a") if box is not None else None
