"""The forum's data: members, threads and the posts of each thread as a tree."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_login import UserMixin
from slugify import slugify
from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
    text,
    update,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from .anonymity import alias_for, unlinked_alias
from .database import UTCDateTime, db, utcnow
from .markdown import render_markdown

# A post's path is its ancestors' ids and its own, each in this many base-36 digits, so that
# ordering a thread's posts by path gives the tree depth-first with the oldest sibling first
# (ids only grow). 6 digits cover ids below 36**6, about 2.2 billion.
PATH_DIGITS = 6
PATH_LENGTH = 2000
# The deepest a reply can be: its path must fit the column (and a PostgreSQL index entry).
MAX_DEPTH = PATH_LENGTH // PATH_DIGITS - 1
# Members' headings start at h3: the page's h1 is the thread title, its h2s are sections.
MEMBER_HEADING_OFFSET = 2
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


class ReplyIntent(StrEnum):
    """What kind of replies a story's author asks for."""

    LISTENING = "listening"
    ADVICE = "advice"
    SHARED_EXPERIENCE = "shared-experience"

    @property
    def label(self) -> str:
        return {
            "listening": "Just listening, please",
            "advice": "Advice welcome",
            "shared-experience": "Looking for others who've been there",
        }[self.value]

    @property
    def etiquette(self) -> str:
        return {
            "listening": "The author asks for listening, not advice: reflect back what you "
            "heard, and let them know they were heard.",
            "advice": "The author welcomes advice: share what helped you, gently, as one "
            "option among many.",
            "shared-experience": "The author is looking for others who've been there: share "
            "your own experience, if you feel able to.",
        }[self.value]


class ReactionKind(StrEnum):
    """Supportive reactions only: nothing here can score, rank or put anyone down."""

    SUPPORT = "support"
    ME_TOO = "me-too"
    THANK_YOU = "thank-you"

    @property
    def label(self) -> str:
        return {"support": "Sending support", "me-too": "Me too", "thank-you": "Thank you"}[
            self.value
        ]


class RemovalReason(StrEnum):
    """Why moderators removed something: the categories the public log counts."""

    HARMFUL = "harmful"
    HARASSMENT = "harassment"
    SPAM = "spam"
    PERSONAL_INFORMATION = "personal-information"
    OFF_TOPIC = "off-topic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "harmful": "Harmful content",
            "harassment": "Harassment",
            "spam": "Spam",
            "personal-information": "Personal information",
            "off-topic": "Off-topic",
            "other": "Other",
        }[self.value]


class ReportReason(StrEnum):
    AT_RISK = "at-risk"
    HARASSMENT = "harassment"
    HARMFUL = "harmful"
    SPAM = "spam"
    PERSONAL_INFORMATION = "personal-information"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "at-risk": "Someone may be at risk",
            "harassment": "Harassment or unkindness",
            "harmful": "Harmful content",
            "spam": "Spam",
            "personal-information": "Personal information",
            "other": "Something else",
        }[self.value]


class ModAction(StrEnum):
    """What a moderator did: one line of the moderation log."""

    REMOVE = "remove"
    REMOVE_THREAD = "remove-thread"
    RESTORE = "restore"
    RESTORE_THREAD = "restore-thread"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    DISMISS_REPORTS = "dismiss-reports"
    APPROVE = "approve"
    REVEAL_REQUESTED = "reveal-requested"
    REVEAL_APPROVED = "reveal-approved"

    @property
    def label(self) -> str:
        """As the public log says it."""
        return {
            "remove": "Removed a reply",
            "remove-thread": "Removed a thread",
            "restore": "Restored a reply",
            "restore-thread": "Restored a thread",
            "lock": "Locked a thread",
            "unlock": "Unlocked a thread",
            "pin": "Pinned a thread",
            "unpin": "Unpinned a thread",
            "suspend": "Suspended an account",
            "unsuspend": "Lifted a suspension",
            "dismiss-reports": "Dismissed reports",
            "approve": "Approved a new member's post",
            "reveal-requested": "Asked who wrote an anonymous post",
            "reveal-approved": "Approved a request to see who wrote an anonymous post",
        }[self.value]

    @property
    def tells_about_an_account(self) -> bool:
        """Whether this action, tied to its post and moment, would tell something about the
        account behind the post (new, suspended, under a reveal request): the public log then
        counts it by month only. Even its place in a list would tell its time roughly."""
        return self in _ABOUT_AN_ACCOUNT


