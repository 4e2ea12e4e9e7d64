"""The article the forum is built around, imported from Markdown as the pinned thread."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from .database import db
from .models import Post, Thread, ThreadKind
from .paths import CONTENT

DEFAULT_ARTICLE = CONTENT / "article.md"


@dataclass(frozen=True)
class ArticleSource:
    title: str
    body: str

    @classmethod
    def read(cls, path: Path) -> "ArticleSource":
        """The first line `# Title` is the thread's title; the rest is its body."""
        text = path.read_text(encoding="utf-8").strip()
        first_line, _, rest = text.partition("\n")
        title = first_line.removeprefix("# ").strip()
        if not first_line.startswith("# ") or not title:
            raise ValueError(f"{path}: the first line must be the title, as '# Title'")
        if len(title) > Thread.title.type.length:
            raise ValueError(
                f"{path}: the title is longer than {Thread.title.type.length} characters"
            )
        if not rest.strip():
            raise ValueError(f"{path}: the article has a title but no text")
        return cls(title=title, body=rest.strip() + "\n")


def find_article() -> Thread | None:
    """The site's article thread; there is one per site."""
    return db.session.scalars(
        select(Thread).where(Thread.kind == ThreadKind.ARTICLE).order_by(Thread.id).limit(1)
    ).first()


def import_article(source: ArticleSource) -> tuple[Thread, str]:
    """Create the pinned article thread, or bring the existing one up to date.

    Returns the thread and what happened: "created", "updated" or "unchanged". Updating
    rewrites the title and opening post in place, so every reply stays where it was.
    """
    thread = find_article()
    if thread is None:
        opening = Thread.start(
            ThreadKind.ARTICLE, source.title, source.body, author=None, pinned=True,
            heading_offset=0,
        )  # fmt: skip
        return opening.thread, "created"
    opening = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    ).one()
    if thread.title == source.title and opening.body == source.body:
        return thread, "unchanged"
    thread.retitle(source.title)
    opening.set_body(source.body, heading_offset=0)
    return thread, "updated"
