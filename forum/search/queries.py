"""A page of search results: the posts a reader may see that hold every word searched for,
best first, as they are shown. Two statements, however many posts match."""

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import ColumnElement, Subquery, and_, exists, or_, select, true
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.util import AliasedClass

from ..database import db
from ..models import Mute, Post, Thread
from ..policy import searchable_posts
from .index import SearchIndex, search_index
from .snippets import Matcher, highlighted, plain_text, snippet
from .terms import SearchQuery


@dataclass(frozen=True)
class Found:
    """One post found, as a result shows it."""

    post: Post
    thread: Thread
    opening: Post
    """Its thread's opening post (who wrote the story, for bylines)."""
    title: Markup
    """Its thread's title, with the words found marked."""
    warning: str | None
    """Its content warning: shown in place of any of its text."""
    snippet: Markup | None
    """A few lines of its text, the words found marked; None under a warning."""


@dataclass(frozen=True)
class Results:
    found: list[Found]
    page: int
    more: bool
    """Whether a next page has results."""


def _not_muted(reader) -> ColumnElement[bool]:
    """A member doesn't find the named posts of members they muted (their thread pages fold
    them away). Never an anonymous post: leaving it out would tell them who wrote it."""
    if not reader.is_authenticated:
        return true()
    return or_(
        Post.anonymous.is_(True),
        Post.author_id.is_(None),
        ~exists().where(Mute.muter_id == reader.id, Mute.muted_id == Post.author_id),
    )


def _opening_of(opening: AliasedClass[Post]) -> ColumnElement[bool]:
    """`opening` (an alias of Post) joined as the opening post of Post's thread: through
    ix_post_opening, one look-up per post found."""
    return and_(opening.thread_id == Post.thread_id, opening.parent_id.is_(None))


def _ranked(reader, query: SearchQuery, index: SearchIndex, page: int, per_page: int) -> Subquery:
    """The ids and scores of page `page` of the posts found (one more, to tell whether there
    is a next page): narrow rows, so that ranking thousands of matches sorts numbers, not
    every match's text."""
    hits = index.hits(query).subquery("hits")
    opening = aliased(Post)
    return (
        select(Post.id, hits.c.score)
        .join(hits, hits.c.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(opening, _opening_of(opening))
        .where(searchable_posts(reader, opening), _not_muted(reader))
        .order_by(hits.c.score.desc(), Post.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
        .subquery("ranked")
    )


def search_posts(reader, query: SearchQuery, page: int, per_page: int) -> Results:
    """Page `page` (from 1) of the posts `reader` may see holding every term of `query`, best
    first (the newest first among equals): one statement, and one for their authors."""
    if not query.asks:
        return Results(found=[], page=page, more=False)
    index = search_index(db.session.get_bind().dialect.name)
    ranked = _ranked(reader, query, index, page, per_page)
    opening = aliased(Post)
    rows = db.session.execute(
        select(Post, Thread, opening)
        .join(ranked, ranked.c.id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(opening, _opening_of(opening))
        # The authors in a statement of their own, by id, as the thread page does.
        .options(selectinload(Post.author))
        .order_by(ranked.c.score.desc(), Post.id.desc())
    ).all()
    matcher = Matcher(query, index.stemmer)
    return Results(
        found=[_shown(post, thread, opening, matcher) for post, thread, opening in rows[:per_page]],
        page=page,
        more=len(rows) > per_page,
    )


def _shown(post: Post, thread: Thread, opening: Post, matcher: Matcher) -> Found:
    warning = post.warning_in(thread)
    return Found(
        post=post,
        thread=thread,
        opening=opening,
        title=highlighted(thread.title, matcher),
        warning=warning,
        snippet=None if warning else snippet(plain_text(post.body_html), matcher),
    )
