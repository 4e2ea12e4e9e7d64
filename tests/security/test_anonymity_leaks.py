"""The anonymity-leak scan: a scripted community, then every page, partial, header, export and
log line it produces, read as every role but the anonymous authors themselves.

The community is built once per test process (about a second), mostly through the forms a
browser sends: anonymous stories and replies, a new member whose first posts wait for approval,
edits, deletions, reactions, reports, removals, suspensions of "the author of this post",
unlinking, and an account deleted with its posts kept. Then a guest, a member, a suspended
member, a moderator and an admin each crawl it: the listings, /mod and /mod/log, every thread,
every post and its reply page (a post's form pages for a sample of posts), every profile, their
own settings and export, in the htmx shapes too, following the links they find (2 deep), every
header read (a session cookie's contents decoded). Each test below asserts one property
over what they saw, and names the page, the role and the words that break it.

What counts as a leak, for an author of an anonymous post:
- a member whose every post is anonymous: their pseudonym anywhere, but on their own profile,
  asked for by name;
- anyone: their pseudonym, a profile link, their account id, or an account property (role,
  suspended, new, deleted) inside an anonymous post's <article>, or a difference between
  anonymous posts that differ only in who wrote them;
- and the issue's cases: unlinking, moderators' answers, suspensions on profiles and in the
  log, seconds in times, a deleted account's posts.

The database is emptied again before the next test that asks for the `app` fixture.
"""

import base64
import difflib
import html as html_lib
import math
import re
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.apps import ReusedApp, forget_rate_limits
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread, thread_url, unpace
from support.databases import empty_database
from support.forms import (
    confirm,
    fill,
    join,
    reply_through_form,
    settings_post,
    share_story,
    writing_form,
)
from support.members import PASSWORD, make_member
from support.moderation import (
    ADMIN,
    ANOTHER,
    AUTHOR,
    MODERATOR,
    READER,
    SECOND_ADMIN,
    SECOND_MODERATOR,
    approve,
    dismiss,
    lock,
    remove,
    report,
    restore,
    send,
    suspend_author,
)
from support.pages import (
    Element,
    html_of,
    location,
    notice,
    page,
    parse,
    visible_text,
    without_tokens,
)
from support.rows import fresh

from forum.anonymity import ANIMALS, alias_for
from forum.database import db
from forum.models import Post, Role, Thread, ThreadKind, User

# --- The cast ------------------------------------------------------------------------------
# Pseudonyms that occur in no page's own words, so finding one is never a coincidence.
QUIET = "Quorthy"  # a member who only ever posts anonymously
NEWCOMER = "Zumbrae"  # joins through the form; their first posts wait for a moderator
PAUSED = "Vexholt"  # posts anonymously only, and is suspended through one of those posts
LEAVER = "Plumtwig"  # posts anonymously only, then deletes the account, keeping the posts
MATRIX_MEMBER = "Drummock"  # posts anonymously only; moderators act on their post
SUSPENDED_READER = "Tansy"  # a reader, suspended through a named post
# Hazel (AUTHOR) and Bracken (ANOTHER) post under their names and anonymously; Maple and Rowan,
# a moderator and an admin, post anonymously only. Sorrel (READER), Cedar (MODERATOR) and
# Aspen (ADMIN) read and act, and never post anonymously.

# Each with a mark of its own (the words before the colon), to find it wherever it shows.
SUSPENSION_REASONS = {
    PAUSED: "Reason-V7: please step back from the threads for a week.",
    ANOTHER: "Reason-B3: the replies in the story went too far.",
    "matrix": "Reason-M1: a pause to look at what was said.",
}
TWIN_WORDS = "One day at a time, and that is enough for today."
MATRIX_WORDS = "Words a moderator will look at closely."

# The roles that read the forum, none of them an author of an anonymous post.
VIEWERS = ("guest", "member", "suspended member", "moderator", "admin")
# htmx's requests for part of a page, and for a whole one (a boosted link, a history restore).
HX_VARIANTS = {
    "partial": PARTIAL,
    "full": {"HX-Request": "true", "HX-Request-Type": "full"},
}
CRAWL_DEPTH = 2
CRAWL_CAP = 700  # per role: far more than the community has pages
SKIPPED = ("/static/", "/vendor/", "/login", "/join", "/recover", "/logout")

SCAN_CONFIG = {
    "FIRST_POSTS_NEED_APPROVAL": 0,  # on only while the new member posts
    "THREADS_PER_PAGE": 4,  # listings and profiles page, so their htmx "more" parts are read
    "MAX_VISIBLE_DEPTH": 3,  # deep branches continue on /p/<id> pages
    "EDIT_GRACE_SECONDS": 0,  # every edit shows "edited" and its time
    "SEARCH_RATE_LIMIT": "100000 per minute",  # every role searches, from one address
}
# Searches that find anonymous posts of every kind of author (the twins), and others.
SEARCHES = ("enough today", "sleep", "music", "helps", "harbour")


# --- What the scan records -----------------------------------------------------------------


@dataclass
class Author:
    """A member with anonymous posts, and what must not be tied to them."""

    pseudonym: str
    user_id: int
    properties: set[str]  # "member", "moderator", "admin", "new member", "suspended", "deleted"
    anonymous_only: bool
    anonymous_posts: set[int] = field(default_factory=set)

    @property
    def profile_path(self) -> str:
        return f"/u/{self.pseudonym}"


@dataclass
class Fetched:
    """One response, as a role received it."""

    role: str
    url: str
    variant: str  # "page", "partial" or "full"
    status: int
    headers: str  # every header, a session cookie's contents decoded
    body: str

    @property
    def where(self) -> str:
        return f"{self.role} GET {self.url} ({self.variant}, {self.status})"

    @property
    def text(self) -> str:
        return self.headers + "\n" + self.body

    @property
    def path(self) -> str:
        return self.url.split("?")[0]


@dataclass
class Unlinking:
    """A member took their name off a post in a thread where they also post anonymously."""

    case: str
    post_id: int
    alias: str  # the unlinked post's alias, as shown
    own_aliases: set[str]  # what the member's other anonymous posts there show
    author_tags_before: set[int]  # posts tagged "author" on the thread page, before and after
    author_tags_after: set[int]


@dataclass
class Scan:
    authors: dict[str, Author]
    aliases: dict[int, str]  # every anonymous post's alias
    fetched: list[Fetched]
    twins: dict[str, int]  # the same words, anonymously, by each kind of account
    twin_thread_path: str
    unlinkings: list[Unlinking]
    # (action, kind of author) -> the moderator's answer, ids and alias taken out
    answers: dict[tuple[str, str], str]

    def by_role(self, role: str) -> list[Fetched]:
        return [f for f in self.fetched if f.role == role]

    @property
    def anonymous_posts(self) -> dict[int, Author]:
        return {post: a for a in self.authors.values() for post in a.anonymous_posts}


