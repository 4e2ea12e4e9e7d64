"""Who wrote a post, as a given reader may know it: the one decision behind every byline and
every name a screen reader hears for a post.

An anonymous post shows only its alias in its thread. "Author" marks the story's own author
replying under the story's alias (the shared alias tells anyone that anyway). A reader's own
anonymous posts are marked "you" for them alone, so that they can find their words without
anyone else learning whose they are. A named post by a moderator or an admin shows their role,
so that nobody else's name can pass for staff; an anonymous one never does, which would
unmask them.
"""

from dataclasses import dataclass

from .models import Post, Thread, ThreadKind, User
from .policy import is_author


@dataclass(frozen=True)
class ShownAuthor:
    name: str
    """The words in the byline: a pseudonym, an alias, the site's name or "[deleted]"."""
    kind: str
    """"member" (links to the profile), "anonymous", "site" (the article) or "gone"."""
    role: str | None = None
    """A named staff member's role."""
    thread_author: bool = False
    """The anonymous story's author, replying under the story's alias."""
    yours: bool = False
    """The reader's own anonymous post."""


def shown_author(
    post: Post, thread: Thread, opening: Post, reader: User | None, site_name: str
) -> ShownAuthor:
    """How `post` is signed for `reader` (None or a guest: nobody's own)."""
    if post.anonymous:
        return ShownAuthor(
            post.anon_alias or "Anonymous",
            "anonymous",
            thread_author=(
                thread.kind == ThreadKind.STORY
                and opening.anonymous
                and post.id != opening.id
                and bool(post.anon_alias)
                and post.anon_alias == opening.anon_alias
            ),
            yours=reader is not None and is_author(reader, post),
        )
    if post.author_id is not None:
        author = post.author
        return ShownAuthor(
            author.pseudonym, "member", role=author.role if author.is_moderator else None
        )
    if thread.kind == ThreadKind.ARTICLE and post.id == opening.id:
        return ShownAuthor(site_name, "site")
    return ShownAuthor("[deleted]", "gone")
