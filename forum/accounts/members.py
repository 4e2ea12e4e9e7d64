"""Members' accounts: joining, finding, changing and leaving. Nothing here commits, but for
`check_password`, which ends the transaction before the slow check."""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import delete, func, select, update

from ..database import db, end_transaction, utcnow
from ..models import (
    Mute,
    Notification,
    Post,
    PostRevision,
    Reaction,
    RecoveryCode,
    Report,
    RetiredPseudonym,
    Role,
    SignIn,
    Thread,
    ThreadReader,
    User,
)
from . import passwords, pseudonyms, sign_ins

PSEUDONYM_TAKEN = (
    "That pseudonym is taken, or is too close to one in use. Please choose a different name: "
    "with a letter doubled or swapped, or a “_” or “-” added, it would read the same."
)


def _retired_digest(likeness_key: str) -> str:
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"forum retired pseudonyms", hashlib.sha256
    ).digest()
    return hmac.new(key, likeness_key.encode(), hashlib.sha256).hexdigest()


def find_member(pseudonym: str) -> User | None:
    """The member with this pseudonym, or one a reader could mistake for it."""
    key = pseudonyms.likeness_key(pseudonyms.normalise(pseudonym))
    return db.session.scalar(select(User).where(User.pseudonym_key == key))


def pseudonym_available(pseudonym: str) -> bool:
    """Whether nobody has this pseudonym or one too close to it (`pseudonyms.too_close_keys`),
    and no deleted account had: two look-ups in unique indexes, whatever the number of members."""
    keys = pseudonyms.too_close_keys(pseudonym)
    taken = db.session.scalar(select(User.id).where(User.pseudonym_key.in_(keys)).limit(1))
    digests = {_retired_digest(key) for key in keys}
    retired = db.session.scalar(
        select(RetiredPseudonym.key_digest).where(RetiredPseudonym.key_digest.in_(digests)).limit(1)
    )
    return taken is None and retired is None


def add_member(pseudonym: str, password: str, role: Role = Role.MEMBER) -> User:
    """A new account; the caller has checked the pseudonym and password."""
    user = User(
        pseudonym=pseudonym,
        pseudonym_key=pseudonyms.likeness_key(pseudonym),
        password_hash=passwords.hash_password(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def check_password(user: User | None, password: str) -> bool:
    """True when `password` is `user`'s; as slow for no user, so timing tells nothing.

    The request's transaction ends first (`end_transaction`): argon2 takes a while, and on
    SQLite a form's transaction holds the write lock, which every other form would queue for.
    `user` is expired by then: reading it again starts the next transaction.
    """
    password_hash = user.password_hash if user else None
    end_transaction()
    if not passwords.verify_password(password_hash, password):
        return False
    if passwords.needs_rehash(password_hash):
        rehashed = passwords.hash_password(password)  # before `user` is touched, as above
        user.password_hash = rehashed
    return True


def set_password(user: User, password_hash: str) -> None:
    """A new password, and the account's sign-ins on every other device end. The caller hashes
    it (`passwords.hash_password`) before its transaction starts, as `check_password` checks."""
    user.password_hash = password_hash
    sign_ins.end_elsewhere(user)


def delete_account(user: User, erase_posts: bool) -> None:
    """Remove the account for good.

    Its posts are detached from it either way. With `erase_posts` their text is gone too,
    leaving a tombstone so replies keep their place. Anonymous posts keep their alias, which
    never named anyone. The pseudonym is retired as a keyed hash, so nobody can take it.
    """
    mine = Post.author_id == user.id
    if erase_posts:
        now = utcnow()
        # Erased replies are tombstones: no longer counted in their threads.
        counted = (
            select(func.count(Post.id))
            .where(Post.thread_id == Thread.id, mine, Post.counts_as_reply)
            .scalar_subquery()
        )
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(select(Post.thread_id).where(mine, Post.counts_as_reply)))
            .values(reply_count=Thread.reply_count - counted)
        )
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(select(Post.thread_id).where(mine, Post.parent_id.is_(None))))
            .values(title="[deleted]", slug="deleted")
        )
        db.session.execute(
            update(Post).where(mine).values(body="", body_html="", deleted_by_author_at=now)
        )
        # Earlier versions too: erased means erased, for moderators as well.
        db.session.execute(
            delete(PostRevision).where(PostRevision.post_id.in_(select(Post.id).where(mine)))
        )
    db.session.execute(update(Post).where(mine).values(author_id=None))
    db.session.execute(update(Post).where(Post.removed_by_id == user.id).values(removed_by_id=None))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    # What they followed and how far they read: said here, not left to the foreign key alone.
    db.session.execute(delete(ThreadReader).where(ThreadReader.user_id == user.id))
    db.session.add(RetiredPseudonym(key_digest=_retired_digest(user.pseudonym_key)))
    db.session.delete(user)