# --- Building the community ----------------------------------------------------------------


class Script:
    """The community, built as its members would build it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.users: dict[str, User] = {}
        self.ids: dict[str, int] = {}  # kept: an account deleted later has no row to read
        self.devices: dict[str, FlaskClient] = {}
        self.anonymous: dict[str, set[int]] = {}
        self.twins: dict[str, int] = {}
        self.unlinkings: list[Unlinking] = []
        self.answers: dict[tuple[str, str], str] = {}
        self.matrix: set[int] = set()

    # people --------------------------------------------------------------------------

    def member(self, pseudonym: str, role: Role = Role.MEMBER, days_old: float = 30) -> User:
        user = make_member(pseudonym, role, days_old=days_old)
        self.users[pseudonym] = user
        self.ids[pseudonym] = user.id
        self.devices[pseudonym] = signed_in(self.app, user)
        return user

    def joins(self, pseudonym: str) -> None:
        """A new member, through the join form (recovery codes shown, not yet confirmed)."""
        client = device(self.app)
        response = join(client, pseudonym)
        assert response.status_code == 200, html_of(response)[:300]
        self.users[pseudonym] = fresh(User, pseudonym=pseudonym)
        self.ids[pseudonym] = self.users[pseudonym].id
        self.devices[pseudonym] = client

    # posts ---------------------------------------------------------------------------

    def story(self, who: str, title: str, body: str, anonymous: bool) -> Post:
        thread = share_story(self.devices[who], title=title, body=body, anonymous=anonymous)
        opening = fresh(Post, thread_id=thread.id, parent_id=None)
        if anonymous:
            self.anonymous.setdefault(who, set()).add(opening.id)
        return opening

    def discussion(self, who: str, title: str, body: str) -> Post:
        """A named discussion, written straight into the database."""
        return start_thread(ThreadKind.DISCUSSION, title, body, self.users[who])

    def answer(self, who: str, parent: Post | int, body: str, anonymous: bool = True) -> Post:
        """A reply through the reply form."""
        parent_id = parent if isinstance(parent, int) else parent.id
        new = reply_through_form(self.devices[who], parent_id, body, anonymous=anonymous)
        if anonymous:
            self.anonymous.setdefault(who, set()).add(new.id)
        return new

    def quick_reply(self, who: str, parent: Post, body: str, anonymous: bool = False) -> Post:
        """A reply written straight into the database (for depth, not for the forms)."""
        new = reply(parent, self.users[who], body, anonymous=anonymous)
        if anonymous:
            self.anonymous.setdefault(who, set()).add(new.id)
        return new

    def edit(self, who: str, post: Post, body: str) -> None:
        url = f"/p/{post.id}/edit"
        form = writing_form(page(self.devices[who], url))
        response = self.devices[who].post(url, data=fill(form, body=body))
        assert response.status_code == 303, html_of(response)[:300]

    def delete(self, who: str, post: Post) -> None:
        response = confirm(self.devices[who], f"/p/{post.id}/delete")
        assert response.status_code == 303, html_of(response)[:300]

    def react(self, who: str, post: Post, kind: str = "support") -> None:
        response = send(self.devices[who], f"/p/{post.id}/react", {"kind": kind})
        assert response.status_code == 303, html_of(response)[:300]

    def report(self, who: str, post: Post, reason: str = "harassment") -> None:
        response = report(self.devices[who], post, reason)
        assert response.status_code == 303, html_of(response)[:300]

    def unlink(self, who: str, post: Post, case: str) -> None:
        """Take `who`'s name off `post`, reading the thread page before and after."""
        guest = device(self.app)
        url = thread_url(fresh(Thread, post.thread_id))
        before = html_of(guest.get(url))
        response = confirm(self.devices[who], f"/p/{post.id}/unlink")
        assert response.status_code == 303, html_of(response)[:300]
        after = html_of(guest.get(url))
        shown = shown_aliases(after)
        own = {shown[p] for p in self.anonymous.get(who, set()) if p in shown}
        self.anonymous.setdefault(who, set()).add(post.id)
        self.unlinkings.append(
            Unlinking(
                case, post.id, shown.get(post.id, ""), own, author_tags(before), author_tags(after)
            )
        )

    def delete_account(self, who: str) -> None:
        data = {"password": PASSWORD, "posts": "keep", "confirm": "y"}
        response = settings_post(self.devices[who], "delete", data)
        assert response.status_code == 200, html_of(response)[:300]

    # moderators ------------------------------------------------------------------------

    def moderate(self, who: str, action: Callable, post: Post | Thread, **kwargs) -> None:
        response = action(self.devices[who], post, **kwargs)
        assert response.status_code in (200, 303), (action.__name__, html_of(response)[:300])
        if response.status_code == 303:  # read the message, as the browser would
            self.devices[who].get(location(response))


