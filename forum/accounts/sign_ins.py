"""Sign-ins: each device a member is logged in on, a row that the session and remember cookies
point to by a random token (stored only as a hash).

Ending a sign-in deletes its row, so a cookie copied before then, the session cookie or the
"keep me logged in" one, opens nothing afterwards. A sign-in ends when the member logs out on
that device or ends it from their settings, when the account's password changes, and when it
expires: after `IDLE_LIMIT` unused, or, with "keep me logged in", `REMEMBER_COOKIE_DURATION`
after logging in, when the cookie itself expires.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, request
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.exc import OperationalError

from ..database import db, note_apart, utcnow
from ..models import SignIn, User

# Without "keep me logged in", a sign-in ends after a day unused: long enough for a story
# written slowly over an evening, short enough that a shared computer's browser restoring its
# last session a day later opens nobody's account.
IDLE_LIMIT = timedelta(days=1)
# A sign-in's last use is written down at most this often, so that reading pages rarely writes.
NOTED_EVERY = timedelta(hours=1)

# Browser and system families, by a word of the User-Agent. Checked in order, because
# browsers name others in theirs (Edge says Chrome and Safari, an iPhone says "like Mac OS X").
_BROWSERS = (
    ("Edg", "Edge"), ("OPR", "Opera"), ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)  # fmt: skip
_SYSTEMS = (
    ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("CrOS", "ChromeOS"),
    ("Windows", "Windows"), ("Macintosh", "macOS"), ("Linux", "Linux"),
)  # fmt: skip


@dataclass(frozen=True)
class Device:
    """A device a member is signed in on, as their settings and their data show it."""

    id: int
    description: str
    signed_in_at: datetime
    last_seen_at: datetime
    ends_at: datetime
    remembered: bool
    is_this_one: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _family(user_agent: str, families: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for word, name in families if word in user_agent), None)


def describe_device(user_agent: str) -> str:
    """'Firefox on Android': the browser's and the system's families, nothing more."""
    browser, system = _family(user_agent, _BROWSERS), _family(user_agent, _SYSTEMS)
    if browser and system:
        return f"{browser} on {system}"
    if system:
        return f"A browser on {system}"
    return browser or "An unknown browser"


def begin(user: User, user_agent: str, remember: bool) -> str:
    """Sign `user` in on the device sending `user_agent`; the new sign-in's token, which `user`
    also carries for this request's cookies (the caller commits). Expired sign-ins, anyone's,
    are deleted on the way: nothing is kept past its use."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    lasts = current_app.config["REMEMBER_COOKIE_DURATION"] if remember else IDLE_LIMIT
    delete_ended(now)
    db.session.add(
        SignIn(
            user_id=user.id, token_digest=_digest(token), device=describe_device(user_agent),
            remember=remember, created_at=now, last_seen_at=now, expires_at=now + lasts,
        )
    )  # fmt: skip
    user.sign_in_token = token
    return token


def delete_ended(now: datetime) -> int:
    """Delete every sign-in that has ended by `now`, anyone's; how many (the caller commits).
    Signing in does it on the way, and so does `forum purge`, for a forum nobody signs in to."""
    return db.session.execute(delete(SignIn).where(SignIn.expires_at <= now)).rowcount


def signed_in_member(token: str) -> User | None:
    """The member whose live sign-in `token` is, in one query; None when it ended, expired, or
    never was."""
    now = utcnow()
    found = db.session.execute(
        _signed_in_statement(), {"digest": _digest(token), "now": now}
    ).first()
    if found is None:
        return None
    user, sign_in_id, remember, last_seen_at = found
    user.sign_in_token = token
    if now - last_seen_at >= NOTED_EVERY:
        _note_use(sign_in_id, remember, now)
    return user


@cache
def _signed_in_statement() -> Select:
    """`signed_in_member`'s statement, built once per process (every request a member makes
    runs it), the token's digest and the moment as parameters."""
    return (
        select(User, SignIn.id, SignIn.remember, SignIn.last_seen_at)
        .join(SignIn, SignIn.user_id == User.id)
        .where(SignIn.token_digest == bindparam("digest"), SignIn.expires_at > bindparam("now"))
    )


def _note_use(sign_in_id: int, remember: bool, now: datetime) -> None:
    """Write down that the sign-in is in use, and move its end on unless it lasts a fixed time.

    Only while reading a page, in a short transaction of its own (`note_apart`): a page read
    holds no write lock, while a form's request holds SQLite's from its first query, and a
    second connection's write would wait for it. Every form leads back to a page, so a sign-in
    in use is noted within the hour all the same.
    """
    if request.method != "GET":
        return
    values = {"last_seen_at": now}
    if not remember:
        values["expires_at"] = now + IDLE_LIMIT
    try:
        with note_apart() as connection:
            connection.execute(update(SignIn).where(SignIn.id == sign_in_id).values(values))
    except OperationalError:
        # The database is busy: the page matters more than the note, which the next page makes.
        current_app.logger.warning("A sign-in's last use could not be noted", exc_info=True)


def _here(user: User):
    """The condition for this device's sign-in (none when `user` isn't signed in here)."""
    return SignIn.token_digest == _digest(user.sign_in_token or "")


def end_here(user: User) -> None:
    """Log this device out: its sign-in ends, whichever cookie carries it (the caller
    commits)."""
    db.session.execute(delete(SignIn).where(_here(user)))
    user.sign_in_token = None


def end_elsewhere(user: User) -> int:
    """End every sign-in of `user` but this device's; how many ended (the caller commits)."""
    ended = db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, ~_here(user)))
    return ended.rowcount


def end_one(user: User, sign_in_id: int) -> bool:
    """End one of `user`'s sign-ins on another device; False when there is no such sign-in
    (ended already, this device's, or someone else's). The caller commits."""
    ended = db.session.execute(
        delete(SignIn).where(SignIn.id == sign_in_id, SignIn.user_id == user.id, ~_here(user))
    )
    return ended.rowcount == 1


def renew_here(user: User) -> bool:
    """A new token for this device's sign-in, so that a copy of its cookies taken before is
    worthless too; whether it is remembered, as its cookies must be written again (the caller
    commits)."""
    remember = bool(db.session.scalar(select(SignIn.remember).where(_here(user))))
    token = secrets.token_urlsafe(32)
    db.session.execute(update(SignIn).where(_here(user)).values(token_digest=_digest(token)))
    user.sign_in_token = token
    return remember


def devices(user: User) -> list[Device]:
    """The devices `user` is signed in on now, the most recently used first."""
    this_one = _digest(user.sign_in_token or "")
    rows = db.session.scalars(
        select(SignIn)
        .where(SignIn.user_id == user.id, SignIn.expires_at > utcnow())
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
    )
    return [
        Device(
            id=row.id, description=row.device, signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at, ends_at=row.expires_at, remembered=row.remember,
            is_this_one=row.token_digest == this_one,
        )
        for row in rows
    ]  # fmt: skip