_ABOUT_AN_ACCOUNT = frozenset(
    {
        ModAction.APPROVE,
        ModAction.SUSPEND,
        ModAction.UNSUSPEND,
        ModAction.REVEAL_REQUESTED,
        ModAction.REVEAL_APPROVED,
    }
)

# Suspended "indefinitely" is suspended until this moment.
INDEFINITELY = datetime(9999, 12, 31, tzinfo=UTC)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(30))
    pseudonym_key: Mapped[str] = mapped_column(String(30), unique=True)
    """`pseudonyms.likeness_key` of the pseudonym: no two members can look alike."""
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(String(300))
    """The latest-ending of the account's standing `Suspension`s, read on every request and
    shown to the member while they are suspended (kept by `refresh_suspension`)."""
    post_anonymously_by_default: Mapped[bool] = mapped_column(default=False)
    recovery_codes_confirmed: Mapped[bool] = mapped_column(default=False)
    """False until the member says they kept their current recovery codes."""
    unfold_content_warnings: Mapped[bool] = mapped_column(default=False)
    show_notification_count: Mapped[bool] = mapped_column(default=True)
    """The unread count beside the bell in the header (some would rather not see a number)."""
    follow_threads_joined: Mapped[bool] = mapped_column(default=True)
    """Follow a thread on starting it or replying in it."""
    listens_for_unanswered: Mapped[bool] = mapped_column(default=False)
    """Hear about stories that have waited hours without a reply (a listener)."""

    # The token of the sign-in (`SignIn`) this request runs under, set when the member signs
    # in or is found by their cookie (forum.accounts.sign_ins); never stored.
    sign_in_token = None

    def get_id(self) -> str | None:
        """What the session and remember cookies carry: this device's sign-in token, never the
        account's id, so that ending the sign-in makes every copy of them worthless."""
        return self.sign_in_token

    # Members compare as rows do, by identity: UserMixin would compare get_id(), which is a
    # device's sign-in here (and None for a member who isn't signed in on this request).
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    def set_bio(self, text: str) -> None:
        """The bio as typed, and rendered once for the profile page."""
        self.bio = text.strip()
        self.bio_html = render_markdown(self.bio)

    def __repr__(self) -> str:
        return f"<User {self.pseudonym}>"