def build(app: Flask) -> Script:
    s = Script(app)
    for name, role, days in [
        (READER, Role.MEMBER, 30), (MODERATOR, Role.MODERATOR, 90), (ADMIN, Role.ADMIN, 365),
        (SECOND_MODERATOR, Role.MODERATOR, 90), (SECOND_ADMIN, Role.ADMIN, 365),
        (AUTHOR, Role.MEMBER, 30), (ANOTHER, Role.MEMBER, 30), (QUIET, Role.MEMBER, 30),
        (PAUSED, Role.MEMBER, 30), (LEAVER, Role.MEMBER, 30), (MATRIX_MEMBER, Role.MEMBER, 30),
        (SUSPENDED_READER, Role.MEMBER, 30),
    ]:  # fmt: skip
        s.member(name, role, days)
    start_thread(
        ThreadKind.ARTICLE, "Seeking help is a sign of strength", "Reaching out is brave.",
        None, pinned=True,
    )  # fmt: skip

    # Quorthy's anonymous story, answered at depth; Quorthy answers too (the "author" tag).
    quiet_story = s.story(QUIET, "Nights without sleep", "I lie awake until four.", True)
    first = s.answer(READER, quiet_story, "That sounds exhausting.", anonymous=False)
    quiet_back = s.answer(QUIET, first, "It is. Thank you for reading.")
    deep = s.quick_reply(AUTHOR, quiet_back, "Mornings are the hardest for me.", True)
    deeper = s.quick_reply(READER, deep, "Same here.")
    s.quick_reply(QUIET, deeper, "Tea and a short walk help me.", True)
    tansys = s.answer(SUSPENDED_READER, quiet_story, "Just sleep more lol.", anonymous=False)
    s.answer(AUTHOR, quiet_story, "Sending you strength.", anonymous=False)

    # Hazel's named story; her anonymous reply in it; then she takes her name off the story.
    hazel_story = s.story(AUTHOR, "The summer I stopped eating", "It crept up on me.", False)
    sorrels = s.answer(READER, hazel_story, "Thank you for telling us.", anonymous=False)
    s.answer(AUTHOR, sorrels, "It helps to say it here without my name.")
    s.answer(QUIET, hazel_story, "I went through the same.")
    s.unlink(AUTHOR, hazel_story, "a named story unlinked after an anonymous reply in it")

    # Bracken's named discussion: Hazel answers anonymously and by name, then unlinks the latter.
    talk = s.discussion(ANOTHER, "What helps on bad mornings?", "Share what works for you.")
    s.answer(AUTHOR, talk, "Opening the curtains first thing.")
    hazel_named = s.answer(AUTHOR, talk, "A glass of water before anything else.", False)
    s.unlink(AUTHOR, hazel_named, "a named reply unlinked where the member has an alias")
    quiet_tip = s.answer(QUIET, talk, "Music, loud.")
    s.answer(MATRIX_MEMBER, quiet_tip, "Headphones on the bus, every day.")
    s.answer(READER, quiet_tip, "Which music?", anonymous=False)
    quiet_gone = s.answer(QUIET, quiet_tip, "Anything with drums.")
    s.answer(READER, quiet_gone, "Good idea.", anonymous=False)
    paused_post = s.answer(PAUSED, talk, "Nothing helps, stop pretending.")
    s.edit(QUIET, quiet_tip, "Music, loud, with the windows open.")
    s.delete(QUIET, quiet_gone)

    # Bracken's anonymous story, his own anonymous answers, removals.
    bracken_story = s.story(
        ANOTHER, "Leaving the job that broke me", "I handed in my notice.", True
    )
    s.answer(ANOTHER, bracken_story, "Update: first week off, sleeping better.")
    bracken_harsh = s.answer(ANOTHER, bracken_story, "Anyone who stays there is a fool.")
    s.answer(PAUSED, bracken_story, "Quitting is weak.")
    quiet_off = s.answer(QUIET, bracken_story, "Buy my course on resilience!")
    s.answer(READER, bracken_story, "Well done for looking after yourself.", anonymous=False)

    # The twins: the same words, anonymously, from every kind of account.
    holding = s.discussion(READER, "Holding on", "How are you all holding on this week?")
    for kind, who in [
        ("member", QUIET), ("member who also posts by name", AUTHOR),
        ("moderator", SECOND_MODERATOR), ("admin", SECOND_ADMIN),
        ("suspended member", PAUSED), ("deleted account", LEAVER),
    ]:  # fmt: skip
        s.twins[kind] = s.answer(who, holding, TWIN_WORDS).id
    s.answer(LEAVER, quiet_story, "Thinking of you.")

    # The newcomer joins; their first two posts wait, and a third waits behind them.
    s.joins(NEWCOMER)
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    newcomer_twin = s.answer(NEWCOMER, holding, TWIN_WORDS)
    newcomer_second = s.answer(NEWCOMER, quiet_story, "I am new here. Hello.")
    s.answer(NEWCOMER, talk, "Breakfast outside, if it is dry.")
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 0
    s.twins["new member"] = newcomer_twin.id

    # The posts moderators act on (below), one per kind of author.
    matrix_story = s.discussion(READER, "A hard week at work", "Anyone else?")
    matrix = {
        kind: s.answer(who, matrix_story, MATRIX_WORDS)
        for kind, who in [
            ("member", MATRIX_MEMBER), ("moderator", SECOND_MODERATOR),
            ("admin", SECOND_ADMIN), ("deleted account", LEAVER),
        ]
    }  # fmt: skip

    # Reactions and reports.
    s.react(READER, quiet_story)
    s.react(ADMIN, quiet_story, "thank-you")
    s.react(QUIET, hazel_story, "me-too")
    s.react(LEAVER, bracken_story)
    s.react(PAUSED, quiet_tip)
    s.report(QUIET, tansys)
    s.report(READER, paused_post)
    s.report(READER, bracken_harsh)
    s.report(READER, quiet_off, "spam")
    s.report(LEAVER, tansys, "harmful")

    # The newcomer's first two posts are approved; Plumtwig leaves, keeping the posts; the
    # twins are reported.
    s.moderate(ADMIN, approve, newcomer_twin, htmx=True)
    s.moderate(MODERATOR, approve, newcomer_second)
    s.delete_account(LEAVER)
    for post_id in s.twins.values():
        s.report(READER, SimpleNamespace(id=post_id))

    # Removals, suspensions, a lock.
    s.moderate(MODERATOR, remove, quiet_off, reason="spam", htmx=True)
    s.moderate(
        MODERATOR, suspend_author, paused_post, duration="7",
        reason=SUSPENSION_REASONS[PAUSED], htmx=True, data={"from": "queue"},
    )  # fmt: skip
    s.moderate(ADMIN, suspend_author, bracken_harsh, reason=SUSPENSION_REASONS[ANOTHER])
    s.moderate(ADMIN, remove, bracken_harsh, reason="harassment")
    s.moderate(MODERATOR, suspend_author, tansys, reason="Tansy, please take a day.")
    s.moderate(MODERATOR, lock, fresh(Thread, bracken_story.thread_id), reason="Calm down.")

    s.matrix = {post.id for post in matrix.values()}
    moderators_answers(s, matrix)
    return s


# Each moderator action on an anonymous post, with htmx and without, on the post and from the
# queue: (name, how it is sent). The moderator acts on each author's post in the same order.
MATRIX_STEPS: list[tuple[str, Callable]] = [
    ("remove, on the post (htmx)", lambda c, p: remove(c, p, "spam", htmx=True)),
    ("restore, on the post (htmx)", lambda c, p: restore(c, p, htmx=True)),
    ("remove, on the post", lambda c, p: remove(c, p, "off-topic")),
    ("restore, on the post", lambda c, p: restore(c, p)),
    (
        "remove, from the queue (htmx)",
        lambda c, p: send(
            c, f"/mod/posts/{p.id}/remove", {"reason": "spam", "from": "queue"}, htmx=True
        ),
    ),
    ("restore, on the post, again", lambda c, p: restore(c, p)),
    ("dismiss reports, from the queue (htmx)", lambda c, p: dismiss(c, p, htmx=True)),
    ("dismiss reports, from the queue", lambda c, p: dismiss(c, p)),
    ("approve, from the queue (htmx)", lambda c, p: approve(c, p, htmx=True)),
    (
        "suspend the author, from the queue (htmx)",
        lambda c, p: suspend_author(
            c, p, reason=SUSPENSION_REASONS["matrix"], htmx=True, data={"from": "queue"}
        ),
    ),
    (
        "suspend the author, on the post",
        lambda c, p: suspend_author(c, p, reason=SUSPENSION_REASONS["matrix"]),
    ),
]