def export_data(user: User) -> dict:
    """Everything the forum holds about `user`, anonymous posts included, for them alone."""
    posts = db.session.execute(
        select(Post, Thread.title, Thread.kind)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.id)
    ).all()
    places = db.session.execute(
        select(ThreadReader, Thread.title)
        .join(Thread, Thread.id == ThreadReader.thread_id)
        .where(ThreadReader.user_id == user.id)
        .order_by(ThreadReader.thread_id)
    ).all()
    return {
        "exported_at": utcnow().isoformat(),
        "profile": {
            "pseudonym": user.pseudonym,
            "role": user.role,
            "joined": user.created_at.isoformat(),
            "bio": user.bio,
            "post_anonymously_by_default": user.post_anonymously_by_default,
            "unfold_content_warnings": user.unfold_content_warnings,
            "show_notification_count": user.show_notification_count,
            "listens_for_unanswered": user.listens_for_unanswered,
            "follow_threads_joined": user.follow_threads_joined,
            "suspended_until": user.suspended_until.isoformat() if user.suspended_until else None,
        },
        "posts": [
            {
                "id": post.id,
                "thread_id": post.thread_id,
                "thread_title": title,
                "thread_kind": kind,
                "opens_thread": post.parent_id is None,
                "in_reply_to": post.parent_id,
                "anonymous": post.anonymous,
                "shown_as": post.anon_alias if post.anonymous else user.pseudonym,
                "body": post.body,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "deleted_by_author": post.deleted_by_author_at is not None,
                "removed_by_moderators": post.removed_at is not None,
            }
            for post, title, kind in posts
        ],
        "reactions": [
            {"post_id": reaction.post_id, "kind": reaction.kind,
             "created_at": reaction.created_at.isoformat()}
            for reaction in db.session.scalars(
                select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.id)
            )
        ],
        "reports": [
            {"post_id": report.post_id, "reason": report.reason, "note": report.note,
             "created_at": report.created_at.isoformat(), "resolution": report.resolution}
            for report in db.session.scalars(
                select(Report).where(Report.reporter_id == user.id).order_by(Report.id)
            )
        ],
        # What the member was told: what, where and when, never who (as the list shows it).
        "notifications": [
            {"kind": notification.kind, "thread_id": notification.thread_id,
             "post_id": notification.post_id, "reason": notification.reason,
             "created_at": notification.created_at.isoformat(),
             "read_at": notification.read_at.isoformat() if notification.read_at else None}
            for notification in db.session.scalars(
                select(Notification)
                .where(Notification.user_id == user.id)
                .order_by(Notification.id)
            )
        ],
        "followed_threads": [
            {"thread_id": place.thread_id, "thread_title": title}
            for place, title in places
            if place.following
        ],
        # Where they stopped reading each thread: replies after it are marked new for them.
        "reading_places": [
            {"thread_id": place.thread_id, "last_read_post_id": place.last_seen_post_id,
             "following": place.following}
            for place, _ in places
        ],
        "muted": list(
            db.session.scalars(
                select(User.pseudonym)
                .join(Mute, Mute.muted_id == User.id)
                .where(Mute.muter_id == user.id)
            )
        ),
        # Never a token: the file may be kept anywhere, and a token would open the account.
        "signed_in_devices": [
            {"device": device.description, "signed_in_at": device.signed_in_at.isoformat(),
             "last_seen_at": device.last_seen_at.isoformat(),
             "ends_at": device.ends_at.isoformat(), "kept_logged_in": device.remembered,
             "this_device": device.is_this_one}
            for device in sign_ins.devices(user)
        ],
    }  # fmt: skip