class RecoveryCode(db.Model):
    """A single-use way back into an account, stored as a hash only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignIn(db.Model):
    """One device a member is logged in on (forum.accounts.sign_ins). The session and
    remember cookies carry its token, stored here only as a hash; ending the sign-in (logging
    out there, a new password, ending it from settings) makes every copy of them worthless."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(60))
    """The browser and system by family only ("Firefox on Android"): never an address, never
    the whole User-Agent."""
    remember: Mapped[bool] = mapped_column(default=False)
    """Logged in with "keep me logged in": it lasts a fixed time from logging in."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """Within an hour or so: noted at most once an hour, so that reading pages rarely writes."""
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RetiredPseudonym(db.Model):
    """A deleted account's pseudonym, kept only as a keyed hash of its likeness key, so that
    nobody can take the name of someone who left and nobody can read which names those were."""

    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Thread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(150))
    slug: Mapped[str] = mapped_column(String(80))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    locked_reason: Mapped[str | None] = mapped_column(String(200))
    content_warning: Mapped[str | None] = mapped_column(String(150))
    """The opening post's content warning, shown wherever the thread is listed."""
    intent: Mapped[str | None] = mapped_column(String(30))
    """For a story, the `ReplyIntent` its author chose."""
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when moderators remove the whole thread: it leaves every listing."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When anything a guest sees of this thread last changed: a post, an edit, a removal, a
    reaction, a lock, an approval... Kept by `forum.changes` on every write, whatever writes;
    a guest's copy of the thread's pages is current while it stays the same."""
    reply_count: Mapped[int] = mapped_column(default=0)
    """Replies everyone can read (`Post.counts_as_reply`), kept up with every change to one
    (`Post.keeping_count`) so that a listing needs no count per row. The thread page says the
    same number, and apart from it the replies waiting for a moderator its reader can see."""

    __table_args__ = (
        # The home page: pinned threads, then the rest by last activity (keyset pagination).
        Index("ix_thread_listing", "pinned", "last_activity_at", "id"),
        # Stories waiting for a first reply: the unanswered list, and listeners' bells.
        Index("ix_thread_waiting", "kind", "reply_count", "created_at"),
        # One kind's threads newest first: the stories' feed.
        Index("ix_thread_kind_newest", "kind", "id"),
    )

    @classmethod
    def start(
        cls,
        kind: ThreadKind,
        title: str,
        body: str,
        author: User | None,
        anonymous: bool = False,
        heading_offset: int = MEMBER_HEADING_OFFSET,
        awaiting_approval: bool = False,
        **fields,
    ) -> "Post":
        """A new thread and its opening post, which is returned (the caller commits)."""
        now = utcnow()
        thread = cls(kind=kind, created_at=now, last_activity_at=now, **fields)
        thread.retitle(title)
        db.session.add(thread)
        db.session.flush()
        opening = Post.write(
            thread.id, None, author, body, anonymous=anonymous, now=now,
            heading_offset=heading_offset, awaiting_approval=awaiting_approval,
        )  # fmt: skip
        set_committed_value(opening, "thread", thread)  # known already: no query needed
        return opening

    def retitle(self, title: str) -> None:
        """Set the title and the address words that follow it (old addresses still redirect)."""
        self.title = title
        self.slug = slugify(title, max_length=80, word_boundary=True) or "thread"

    @property
    def reply_intent(self) -> ReplyIntent | None:
        """For a story, what kind of replies its author asked for."""
        return ReplyIntent(self.intent) if self.intent else None

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.kind} {self.title!r}>"


class SiteChange(db.Model):
    """One row: how many times what guests see has changed anywhere (`forum.changes` counts
    every write that changes it), so that a listing can tell a guest their copy is current
    with one read of one row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
    """Counts every change guests can see, on any page."""
    everywhere: Mapped[int] = mapped_column(default=0)
    """Counts the changes that may show on any thread's page (a member's name or role, an
    account deleted) and that aren't told thread by thread (`Thread.changed_at`)."""
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When `revision` last moved."""


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    """None for a thread's opening post."""
    path: Mapped[str] = mapped_column(String(PATH_LENGTH), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    """None for the article, which the site publishes, and for erased accounts."""
    anonymous: Mapped[bool] = mapped_column(default=False)
    anon_alias: Mapped[str | None] = mapped_column(String(40))
    """For an anonymous post, its author's alias in this thread ("Anonymous Heron")."""
    body: Mapped[str] = mapped_column(Text, default="")
    """Markdown as typed."""
    body_html: Mapped[str] = mapped_column(Text, default="")
    """`body` rendered and sanitised once, at write time."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    removal_reason: Mapped[str | None] = mapped_column(String(200))
    """A `RemovalReason` value."""
    removal_note: Mapped[str | None] = mapped_column(String(200))
    """The moderator's words for the tombstone, for the reason "other"."""
    awaiting_approval: Mapped[bool] = mapped_column(default=False)
    """A new member's early post, seen only by its author until a moderator approves it."""
    may_be_at_risk: Mapped[bool] = mapped_column(default=False)
    """Its words suggest the writer may be at risk (forum.safety.at_risk): published all the
    same, at the top of the moderators' queue, and with no reactions, only replies."""
    deleted_by_author_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlinked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When its author took their name off it: its alias is its own, never their thread alias."""
    content_warning: Mapped[str | None] = mapped_column(String(150))
    """A reply's content warning (an opening post's is its thread's)."""
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The token of the form that created this post: sending the form twice creates it once."""

    # Relationships never load on their own: a query that needs the author asks for it, so a
    # template can't quietly run one query per post.
    thread: Mapped[Thread] = relationship(lazy="raise_on_sql")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")

    __table_args__ = (
        # A thread page reads one thread's posts in path order.
        Index("ix_post_thread_path", "thread_id", "path"),
        # A member's profile lists their posts newest first, a page at a time: read backwards
        # from where the page starts, it stops after a page, however many posts they wrote and
        # however long ago (on id alone, PostgreSQL read back through everyone's posts).
        Index("ix_post_author_newest", "author_id", "id"),
        # The few posts waiting for a moderator, found without reading every post. SQLite uses
        # a partial index only for a condition written as its own: SQLAlchemy writes a boolean
        # column there as "awaiting_approval = 1".
        Index(
            "ix_post_waiting",
            "id",
            sqlite_where=text("awaiting_approval = 1"),
            postgresql_where=text("awaiting_approval"),
        ),
        # A thread's opening post, found in one look-up for each post that names its thread
        # (search results): by (thread, path), SQLite read every post of a long thread to find
        # the one without a parent.
        Index(
            "ix_post_opening",
            "thread_id",
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        # The few opening posts waiting for a moderator, whose threads lists of public posts
        # leave out: without it, PostgreSQL read every opening post for each profile page.
        # Written as the query asks it (`policy.public_posts`: "IS TRUE", on SQLite "IS 1").
        Index(
            "ix_post_opening_waiting",
            "thread_id",
            sqlite_where=text("parent_id IS NULL AND awaiting_approval IS 1"),
            postgresql_where=text("parent_id IS NULL AND awaiting_approval IS TRUE"),
        ),
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

    def set_body(self, text: str, heading_offset: int = MEMBER_HEADING_OFFSET) -> None:
        self.body = text
        self.body_html = render_markdown(text, heading_offset)

    @classmethod
    def write(
        cls,
        thread_id: int,
        parent: "Post | None",
        author: User | None,
        body: str,
        *,
        anonymous: bool = False,
        now: datetime,
        content_warning: str | None = None,
        heading_offset: int = MEMBER_HEADING_OFFSET,
        awaiting_approval: bool = False,
    ) -> "Post":
        """A new post in thread `thread_id` below `parent` (None: the opening post); waiting
        for a moderator from its first moment if `awaiting_approval`, never published for an
        instant (a count of its author's approved posts would take it for one).

        Its id becomes the last segment of its path: ids are unique, so two replies to one
        parent at the same instant can never take the same place, and no lock is needed.
        """
        post = cls(
            thread_id=thread_id,
            parent_id=parent.id if parent else None,
            author=author,
            created_at=now,
            content_warning=content_warning,
            awaiting_approval=awaiting_approval,
        )
        post.set_body(body, heading_offset)
        db.session.add(post)
        db.session.flush()
        post.path = (parent.path if parent else "") + path_segment(post.id)
        if anonymous:
            post.make_anonymous()
        return post

    def _aliases_in_thread(self):
        return select(Post.anon_alias).where(
            Post.thread_id == self.thread_id, Post.anon_alias.is_not(None), Post.id != self.id
        )

    def make_anonymous(self) -> None:
        """Show this new post under its author's alias in the thread, the one their earlier
        anonymous posts there carry (never an unlinked post's)."""
        in_thread = self._aliases_in_thread()
        alias = db.session.scalars(
            in_thread.where(Post.author_id == self.author_id, Post.unlinked_at.is_(None)).limit(1)
        ).first()
        if alias is None:
            taken = set(db.session.scalars(in_thread.distinct()))
            alias = alias_for(
                current_app.config["SECRET_KEY"], self.author_id, self.thread_id, taken
            )
        self.anonymous = True
        self.anon_alias = alias

    def unlink(self) -> None:
        """Take the author's name off this post, for good, under an alias of its own: anyone
        who saw it named must learn nothing about the author's other anonymous posts."""
        taken = set(db.session.scalars(self._aliases_in_thread().distinct()))
        self.anonymous = True
        self.anon_alias = unlinked_alias(current_app.config["SECRET_KEY"], self.id, taken)
        self.unlinked_at = utcnow()

    def reply(
        self,
        author: User | None,
        body: str,
        anonymous: bool = False,
        content_warning: str | None = None,
        awaiting_approval: bool = False,
    ) -> "Post":
        """A reply to this post; the thread's counters move with it, unless it waits for a
        moderator's approval (the caller commits)."""
        now = utcnow()
        # Lock the thread row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the
        # write lock): replies to one thread, and so their aliases, are handed out in turn.
        db.session.execute(select(Thread.id).where(Thread.id == self.thread_id).with_for_update())
        if not awaiting_approval:
            db.session.execute(
                update(Thread)
                .where(Thread.id == self.thread_id)
                .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
            )
        reply = Post.write(
            self.thread_id, self, author, body,
            anonymous=anonymous, now=now, content_warning=content_warning,
            awaiting_approval=awaiting_approval,
        )  # fmt: skip
        return reply

    @hybrid_property
    def counts_as_reply(self) -> bool:
        """Counted in its thread's `reply_count`: a reply everyone can read, published and
        neither removed nor deleted (a tombstone holds a place, but says nothing)."""
        return (
            self.parent_id is not None
            and not self.awaiting_approval
            and self.removed_at is None
            and self.deleted_by_author_at is None
        )

    @counts_as_reply.inplace.expression
    @classmethod
    def _counts_as_reply_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.parent_id.is_not(None),
            cls.awaiting_approval.is_(False),
            cls.removed_at.is_(None),
            cls.deleted_by_author_at.is_(None),
        )

    @contextmanager
    def keeping_count(self) -> Iterator[None]:
        """Around any change to this post's state (approval, removal, restoring, deletion):
        its thread's reply count follows. Added to, never recounted, so that changes at the
        same moment on several servers all count."""
        counted = self.counts_as_reply
        yield
        change = int(self.counts_as_reply) - int(counted)
        if change:
            db.session.execute(
                update(Thread)
                .where(Thread.id == self.thread_id)
                .values(reply_count=Thread.reply_count + change)
            )

    @property
    def is_gone(self) -> bool:
        """Deleted by its author or removed by moderators: shown, if at all, as a tombstone."""
        return self.deleted_by_author_at is not None or self.removed_at is not None

    @property
    def removed_text_erased(self) -> bool:
        """Removed by moderators long enough ago that its text is gone for them too (`forum
        purge`, after KEPT_FOR_MODERATORS): nothing is left to read or restore."""
        return self.removed_at is not None and not self.body

    def warning_in(self, thread: "Thread") -> str | None:
        """The content warning this post is folded behind: an opening post's is its thread's
        (the same words on the listings), a reply's its own."""
        return thread.content_warning if self.parent_id is None else self.content_warning

    @property
    def removal_label(self) -> str:
        """A tombstone's reason: the category, or the moderator's words for "other"."""
        if self.removal_reason == RemovalReason.OTHER and self.removal_note:
            return self.removal_note
        return (
            RemovalReason(self.removal_reason).label if self.removal_reason else "no reason given"
        )

    def edit(
        self,
        body: str,
        content_warning: str | None,
        grace: timedelta,
        changed_elsewhere: bool = False,
    ) -> None:
        """New text from the author. Within `grace` of posting it is a silent typo fix; after,
        the post is marked edited and the earlier version is kept for moderators.
        `changed_elsewhere`: its thread's title or warning changed with it."""
        unchanged = self.body == body and self.content_warning == content_warning
        if unchanged and not changed_elsewhere:
            return
        now = utcnow()
        if now - self.created_at > grace:
            db.session.add(
                PostRevision(
                    post_id=self.id, body=self.body, content_warning=self.content_warning,
                    replaced_at=now,
                )
            )  # fmt: skip
            self.edited_at = now
        self.content_warning = content_warning
        self.set_body(body)

    def edit_opening(
        self, thread: Thread, title: str, body: str, content_warning: str | None, grace: timedelta
    ) -> None:
        """New title, text and warning for a thread's opening post (a thread keeps its
        opening post's warning). A new title or warning is an edit too, even when the text
        stays the same."""
        retitled = (title, content_warning) != (thread.title, thread.content_warning)
        thread.retitle(title)
        thread.content_warning = content_warning
        self.edit(body, None, grace, changed_elsewhere=retitled)

    def delete_by_author(self) -> None:
        """Withdraw the post: its text leaves every page (moderators keep a copy), and a
        tombstone holds its place while replies hang under it."""
        now = utcnow()
        db.session.add(
            PostRevision(
                post_id=self.id, body=self.body, content_warning=self.content_warning,
                replaced_at=now,
            )
        )  # fmt: skip
        self.body = ""
        self.body_html = ""
        with self.keeping_count():
            self.deleted_by_author_at = now

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id} at {self.path}>"


def post_with_author(post_id: int) -> Post | None:
    """One post with its author loaded, as every page that shows a post needs it."""
    return db.session.scalar(
        select(Post).where(Post.id == post_id).options(joinedload(Post.author))
    )


class PostRevision(db.Model):
    """An earlier version of an edited post, kept for moderators."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[str | None] = mapped_column(String(150))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reaction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    @classmethod
    def toggle(cls, post_id: int, user_id: int, kind: ReactionKind) -> bool:
        """Give the reaction, or take it back if it was given; True when it is given now (the
        caller commits; the same reaction sent twice at once breaks the unique constraint,
        which means "given")."""
        given = db.session.scalar(
            select(cls).where(cls.post_id == post_id, cls.user_id == user_id, cls.kind == kind)
        )
        if given:
            db.session.delete(given)
            return False
        db.session.add(cls(post_id=post_id, user_id=user_id, kind=kind))
        return True


class Report(db.Model):
    """A member asking moderators to look at a post."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(30))

    __table_args__ = (
        # The queue and the count in every moderator's header read the open reports only.
        Index(
            "ix_report_open_post",
            "post_id",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        # The day's reports by one member, counted at each report (forum/moderation/reports.py).
        Index("ix_report_reporter_created", "reporter_id", "created_at"),
    )


class Suspension(db.Model):
    """One suspension of an account, made through one of its posts. Each stands on its own:
    lifting one leaves any other in place, so nothing a moderator sees while lifting can tie
    two posts (one of them anonymous) to the same account. `User.suspended_until` holds the
    latest end among those standing (`forum.moderation.actions.refresh_suspension`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    """None once the account is deleted; the record stays, like any other, until it ends."""
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModerationAction(db.Model):
    """One line of the moderation log. The public log shows the action, its time, the
    moderator's role and the reason category; never removed text, never a member."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(30))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    """The member acted on, for moderators' own records: never shown in the public log."""

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise_on_sql")

    @property
    def label(self) -> str:
        return ModAction(self.action).label

    @property
    def reason_label(self) -> str | None:
        return RemovalReason(self.reason).label if self.reason else None


class RevealRequest(db.Model):
    """Break-glass: an admin asks to see who wrote an anonymous post. Only after a second
    moderator or admin approves is the account shown, and only to the admin who asked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mute(db.Model):
    """One member no longer sees another's posts. The muted member is never told."""

    id: Mapped[int] = mapped_column(primary_key=True)
    muter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    muted_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("muter_id", "muted_id"),)

    @classmethod
    def toggle(cls, muter_id: int, muted_id: int) -> bool:
        """Mute, or unmute if muted already; True when the member is muted now (the caller
        commits; the same mute sent twice at once breaks the unique constraint)."""
        existing = db.session.scalar(
            select(cls).where(cls.muter_id == muter_id, cls.muted_id == muted_id)
        )
        if existing:
            db.session.delete(existing)
            return False
        db.session.add(cls(muter_id=muter_id, muted_id=muted_id))
        return True


class ThreadReader(db.Model):
    """One member's place in one thread: whether they follow it and how far they have read.
    A member's visit to a thread writes this one small row; guests have none."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), primary_key=True)
    following: Mapped[bool | None] = mapped_column(default=None)
    """True or False once chosen, by hand or by starting or replying in the thread; None
    while the member never chose (not following), so that starting or replying follows the
    thread unless they unfollowed it."""
    last_seen_post_id: Mapped[int | None] = mapped_column(default=None)
    """The newest post of the thread when the member last read it: later ids are new to them
    (ids only grow)."""

    __table_args__ = (
        # A new reply's notifications read the thread's followers.
        Index("ix_thread_reader_thread", "thread_id", "user_id"),
    )


class NotificationKind(StrEnum):
    REPLY = "reply"
    """A reply to one of my posts."""
    FOLLOWED_REPLY = "followed-reply"
    """A reply in a thread I follow."""
    APPROVED = "approved"
    """My first post, approved by a moderator."""
    MODERATED = "moderated"
    """A moderator acted on my post: removed it (`reason` holds the `RemovalReason` category,
    never the text), or restored it (no `reason`)."""
    SUPPORT = "support"
    """Someone sent support to my post (never who): one row per post, its count read live."""
    UNANSWERED = "unanswered"
    """A listener hears of a story that has waited for a reply (never its author). Waiting
    stories are read live (forum.notifications.entries); a row of this kind only records that
    the listener marked one read."""


# `Notification.reason` of the first reply to a story that waited hours for one.
FIRST_AFTER_WAITING = "first-after-waiting"


class Notification(db.Model):
    """One thing that happened for one member, told in the forum only. Entries for the same
    thread are shown together ("4 new replies in ..."); nothing here names who acted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    """A `NotificationKind` value."""
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    """The post it is about: where its link lands."""
    reason: Mapped[str | None] = mapped_column(String(30))
    """For a moderator's removal, the `RemovalReason` category; for the first reply to a story
    that waited hours for one, `FIRST_AFTER_WAITING`."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # A member's notifications newest first, a page at a time.
        Index("ix_notification_user_newest", "user_id", "id"),
        # The bell's count reads a member's unread ones only.
        Index(
            "ix_notification_unread",
            "user_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        # A removed post's notifications go with it.
        Index("ix_notification_post", "post_id"),
    )