def moderators_answers(s: Script, posts: dict[str, Post]) -> None:
    """What a moderator (Cedar) is told for each action on each kind of author's anonymous
    post, with the post's id and alias taken out: these must not differ by author."""
    moderator = s.devices[MODERATOR]
    aliases = {kind: fresh(Post, post.id).anon_alias for kind, post in posts.items()}
    for step, act in MATRIX_STEPS:
        for kind, post in posts.items():
            response = act(moderator, post)
            if response.status_code in (301, 302, 303):
                followed = moderator.get(location(response))
                said = f"-> {location(response)} | {notice(html_of(followed))}"
            else:
                said = visible_text(html_of(response))
            answer = f"{response.status_code} {said}"
            s.answers[step, kind] = without(answer, [post.id], [aliases[kind]])


# --- Crawling ------------------------------------------------------------------------------

LINK = re.compile(r'\b(?:href|hx-get)="([^"]*)"')


def same_site_links(body: str) -> Iterator[str]:
    for raw in LINK.findall(body):
        url = html_lib.unescape(raw).split("#")[0]
        if url.startswith("/") and not url.startswith("//") and not url.startswith(SKIPPED):
            yield url


def decoded_cookies(set_cookies: Iterable[str]) -> list[str]:
    """What a Flask session cookie holds (its payload, unverified): a flashed message or
    anything else the server put in it."""
    decoded = []
    for cookie in set_cookies:
        value = cookie.split(";", 1)[0].split("=", 1)[-1]
        compressed = value.startswith(".")
        payload = value.lstrip(".").split(".", 1)[0]
        try:
            data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            decoded.append((zlib.decompress(data) if compressed else data).decode("utf-8"))
        except (ValueError, zlib.error, UnicodeDecodeError):
            continue
    return decoded


def record(role: str, url: str, variant: str, response) -> Fetched:
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    cookies = decoded_cookies(response.headers.getlist("Set-Cookie"))
    body = response.get_data(as_text=True)
    return Fetched(role, url, variant, response.status_code, "\n".join([headers, *cookies]), body)


# A post's form pages (report, edit, delete, unlink, take care, a reveal request): the same
# form whichever post it is for, so they are read for the sampled posts only.
FORM_PAGE = re.compile(r"/p/(\d+)/(?!reply$)[\w-]+$|/mod/posts/(\d+)/")


def hx_variants(role: str, url: str, sampled: bool) -> dict[str, dict[str, str]]:
    """The htmx shapes to ask for, besides the page. The whole-page shape ("full") is what a
    boosted link or a history restore gets: asked for where those land (listings, threads,
    profiles, the log), not on every post's pages; the inline reply form is the same for
    every post, so it is asked for the sampled posts only. A suspended member's partials are
    a member's, so they read pages only (their refusals are pages too)."""
    if role == "suspended member" or (url.endswith("/reply") and not sampled):
        return {}
    if url.startswith("/p/"):
        return {"partial": HX_VARIANTS["partial"]}
    return HX_VARIANTS


def crawl(role: str, client: FlaskClient, seeds: list[str], sample: set[int]) -> list[Fetched]:
    """GET every seed and every same-site link found, to CRAWL_DEPTH links away; each page in
    its htmx shapes too, when it answers in more than one. A post's form pages are read for
    the `sample` of posts only."""
    fetched: list[Fetched] = []
    seen: set[str] = set()
    queue = deque((url, 0) for url in seeds)
    while queue and len(seen) < CRAWL_CAP:
        url, depth = queue.popleft()
        post_id = re.match(r"/p/(\d+)", url)
        sampled = post_id is not None and int(post_id.group(1)) in sample
        if url in seen or (FORM_PAGE.match(url) and not sampled):
            continue
        seen.add(url)
        response = client.get(url)
        fetched.append(record(role, url, "page", response))
        bodies = [fetched[-1].body]
        if "hx-request" in response.headers.get("Vary", "").lower():
            for variant, headers in hx_variants(role, url, sampled).items():
                fetched.append(record(role, url, variant, client.get(url, headers=headers)))
                bodies.append(fetched[-1].body)
        if response.status_code in (301, 302, 303, 307, 308):
            target = f'href="{html_lib.escape(location(response))}"'
            queue.extendleft((link, depth) for link in same_site_links(target))
        if depth < CRAWL_DEPTH:
            queue.extend((link, depth + 1) for body in bodies for link in same_site_links(body))
    return fetched


def seeds(sample: set[int]) -> list[str]:
    """Where every role starts: the listings, the moderators' pages and the log, the reader's
    own settings, export and conversations, every thread, post, reply page and profile (the
    deleted member's too), and the sampled posts' report pages."""
    posts = db.session.scalars(db.select(Post.id).order_by(Post.id)).all()
    threads = db.session.scalars(db.select(Thread.id).order_by(Thread.id)).all()
    members = db.session.scalars(db.select(User.pseudonym).order_by(User.id)).all()
    return [
        "/", "/stories", "/stories/unanswered", "/mod", "/mod/log", "/help", "/privacy",
        "/settings", "/settings/export", "/notifications", "/me", "/healthz", f"/u/{LEAVER}",
        *(f"/search?q={quote(words)}" for words in SEARCHES),
        *(f"/t/{thread}" for thread in threads),
        *(url for post in posts for url in (f"/p/{post}", f"/p/{post}/reply")),
        *(f"/p/{post}/report" for post in sorted(sample)),
        *(f"/u/{member}" for member in members),
    ]  # fmt: skip


def authors_of(s: Script, user_ids: dict[str, int]) -> dict[str, Author]:
    """Everyone with anonymous posts, their account properties, and whether they post by name."""
    named = {
        pseudonym: db.session.scalar(
            db.select(db.func.count(Post.id)).where(
                Post.author_id == user_ids[pseudonym], Post.anonymous.is_(False)
            )
        )
        for pseudonym in s.anonymous
    }
    authors = {}
    for pseudonym, posts in s.anonymous.items():
        user = fresh(User, pseudonym=pseudonym)
        if user is None:
            properties = {"deleted"}
        else:
            properties = {str(user.role)}
            if user.is_suspended:
                properties.add("suspended")
            if pseudonym == NEWCOMER:
                properties.add("new member")
        authors[pseudonym] = Author(
            pseudonym, user_ids[pseudonym], properties, not named[pseudonym], set(posts)
        )
    return authors


