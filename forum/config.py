"""Configuration from environment variables, with safe defaults for one machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SITE_NAME = "Reaching Out"


def with_driver(url: str) -> str:
    """`postgres://` and driver-less `postgresql://` URLs use psycopg 3, the driver we ship."""
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url.removeprefix(bare)
    return url


def database_url(instance_path: Path) -> str:
    """`DATABASE_URL`, or a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return with_driver(url)
    instance_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_path / 'forum.db'}"


def secret_key(instance_path: Path) -> str:
    """`SECRET_KEY`, or one generated once into the instance folder and kept there."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Created with owner-only permissions before the key is written.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def quick_exit_url() -> str:
    """`QUICK_EXIT_URL`: where Quick exit leaves for. Only an http(s) address will do; anything
    else falls back to the default, so a typo can never leave the button going nowhere."""
    url = os.environ.get("QUICK_EXIT_URL", "").strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return DEFAULTS["QUICK_EXIT_URL"]


def trusted_proxies() -> int:
    """`TRUSTED_PROXIES`: how many proxies of our own stand in front of the app (nginx alone:
    1). A mistake here must stop the forum starting, never leave it believing anyone."""
    value = os.environ.get("TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"TRUSTED_PROXIES must be a number of proxies (0, 1, 2...), not {value!r}")
    return int(value)


def from_environment(instance_path: Path) -> dict:
    """The settings a deployment controls, read once when the app is created."""
    redis_url = os.environ.get("REDIS_URL", "").strip()
    # Behind HTTPS, cookies must never travel over plain HTTP.
    secure_cookies = _flag("SECURE_COOKIES")
    return {
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "SITE_NAME": os.environ.get("SITE_NAME", "").strip() or DEFAULT_SITE_NAME,
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # Rate limits are shared by every worker only when they live in Redis.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "QUICK_EXIT_URL": quick_exit_url(),
        "TRUSTED_PROXIES": trusted_proxies(),
        # Site settings for moderation.
        "FIRST_POSTS_NEED_APPROVAL": int(
            os.environ.get("FIRST_POSTS_NEED_APPROVAL", DEFAULTS["FIRST_POSTS_NEED_APPROVAL"])
        ),
        "MODLOG_SHOWS_MODERATOR_NAMES": _flag("MODLOG_SHOWS_MODERATOR_NAMES"),
        # Memory each worker may spend keeping guests' pages rendered (0: none).
        "GUEST_PAGES_KEPT_BYTES": int(
            os.environ.get("GUEST_PAGES_KEPT_BYTES", DEFAULTS["GUEST_PAGES_KEPT_BYTES"])
        ),
        # And members' replies (forum.reading.kept_replies).
        "MEMBER_REPLIES_KEPT_BYTES": int(
            os.environ.get("MEMBER_REPLIES_KEPT_BYTES", DEFAULTS["MEMBER_REPLIES_KEPT_BYTES"])
        ),
    }


DEFAULTS = {
    # hide_parameters: a database error in the log never carries what someone wrote.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    # A form's CSRF token lasts as long as the session: a story written slowly over an
    # evening must not be refused (and lost) because an hour went by.
    "WTF_CSRF_TIME_LIMIT": None,
    # No form sends more: a post's 20,000 characters, percent-encoded, are at most 240 KB.
    # Anything larger is refused (413) before it is read, let alone decoded.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Pages, the stylesheet and scripts are compressed when the browser accepts it (a thread
    # of 110 replies: 161 KB as HTML, about 25 KB compressed). Not a response under 500 bytes,
    # where the encoding costs more than it saves, nor one that streams, which must reach the
    # reader as it is made (flask-compress would otherwise compress it too).
    "COMPRESS_MIN_SIZE": 500,
    # Guests' pages kept rendered in each worker's memory, with their compressed copies, up to
    # this many bytes (forum.web.guest_pages; 0 keeps none): a 200-reply thread's page is about
    # 110 KB, a fraction of that compressed.
    "GUEST_PAGES_KEPT_BYTES": 4 * 1024 * 1024,
    # Members' replies kept rendered (forum.reading.kept_replies; 0 keeps none): a page of a
    # 200-reply thread's replies is about 200 KB for each member whose own things on it differ.
    "MEMBER_REPLIES_KEPT_BYTES": 4 * 1024 * 1024,
    "COMPRESS_STREAMS": False,
    # When Redis can't be reached, logging in and joining keep working: each process counts
    # the same limits in its own memory (flask-limiter checks Redis again now and then, and
    # goes back to it), and a limiter error never fails a request. Redis answers in a
    # millisecond; one that doesn't answer in half a second costs a request about a second
    # (the limiter's count, then its look at whether Redis is back), not a hang.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 0.5},
    # PostgreSQL down or frozen costs a request a few seconds and gives a calm 503 page
    # (forum.database.configure_postgresql): seconds to connect, and for a statement to run.
    "DATABASE_CONNECT_TIMEOUT": 2,
    "DATABASE_STATEMENT_TIMEOUT": 5,
    # argon2's own default profile (forum.accounts.passwords); tests choose "CHEAPEST".
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    "THREADS_PER_PAGE": 25,
    # Search: results a page, and searches per client address (plenty for a person typing, a
    # request per pause; too few for a program reading the forum through its search).
    "SEARCH_RESULTS_PER_PAGE": 20,
    "SEARCH_RATE_LIMIT": "30 per minute",
    # Replies deeper than this (relative to the page) continue on a page of their own.
    "MAX_VISIBLE_DEPTH": 6,
    # A thread with more replies than this shows this many replies to its opening post, each
    # with its branch, and the next ones on demand (forum.reading.queries.thread_page); past
    # FOLD_REPLIES_AFTER replies to one post, the others fold behind "N more replies".
    "REPLIES_PER_PAGE": 10,
    "FOLD_REPLIES_AFTER": 3,
    # A feed (forum/feeds) carries this many of the newest threads, stories or replies.
    "FEED_ENTRIES": 30,
    # Posting pace (forum.posting.rules) and the silent grace period for fixing typos.
    "THREAD_INTERVAL_SECONDS": 15,
    "REPLY_INTERVAL_SECONDS": 5,
    "FIRST_DAY_MAX_THREADS": 3,
    "FIRST_DAY_MAX_REPLIES": 10,
    "EDIT_GRACE_SECONDS": 300,
    # How many proxies of our own stand in front of the app, each adding the address it was
    # asked from to X-Forwarded-For (and the scheme to X-Forwarded-Proto). The app believes
    # that many entries, counted from the end, and no more (forum/__init__.py): any entry
    # before them was written by the client itself. 0: the headers are ignored, and the
    # client's address is the connection's.
    "TRUSTED_PROXIES": 0,
    # Earlier versions of edited posts, and the text of posts their authors deleted or
    # moderators removed, are kept for moderators this long; then `forum purge` erases them.
    # The privacy page says so, from this same setting.
    "KEPT_FOR_MODERATORS": timedelta(days=30),
    # Quick exit leaves for this everyday page (set QUICK_EXIT_URL to choose another).
    "QUICK_EXIT_URL": "https://www.bbc.com/weather",
    # A new member's posts wait for a moderator until this many of theirs (threads and replies
    # together) are approved (0: none wait; see forum/posting/rules.py); whether the public
    # moderation log names moderators (otherwise it shows their role only).
    "FIRST_POSTS_NEED_APPROVAL": 2,
    "MODLOG_SHOWS_MODERATOR_NAMES": False,
    # A story with no reply after this long is listed for members to answer (and listeners
    # hear of it).
    "UNANSWERED_AFTER_HOURS": 3,
    # Notifications: a page of them, and how often the bell asks for its count again while
    # the page is in sight.
    "NOTIFICATIONS_PER_PAGE": 25,
    "NOTIFICATIONS_POLL_SECONDS": 60,
}
