"""The forum's data: members, threads and the posts of each thread as a tree."""

from datetime import datetime
from enum import StrEnum

from slugify import slugify
from sqlalchemy import ForeignKey, Index, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .database import UTCDateTime, db, utcnow
from .markdown import render_markdown

# A post's path is its ancestors' ids and its own, each in this many base-36 digits, so that
# ordering a thread's posts by path gives the tree depth-first with the oldest sibling first
# (ids only grow). 6 digits cover ids below 36**6, about 2.2 billion.
PATH_DIGITS = 6
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def path_segment(post_id: int) -> str:
    digits = ""
    while post_id:
        post_id, remainder = divmod(post_id, 36)
        digits = _BASE36[remainder] + digits
    return digits.rjust(PATH_DIGITS, "0")


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class ThreadKind(StrEnum):
    ARTICLE = "article"
    STORY = "story"
    DISCUSSION = "discussion"


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(30))
    pseudonym_key: Mapped[str] = mapped_column(String(30), unique=True)
    """The pseudonym case-folded: two members can't differ by case alone."""
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.pseudonym}>"


class Thread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(150))
    slug: Mapped[str] = mapped_column(String(80))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    content_warning: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reply_count: Mapped[int] = mapped_column(default=0)
    """Replies in the thread, kept with each reply so the home page needs no count per row."""

    __table_args__ = (
        # The home page: pinned threads, then the rest by last activity (keyset pagination).
        Index("ix_thread_listing", "pinned", "last_activity_at", "id"),
    )

    @classmethod
    def start(
        cls,
        kind: ThreadKind,
        title: str,
        body: str,
        author: User | None,
        anonymous: bool = False,
        **fields,
    ) -> "Post":
        """A new thread and its opening post, which is returned (the caller commits)."""
        now = utcnow()
        thread = cls(
            kind=kind,
            created_at=now,
            last_activity_at=now,
            **fields,
        )
        thread.retitle(title)
        db.session.add(thread)
        db.session.flush()
        opening = Post(thread=thread, author=author, anonymous=anonymous, created_at=now)
        opening.set_body(body)
        opening.place_under(None)
        return opening

    def retitle(self, title: str) -> None:
        """Set the title and the address words that follow it (old addresses still redirect)."""
        self.title = title
        self.slug = slugify(title, max_length=80, word_boundary=True) or "thread"

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.kind} {self.title!r}>"


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    """None for a thread's opening post."""
    path: Mapped[str] = mapped_column(String(2000), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    """None for the article, which the site publishes, and for erased accounts."""
    anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text, default="")
    """Markdown as typed."""
    body_html: Mapped[str] = mapped_column(Text, default="")
    """`body` rendered and sanitised once, at write time."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    removal_reason: Mapped[str | None] = mapped_column(String(200))
    deleted_by_author_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Relationships never load on their own: a query that needs the author asks for it, so a
    # template can't quietly run one query per post.
    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")

    __table_args__ = (
        # A thread page reads one thread's posts in path order.
        Index("ix_post_thread_path", "thread_id", "path"),
    )

    @property
    def depth(self) -> int:
        """0 for the opening post, 1 for a reply to it, and so on."""
        return len(self.path) // PATH_DIGITS - 1

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the opening post down to this post's parent."""
        return [
            int(self.path[i : i + PATH_DIGITS], 36)
            for i in range(0, len(self.path) - PATH_DIGITS, PATH_DIGITS)
        ]

    def set_body(self, text: str) -> None:
        self.body = text
        self.body_html = render_markdown(text)

    def place_under(self, parent: "Post | None") -> None:
        """Give this new post its place in the tree, below `parent` (None: opening post).

        The id is the last path segment: ids are unique, so two replies to one parent at the
        same instant can never take the same place, and no lock on the parent is needed.
        """
        self.parent_id = parent.id if parent else None
        db.session.add(self)
        db.session.flush()
        self.path = (parent.path if parent else "") + path_segment(self.id)

    def reply(self, author: User | None, body: str, anonymous: bool = False) -> "Post":
        """A reply to this post; the thread's counters move with it (the caller commits)."""
        now = utcnow()
        reply = Post(thread_id=self.thread_id, author=author, anonymous=anonymous, created_at=now)
        reply.set_body(body)
        reply.place_under(self)
        db.session.execute(
            update(Thread)
            .where(Thread.id == self.thread_id)
            .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
        )
        return reply

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id} at {self.path}>"