@pytest.fixture(scope="session")
def scan(reused_app: ReusedApp, database_template: str, database_uri: str) -> Iterator[Scan]:
    """The community, and everything each role saw: built once per test process, not per
    test, for building and reading it takes seconds and the tests here only read what was
    seen (once per process, not per module: under xdist's worksteal a worker may run these
    tests apart, and would otherwise build it again). It starts, like the `app` fixture, from
    an emptied database and the app as built, and the next test that asks for `app` empties
    the database again."""
    empty_database(database_template, database_uri)
    forget_rate_limits()
    app = reused_app.as_built()
    with app.app_context():
        unpace(app)
        app.config.update(SCAN_CONFIG)
        s = build(app)
        authors = authors_of(s, s.ids)
        aliases = dict(
            db.session.execute(
                db.select(Post.id, Post.anon_alias).where(Post.anonymous.is_(True))
            ).all()
        )
        twin_path = thread_url(fresh(Thread, fresh(Post, s.twins["member"]).thread_id))
        # Every kind of author's post, and each unlinked one.
        sample = set(s.twins.values()) | {u.post_id for u in s.unlinkings} | s.matrix
        start = seeds(sample)
        clients = {
            "guest": device(app),
            "member": s.devices[READER],
            "suspended member": s.devices[SUSPENDED_READER],
            "moderator": s.devices[MODERATOR],
            "admin": s.devices[ADMIN],
        }
        fetched = [item for role in VIEWERS for item in crawl(role, clients[role], start, sample)]
        db.session.remove()
        db.engine.dispose()
    yield Scan(authors, aliases, fetched, s.twins, twin_path, s.unlinkings, s.answers)
    reused_app.as_built()


# --- Reading what was fetched --------------------------------------------------------------

ARTICLE = re.compile(r'<article\b[^>]*\bid="p(\d+)"[^>]*>(.*?)</article>', re.S)
BYLINE = re.compile(r'<p class="byline"[^>]*>(.*?)</p>', re.S)
TIME_DATETIME = re.compile(r'<time\b[^>]*\bdatetime="([^"]*)"')
# A date, or a date and time to the minute at most (an offset allowed).
TO_THE_MINUTE = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})?)?)?)?")
# A feed's moments (Atom): RFC 3339 writes the seconds, which must then be zero.
ATOM_DATE = re.compile(r"<(?:updated|published)>([^<]*)</")
ATOM_TO_THE_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00(Z|[+-]\d{2}:\d{2})")
MONTH_AT_MOST = re.compile(r"\d{4}(-\d{2})?")
PROPERTY_WORDS = re.compile(
    r"\b(suspended|suspension|new member|newcomer|first posts?|moderator|admin|administrator"
    r"|staff|deleted|no longer exists)\b",
    re.I,
)


def shown_aliases(html: str) -> dict[int, str]:
    """Post id -> the alias its byline shows, for the anonymous posts on a page."""
    shown = {}
    for post_id, inside in ARTICLE.findall(html):
        match = re.search(r'class="author author-anonymous">([^<]+)<', inside)
        if match:
            shown[int(post_id)] = match.group(1).strip()
    return shown


def author_tags(html: str) -> set[int]:
    """The posts whose byline carries the "author" tag."""
    tagged = set()
    for post_id, inside in ARTICLE.findall(html):
        byline = BYLINE.search(inside)
        if byline and re.search(r'<span class="tag">\s*author\s*</span>', byline.group(1)):
            tagged.add(int(post_id))
    return tagged


def names(text: str, pseudonym: str) -> bool:
    return pseudonym.lower() in text.lower() and (
        re.search(rf"(?<![\w-]){re.escape(pseudonym)}(?![\w-])", text, re.I) is not None
    )


# An account id where a page would put one: an attribute or field named for a user, or a
# /u/<id> address. (A bare number could be any post's id, so it isn't searched for.)
ACCOUNT_ID = re.compile(
    r"(?:user|author|member|account|subject|poster|writer)[-_ ]?id\W{0,4}(\d+)(?!\w)"
    r"|/u/(\d+)(?![\w-])",
    re.I,
)


def account_id_in(text: str, user_id: int) -> str | None:
    for match in ACCOUNT_ID.finditer(text):
        if int(match.group(1) or match.group(2)) == user_id:
            return match.group(0)
    return None


def without(text: str, ids: Iterable[int], aliases: Iterable[str]) -> str:
    """`text` with post ids, aliases, times and tokens taken out, and white space squeezed."""
    # Times first: a post's id may be the minute of a time ("05:42"), which must not count.
    text = without_tokens(re.sub(r"<time\b.*?</time>", "<time>", text, flags=re.S))
    text = re.sub(r"\b\d{1,2}:\d{2}\b", "HH:MM", text)
    for alias in aliases:
        if alias:
            text = text.replace(alias, "ALIAS")
    for number in ids:
        text = re.sub(rf"(?<!\d){number}(?!\d)", "ID", text)
    return " ".join(text.split())


def excerpt(text: str, needle: str, width: int = 70) -> str:
    at = text.lower().find(needle.lower())
    if at < 0:
        return ""
    return " ".join(text[max(0, at - width) : at + len(needle) + width].split())


def finding(what: str, item: Fetched) -> str:
    """One leak: what, `@` where it was seen (report_of groups the same leak seen often)."""
    return f"{what} @ {item.where}"


def report_of(findings: list[str], limit: int = 20) -> str:
    """The findings, each leak once, with how many responses showed it and one of them."""
    grouped: dict[str, list[str]] = {}
    for item in findings:
        what, _, where = item.partition(" @ ")
        grouped.setdefault(what, []).append(where)
    lines = [
        f"- {what}"
        + (f"\n    seen in {len(wheres)} response(s), e.g. {wheres[0]}" if wheres[0] else "")
        for what, wheres in list(grouped.items())[:limit]
    ]
    more = f"\n... and {len(grouped) - limit} more" if len(grouped) > limit else ""
    return f"{len(grouped)} leak(s) in {len(findings)} finding(s):\n" + "\n".join(lines) + more


# --- The rules, each a function of what was fetched, so the sanity test can plant leaks ------


def anonymous_only_authors_named(fetched: Iterable[Fetched], authors: dict[str, Author]):
    """A member whose every post is anonymous is named nowhere (but on their own profile, asked
    for by name): no pseudonym, no profile link, no account id, in any body or header."""
    findings = []
    hidden = [a for a in authors.values() if a.anonymous_only]
    for item in fetched:
        text = item.text
        ids = {int(m.group(1) or m.group(2)): m.group(0) for m in ACCOUNT_ID.finditer(text)}
        for author in hidden:
            asked_by_name = item.path.lower().startswith(author.profile_path.lower())
            if not asked_by_name and names(text, author.pseudonym):
                said = excerpt(text, author.pseudonym)
                findings.append(finding(f"{author.pseudonym} named: {said!r}", item))
            if author.user_id in ids:
                found = ids[author.user_id]
                findings.append(finding(f"{author.pseudonym}'s account id: {found!r}", item))
    return findings


