"""Returning readers: a guest's copy of a page that is still current costs one small answer,
`304 Not Modified` with no body, decided before the page is rendered.

Each page a guest reads carries a validator (a weak ETag) made of what the page shows: the
thread's `changed_at` or the site's change counter (kept by `forum.changes` on every write),
the code that renders it (every template, script and module, hashed at startup), the settings
it shows (the site's name, the Quick exit address...), its shape (whole page or htmx part),
and the time its relative moments ("3 hours ago") were worded in (a feed, which gives exact
times, has none). Guest pages then say `Cache-Control: no-cache`: the browser asks every
time, and mostly hears "yours is current".

Members never get one: their pages show personal data and are `no-store` (forum.web.headers).
Nor does a guest with a message waiting in their session (after logging out): the page must
be rendered to show it.
"""

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from ..changes import site_marks
from ..database import db, utcnow
from ..models import Thread
from ..paths import BUNDLE, MIGRATIONS, PACKAGE, STATIC, TEMPLATES
from . import guest_pages
from .guest_pages import keep_page, kept_page
from .partials import wants_partial

# What renders pages: a change to any of it is a new page for the same data. By the names the
# files have in the repository, wherever they are (forum.paths), so that a checkout and the
# wheel built from it have the same hash.
CODE = {
    "forum": PACKAGE,
    "templates": TEMPLATES,
    "static": STATIC,
    "migrations/versions": MIGRATIONS / "versions",
}
# Left out: compiled files, and an installed package's copies of the folders above (hashed
# under their own names).
NOT_CODE = {"__pycache__", BUNDLE.name}
# Settings that hold secrets, or that pages never show, are left out of every validator.
NOT_SHOWN = ("SECRET", "KEY", "PASSWORD", "TOKEN", "URI", "STORAGE", "DATABASE")
SHOWN_ANYWAY = ("QUICK_EXIT_URL",)

# A relative moment ("3 minutes ago") is worded anew as time passes: a copy is current for as
# long as the newest moment on it reads the same, to within its unit. The younger the newest
# change, the finer the unit (babel words an age under an hour in minutes, under a day in
# hours, then in days or more).
WORDING_STEPS = [
    (timedelta(hours=1), 60),
    (timedelta(days=1), 3600),
    (None, 86400),
]


def code_version(folders: dict[str, Path]) -> str:
    """One hash of every file that renders pages, from the folders named in the repository."""
    digest = hashlib.sha256()
    for name, folder in folders.items():
        for path in sorted(folder.rglob("*")):
            inside = path.relative_to(folder)
            if path.is_file() and not NOT_CODE.intersection(inside.parts):
                digest.update(f"{name}/{inside.as_posix()}".encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def shown_settings() -> str:
    """The settings pages may show, hashed: worded and hashed again only when the configuration
    changed since (comparing it with a copy costs far less than wording it, at every guest's
    view; and hashing their few kilobytes of words once, not into every validator)."""
    config = current_app.config
    kept = current_app.extensions.get("shown_settings")
    if kept is None or kept[0] != config:
        words = repr(
            sorted(
                (name, repr(value))
                for name, value in config.items()
                if name in SHOWN_ANYWAY or not any(word in name for word in NOT_SHOWN)
            )
        )
        digest = hashlib.sha256(words.encode()).hexdigest()
        kept = current_app.extensions["shown_settings"] = (dict(config), digest)
    return kept[1]


def wording_time(newest: datetime | None, now: datetime) -> str:
    """The stretch of time the page's relative moments read the same in (to within a unit)."""
    age = now - newest if newest is not None else timedelta.max
    seconds = next(step for limit, step in WORDING_STEPS if limit is None or age < limit)
    return f"{seconds}:{int(now.timestamp() // seconds)}"


def reading_as_guest() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        # A flashed message is shown once, by rendering the page.
        and not session.get("_flashes")
    )


def validator(*shown: object, newest: datetime | None, relative_times: bool = True) -> str:
    parts = [
        current_app.extensions["code_version"],
        shown_settings(),
        "partial" if wants_partial() else "page",
        wording_time(newest, utcnow()) if relative_times else "exact times",
        *map(repr, shown),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def unchanged(
    *shown: object, newest: datetime | None, relative_times: bool = True
) -> Response | None:
    """For a guest: `304 Not Modified` if the copy their browser holds shows the same as the
    page would, now (`shown`: what the page depends on; `newest`: its latest moment, which
    matters only where the page words moments relative to now, `relative_times`); or the page
    as rendered before under the same validator (forum.web.guest_pages). Else None: the view
    renders the page, and its answer carries the validator and is kept."""
    if not reading_as_guest():
        return None
    etag = validator(*shown, newest=newest, relative_times=relative_times)
    if request.if_none_match.contains_weak(etag):
        return with_validator(Response(status=304), etag)
    if (kept := kept_page(etag)) is not None:
        content_type, body = kept
        return with_validator(Response(body, content_type=content_type), etag)
    g.page_etag = etag  # for the page the view renders now (add_validator)
    return None


def with_validator(response: Response, etag: str) -> Response:
    response.set_etag(etag, weak=True)
    # Kept, but asked about every time: the next change must show at once.
    response.cache_control.no_cache = True
    response.vary.add("HX-Request-Type")
    return response


def _thread_shows(thread: Thread, *page: object) -> tuple[object, ...]:
    """What a thread's pages (the thread, a post in context; `page` names another, its feed)
    show that can change: its own last change, and changes that show on every thread (a
    byline)."""
    return ("thread", thread.id, *page, thread.changed_at, site_marks(db.session).everywhere)


def thread_unchanged(thread: Thread, *page: object, relative_times: bool = True) -> Response | None:
    """`unchanged`, for a thread's pages."""
    if not reading_as_guest():
        return None
    return unchanged(
        *_thread_shows(thread, *page), newest=thread.changed_at, relative_times=relative_times
    )


def thread_validator(thread: Thread) -> str:
    """The validator of the thread's page as a guest would read it now: what its replies show
    to anyone (forum.reading.kept_replies keeps members' replies under it)."""
    return validator(*_thread_shows(thread), newest=thread.changed_at)


def site_unchanged(*page: object, relative_times: bool = True) -> Response | None:
    """A listing, a profile or a feed (`page` names it): the site's last change."""
    marks = site_marks(db.session)
    # The moment with the count: a database restored from a backup counts again from where
    # the backup was, and must not pass for the pages seen before the restore.
    return unchanged(
        *page, marks.revision, marks.changed_at,
        newest=marks.changed_at, relative_times=relative_times,
    )  # fmt: skip


def add_validator(response: Response) -> Response:
    """A guest's page rendered after `unchanged` found no copy: its validator, and it is kept."""
    etag = g.pop("page_etag", None)
    if etag and response.status_code == 200 and reading_as_guest():
        with_validator(response, etag)
        if not response.is_streamed:
            keep_page(etag, response.content_type, response.get_data())
    return response


def init_app(app: Flask) -> None:
    app.extensions["code_version"] = code_version(CODE)
    guest_pages.init_app(app)
    app.after_request(add_validator)