def anonymous_articles_tell(fetched: Iterable[Fetched], authors: dict[str, Author]):
    """Inside an anonymous post's <article>: no pseudonym of its author, no profile link at all,
    no account id, and no account property in its byline."""
    findings = []
    owner = {post: a for a in authors.values() for post in a.anonymous_posts}
    for item in fetched:
        if "<article" not in item.body:
            continue
        for post_id, inside in ARTICLE.findall(item.body):
            author = owner.get(int(post_id))
            if author is None:
                continue
            post = f"anonymous post {post_id} (by {author.pseudonym})"
            if names(inside, author.pseudonym):
                said = excerpt(inside, author.pseudonym)
                findings.append(finding(f"{post} names its author: {said!r}", item))
            for link in re.findall(r'href="([^"]*/u/[^"]*)"', inside):
                findings.append(finding(f"{post} links to a profile: {link}", item))
            found = account_id_in(inside, author.user_id)
            if found:
                findings.append(finding(f"{post} carries the account id: {found!r}", item))
            byline = BYLINE.search(inside)
            said = PROPERTY_WORDS.search(visible_text(byline.group(1))) if byline else None
            if said:
                findings.append(finding(f"{post} says {said.group(0)!r} in its byline", item))
    return findings


STAFF = ("moderator", "admin")


def suspensions_shown(fetched: Iterable[Fetched], authors: dict[str, Author]):
    """A suspension made through an anonymous post shows on no profile, to anyone (the
    moderator who made it included); its reason is for the member (and staff, in their own
    pages): on no profile, and on nothing a guest or another member reads."""
    findings = []
    profiles = {a.profile_path.lower(): a for a in authors.values()}
    for item in fetched:
        author = profiles.get(item.path.lower())
        for name, reason in SUSPENSION_REASONS.items():
            if reason.split(":")[0] in item.text and (author or item.role not in STAFF):
                findings.append(finding(f"the reason {name} was suspended for is shown", item))
        if author is None or item.status != 200:
            continue
        tree = parse(item.body)
        main = tree.find("main") or tree
        # A suspended reader's own notice is on every page they read: not about this member.
        own = " ".join(p.text for p in main.find_all("p", class_="suspended"))
        text = main.text.replace(own, "") if own else main.text
        said = re.search(r"suspen\w*|lift the suspension", text, re.I)
        profile = f"{author.pseudonym}'s profile"
        if said:
            words = excerpt(text, said.group(0), 40)
            findings.append(finding(f"{profile} says {said.group(0)!r}: {words!r}", item))
        for form in main.iter("form"):
            if "unsuspend" in (form.get("action") or ""):
                findings.append(finding(f"{profile} has a form to {form.get('action')}", item))
        for link in main.iter("a"):
            href = link.get("href") or ""
            if any(re.search(rf"(/p/|#p){p}(?!\d)", href) for p in author.anonymous_posts):
                findings.append(finding(f"{profile} links an anonymous post: {href}", item))
    return findings


def queue_names(fetched: Iterable[Fetched], authors: dict[str, Author]):
    """The moderators' pages (the queue, and any page under /mod) name no author of an
    anonymous post."""
    return [
        finding(f"{item.path} names {author.pseudonym}: {excerpt(item.body, author.pseudonym)!r}",
                item)
        for item in fetched
        if item.path == "/mod" or item.path.startswith("/mod/")
        for author in authors.values()
        if names(item.body, author.pseudonym)
    ]  # fmt: skip


def log_entries_in(body: str) -> list[Element]:
    """The entries of the public log, on the page or in its htmx part."""
    tree = parse(body)
    listing = tree.by_id("log-entries")
    items = (listing or tree).find_all("li")
    return [li for li in items if "more" not in li.classes]


def log_ties(fetched: Iterable[Fetched]):
    """In the public log, an approval or a suspension links to no post or thread and says when
    to the month only."""
    findings = []
    for item in fetched:
        if item.path != "/mod/log" or item.status != 200:
            continue
        for entry in log_entries_in(item.body):
            text = entry.text
            if not re.search(r"\b(approved|suspended)\b", text, re.I) or "request" in text:
                continue
            what = f"the log entry {text!r}"
            for link in entry.iter("a"):
                href = link.get("href") or ""
                if re.match(r"/[pt]/\d", href):
                    findings.append(finding(f"{what} links to {href}", item))
            for moment in entry.iter("time"):
                stamp = moment.get("datetime") or ""
                if not MONTH_AT_MOST.fullmatch(stamp):
                    findings.append(finding(f"{what} has <time datetime={stamp!r}>", item))
            close = re.search(r"\bago\b|just now|\d{1,2}:\d{2}", text, re.I)
            if close:
                findings.append(finding(f"{what} says {close.group(0)!r}", item))
    return findings


def times_with_seconds(fetched: Iterable[Fetched]):
    """Every <time datetime>, and every moment in a feed, is to the minute at most."""
    return [
        finding(f"<time datetime={stamp!r}> has seconds", item)
        for item in fetched
        for stamp in TIME_DATETIME.findall(item.body)
        if not TO_THE_MINUTE.fullmatch(stamp)
    ] + [
        finding(f"a feed's moment {stamp!r} has seconds", item)
        for item in fetched
        for stamp in ATOM_DATE.findall(item.body)
        if not ATOM_TO_THE_MINUTE.fullmatch(stamp)
    ]


def outline(element: Element, ids: list[int], aliases: list[str]) -> list[str]:
    """An element as lines of tags, attributes and text, with post ids, aliases, times and
    tokens taken out: two posts that differ only in who wrote them have the same outline."""
    lines = []

    def walk(node: Element, depth: int) -> None:
        if node.tag == "time":
            lines.append("  " * depth + "<time>")
            return
        attrs = dict(node.attrs)
        if attrs.get("name") == "csrf_token":
            attrs["value"] = "TOKEN"
        shown = " ".join(f"{k}={v!r}" for k, v in sorted(attrs.items()))
        lines.append("  " * depth + f"<{node.tag} {shown}>")
        for child in node.children:
            if isinstance(child, Element):
                walk(child, depth + 1)
            elif child.strip():
                lines.append("  " * (depth + 1) + " ".join(child.split()))

    walk(element, 0)
    return [without(line, ids, aliases) for line in lines]


def twins_differ(fetched: Iterable[Fetched], twins: dict[str, int], aliases: dict[int, str], where):
    """The twins (the same words, anonymously, from each kind of account) look the same, on
    the thread page and in the moderators' queue, to every role."""
    findings = []
    ids = sorted(twins.values(), reverse=True)  # longest first: 12 before 1
    for item in fetched:
        if item.status != 200 or not where(item):
            continue
        tree = parse(item.body)
        shown = {}
        for kind, post_id in twins.items():
            element = tree.by_id(f"p{post_id}") or tree.by_id(f"report-{post_id}")
            if element is not None:
                shown[kind] = outline(element, ids, [aliases.get(post_id, "")])
        if "member" not in shown:
            continue
        for kind, lines in shown.items():
            if lines != shown["member"]:
                diff = [
                    line.strip()
                    for line in difflib.unified_diff(shown["member"], lines, "member", kind, n=0)
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")
                ]
                what = f"the {kind}'s post differs from a member's: " + " | ".join(diff[:5])
                findings.append(finding(what, item))
    return findings


# --- The tests -----------------------------------------------------------------------------


def test_the_scan_covers_the_whole_community(scan: Scan):
    """The scan is only as good as what it reads: every role read every thread and post,
    the queue, the log, profiles and exports, in their htmx shapes too."""
    for role in VIEWERS:
        seen = scan.by_role(role)
        paths = {item.path for item in seen}
        for post_id in scan.anonymous_posts:
            assert f"/p/{post_id}" in paths, (role, post_id)
        assert {"/", "/stories", "/mod/log", "/mod"} <= paths, role
        assert {"/feed.atom", "/stories/feed.atom"} <= paths, role
        feeds = [f for f in seen if f.path.endswith("/feed.atom") and f.status == 200]
        assert any(f.path.startswith("/t/") for f in feeds), role
        if role != "suspended member":
            assert any(item.variant == "partial" for item in seen), role
        if role != "guest":
            assert "/settings/export" in paths, role
    staff_queue = [f for f in scan.fetched if f.path == "/mod" and f.status == 200]
    assert {f.role for f in staff_queue} == {"moderator", "admin"}
    assert all(len(a.anonymous_posts) >= 2 for a in scan.authors.values())
    kinds = set().union(*(a.properties for a in scan.authors.values()))
    assert {"member", "moderator", "admin", "new member", "suspended", "deleted"} <= kinds
    for role in VIEWERS:
        twin_pages = [
            f for f in scan.by_role(role) if f.path == scan.twin_thread_path and f.status == 200
        ]
        assert twin_pages, role
        assert all(f'id="p{post}"' in twin_pages[0].body for post in scan.twins.values()), role
        # Search results are read too: the twins, found by their words.
        searched = [f for f in scan.by_role(role) if f.url == "/search?q=enough%20today"]
        shapes = {"page"} if role == "suspended member" else {"page", "partial", "full"}
        assert {f.variant for f in searched} == shapes, role
        assert all(f'id="p{post}"' in searched[0].body for post in scan.twins.values()), role
    queue = next(f for f in staff_queue if f.role == "moderator")
    assert all(f'id="report-{post}"' in queue.body for post in scan.twins.values())
    # The member was told of anonymous replies to their posts: the scan read those entries.
    told = next(f for f in scan.by_role("member") if f.path == "/notifications")
    # (Entries for one reply name its writer: "Anonymous Heron replied to your story", or, in
    # a thread the member follows, "... replied in".)
    assert re.search(
        r'author-anonymous">Anonymous [A-Z][a-z]+</span> replied (to your|in)', told.body
    )


def test_no_anonymous_only_author_is_named_anywhere(scan: Scan):
    findings = anonymous_only_authors_named(scan.fetched, scan.authors)
    assert not findings, report_of(findings)


def test_no_anonymous_post_carries_its_authors_name_link_id_or_account(scan: Scan):
    findings = anonymous_articles_tell(scan.fetched, scan.authors)
    assert not findings, report_of(findings)


def test_anonymous_posts_look_the_same_whoever_wrote_them(scan: Scan):
    """Member, member who also posts by name, moderator, admin, new member, suspended member,
    deleted account: the same words show the same post, to every role."""
    on_thread = twins_differ(
        scan.fetched, scan.twins, scan.aliases, lambda f: f.path == scan.twin_thread_path
    )
    assert not on_thread, report_of(on_thread)


def test_the_queue_treats_every_anonymous_author_alike_and_names_none(scan: Scan):
    """Moderators get the same controls (suspend the author included) for a reported anonymous
    post whoever wrote it, a deleted account included; and no pseudonym of its author."""
    findings = queue_names(scan.fetched, scan.authors)
    findings += twins_differ(scan.fetched, scan.twins, scan.aliases, lambda f: f.path == "/mod")
    assert not findings, report_of(findings)


def test_moderators_are_told_the_same_whoever_wrote_an_anonymous_post(scan: Scan):
    """Each moderator action's answer (status and words, ids and alias aside) on an anonymous
    post is the same for a member's, a moderator's, an admin's and a deleted account's."""
    findings = []
    for step, _ in MATRIX_STEPS:
        member = scan.answers[step, "member"]
        for kind in ("moderator", "admin", "deleted account"):
            if scan.answers[step, kind] != member:
                findings.append(
                    f"{step}: a member's post -> {member[:160]!r}; "
                    f"{kind}'s -> {scan.answers[step, kind][:160]!r}"
                )
    assert not findings, report_of(findings)


def test_a_suspension_through_an_anonymous_post_shows_on_no_profile(scan: Scan):
    findings = suspensions_shown(scan.fetched, scan.authors)
    assert not findings, report_of(findings)


def test_the_public_log_ties_no_approval_or_suspension_to_a_post_or_a_moment(scan: Scan):
    findings = log_ties(scan.fetched)
    assert not findings, report_of(findings)


def test_times_are_shown_to_the_minute_at_most(scan: Scan):
    findings = times_with_seconds(scan.fetched)
    assert not findings, report_of(findings)


def test_an_unlinked_post_gets_an_alias_of_its_own_and_moves_no_author_tag(scan: Scan):
    """Readers saw the post under the member's name: sharing the member's alias in the thread
    would tell them who wrote the member's anonymous posts there."""
    assert len(scan.unlinkings) == 2
    findings = []
    for unlinking in scan.unlinkings:
        assert unlinking.alias and unlinking.own_aliases, unlinking
        if unlinking.alias in unlinking.own_aliases:
            findings.append(
                f"{unlinking.case}: post {unlinking.post_id} became {unlinking.alias!r}, the "
                f"alias the member's anonymous posts there carry ({sorted(unlinking.own_aliases)})"
            )
        if unlinking.author_tags_after != unlinking.author_tags_before:
            findings.append(
                f"{unlinking.case}: the 'author' tag was on posts "
                f"{sorted(unlinking.author_tags_before)}, and after on "
                f"{sorted(unlinking.author_tags_after)}"
            )
    assert not findings, report_of(findings)


def test_one_members_aliases_in_different_threads_match_only_by_chance():
    """With the forum's alias function, two threads of one member share an alias about once in
    len(ANIMALS) pairs, as two threads of two different members do: knowing someone's alias in
    one thread tells nothing about their alias in another."""
    secret, members, threads = "an alias test key", range(1, 61), range(1, 41)
    animal = {
        (m, t): alias_for(secret, m, t).removeprefix("Anonymous ") for m in members for t in threads
    }
    chance = 1 / len(ANIMALS)

    def beyond_chance(matches: int, pairs: int) -> str | None:
        """Why `matches` in `pairs` is not chance; None when it is. The pairs' matches are
        pairwise independent for a keyed hash, so the count spreads as a binomial one: five
        standard deviations either way (the key is fixed, so the test is too)."""
        mean, sd = pairs * chance, math.sqrt(pairs * chance * (1 - chance))
        if abs(matches - mean) <= 5 * sd:
            return None
        return f"{matches} times in {pairs} pairs (chance: {mean:.0f} ± {sd:.0f})"

    thread_pairs = list(combinations(threads, 2))
    same = sum(animal[m, a] == animal[m, b] for m in members for a, b in thread_pairs)
    said = beyond_chance(same, len(members) * len(thread_pairs))
    assert said is None, f"one member's two threads share an alias {said}"

    others = sum(animal[m, a] == animal[m + 1, b] for m in members[:-1] for a, b in thread_pairs)
    said = beyond_chance(others, (len(members) - 1) * len(thread_pairs))
    assert said is None, f"two members' threads share an alias {said}"

    # And no animal is favoured: each about as often as the others, over every member and thread.
    counts = Counter(animal.values())
    expected = len(animal) * chance
    assert max(counts.values()) < expected + 6 * math.sqrt(expected), counts.most_common(3)


def test_the_scanner_finds_a_planted_leak(scan: Scan):
    """Each rule fails when its leak is planted in a page the scan really fetched: the rules
    can fail, so their passing means something."""
    hidden = next(a for a in scan.authors.values() if a.anonymous_only and "deleted" not in
                  a.properties)  # fmt: skip
    mixed = next(a for a in scan.authors.values() if not a.anonymous_only)
    post_id = min(hidden.anonymous_posts & set(scan.twins.values()))
    mixed_post = min(mixed.anonymous_posts & set(scan.twins.values()))
    thread_page = next(
        f for f in scan.fetched
        if f.role == "guest" and f.variant == "page" and f.path == scan.twin_thread_path
    )  # fmt: skip

    def planted(body: str, headers: str = "", url: str | None = None) -> list[Fetched]:
        item = Fetched("guest", url or thread_page.url, "page", 200, headers, body)
        return [item]

    def plant_in(post: int, addition: str) -> str:
        marker = f'id="p{post}"'
        at = thread_page.body.index(marker)
        close = thread_page.body.index("</p>", thread_page.body.index('class="byline"', at))
        return thread_page.body[:close] + addition + thread_page.body[close:]

    def more(rule, *args) -> bool:
        return len(rule(*args)) > len(rule([thread_page], *args[1:]))

    everyone = scan.authors
    # A name in a header, in a session cookie, or in the page.
    assert anonymous_only_authors_named(planted("", f"X-Name: {hidden.pseudonym}"), everyone)
    cookie = base64.urlsafe_b64encode(f'{{"_flashes": "{hidden.pseudonym}"}}'.encode()).decode()
    headers = "\n".join(decoded_cookies([f"session={cookie.rstrip('=')}.sig.sig; Path=/"]))
    assert anonymous_only_authors_named(planted("", headers), everyone)
    assert anonymous_only_authors_named(planted(f"<p>{hidden.pseudonym.lower()}</p>"), everyone)
    assert anonymous_only_authors_named(planted(f'<a data-author-id="{hidden.user_id}">'), everyone)
    # Inside an anonymous post: its author's name, a profile link, a role.
    for addition in [
        f" <span>{mixed.pseudonym}</span>",
        ' <a href="/u/Someone">profile</a>',
        ' <span class="tag">moderator</span>',
    ]:
        page_with = [
            Fetched("guest", thread_page.url, "page", 200, "", plant_in(mixed_post, addition))
        ]
        assert more(anonymous_articles_tell, page_with, everyone), addition
    # The twins: one kind's post with one thing more.
    twin_page = planted(plant_in(post_id, ' <span class="tag">new</span>'))
    assert twins_differ(twin_page, scan.twins, scan.aliases, lambda f: True)
    # A suspension on a profile; a suspension reason anywhere.
    profile = f"<main><h1>{hidden.pseudonym}</h1><p class='notice'>Suspended: x</p></main>"
    assert suspensions_shown(planted(profile, url=hidden.profile_path), everyone)
    assert suspensions_shown(planted(SUSPENSION_REASONS[PAUSED]), everyone)
    assert not suspensions_shown(planted(f"<main><h1>{hidden.pseudonym}</h1></main>",
                                         url=hidden.profile_path), everyone)  # fmt: skip
    # The queue naming an author.
    queue = planted(f"<p>{mixed.pseudonym}</p>", url="/mod")
    assert queue_names(queue, everyone)
    # A log entry with a link and an exact time; one to the month passes.
    entry = '<ol id="log-entries"><li>{} · A moderator: Suspended an account{}</li></ol>'
    tied = entry.format(
        '<time datetime="2025-06-01T10:12">3 minutes ago</time>', ' · <a href="/p/4">where</a>'
    )
    assert len(log_ties(planted(tied, url="/mod/log"))) == 3
    month = entry.format('<time datetime="2025-06">June 2025</time>', "")
    assert not log_ties(planted(month, url="/mod/log"))
    # Seconds in a time; minutes pass.
    assert times_with_seconds(planted('<time datetime="2025-06-01T10:12:09+00:00">'))
    assert not times_with_seconds(planted('<time datetime="2025-06-01T10:12+00:00">'))
    assert times_with_seconds(planted("<entry><updated>2025-06-01T10:12:09+00:00</updated>"))
    assert times_with_seconds(planted("<published>2025-06-01T10:12:00.5+00:00</published>"))
    assert not times_with_seconds(planted("<updated>2025-06-01T10:12:00+00:00</updated>"))
