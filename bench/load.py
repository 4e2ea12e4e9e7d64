"""Load and crash runs: members logging in, writing and reading at once, with kill -9 mid-load.

Builds a throwaway forum (SQLite in a temporary folder, or a PostgreSQL database of its own),
serves it with gunicorn on 127.0.0.1 and drives it through the real pages and forms:

- writers: log in once, then open a reply form (GET, for its CSRF and one-time tokens) and send
  it (POST), again and again; an answer of 303 naming the new post is an acknowledgement.
  Every DOUBLE_EVERY-th form is sent twice at once, as a double click would.
- readers: guests reading the home page, the stories, thread pages and single posts.
- logins: LOGINS members who all log in at the same moment (every BURST_EVERY seconds), open
  the home page and log out, with their right password and the deployment's argon2 profile.
- previewers: a member asking for the preview of a worst-case 20,000-character text, by htmx
  (POST /preview) and by the no-JavaScript form (POST /stories/new with preview=1) in turn, with
  a pause between, so that some writes overlap a preview and some do not.
- crashes: kill -9 of every gunicorn process (masters and workers) CRASHES times, evenly spread,
  each followed by a restart; clients resend after a connection error, a writer with the same
  form (same one-time token), as a browser's retry would.

At the end the database is read directly: every acknowledged post must be there once, with the
id the acknowledgement named, under the parent it answered and at its place in the tree (its
path). The run prints requests and statuses by kind ("no ans": attempts with no answer, as
when a server was killed), latencies, the posts' figures and the errors in gunicorn's logs, and
exits 1 if anything failed: a 5xx, a post lost, duplicated or misplaced, a failed integrity
check, or, with previews, a write slower than a second while a preview ran.

    .venv/bin/python bench/load.py                       # SQLite, 60 s: logins beside writers
    .venv/bin/python bench/load.py --preset preview      # writers beside worst-case previews
    .venv/bin/python bench/load.py --preset crash        # kill -9 three times mid-load
    .venv/bin/python bench/load.py --db postgres [--preset crash]   # two servers and Redis
    .venv/bin/python bench/load.py --duration 10         # a short smoke run

The forum served is the last commit (--source HEAD, copied with git archive), not the working
tree, which others may be editing: --source . serves the working tree as it is.
PostgreSQL: a database of its own (--pg-database bench_load, created and dropped, on the server
of --pg-url, default postgresql://127.0.0.1:5432/test) and a Redis database of its own
(--redis-url, default redis://127.0.0.1:6379/9, emptied before and after; the test suite takes
15, 14 ... counting down). Only loopback is ever contacted; every loop ends with the run.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SECRET_KEY = "bench-load-secret-key-not-for-production"

# Pace and first-day caps off, so that writers are never refused by design (the server reads
# these from its configuration at each post; see wsgi()).
PACE_OFF = {
    "REPLY_INTERVAL_SECONDS": 0,
    "THREAD_INTERVAL_SECONDS": 0,
    "FIRST_DAY_MAX_REPLIES": 10**9,
    "FIRST_DAY_MAX_THREADS": 10**9,
}

# The costliest 20,000 characters for the preview among the Markdown pathologies tried (CPU
# time in-process, best of 3: about 0.34 s; 20,000 "[" about 0.24 s; a table header over
# thousands of empty rows, 1.2 s before the renderer capped filled cells, now about 0.22 s):
# an image opener ("![") again and again, each a link label that never closes.
WORST_PREVIEW = "![" * 10_000

REPLY_TEXT = "Bench reply {marker}. Thank you for writing this; I hear you, and I'm glad you did."
MARKER = re.compile(r"^Bench reply (w\d+-\d+)\.")
ACK_LOCATION = re.compile(r"#p(\d+)$")
DEEPEST_PARENT = 8  # replies go up to 9 deep: past MAX_VISIBLE_DEPTH, so both kinds of address

PRESETS = {
    # The figures: 32 concurrent logins beside 16 writers (and 8 readers).
    "pressure": {
        "writers": 16,
        "readers": 8,
        "logins": 32,
        "previewers": 0,
        "crashes": 0,
        "write_gap": 0,
    },
    # A worst-case preview while others write: writers alone, so it is the preview that shows,
    # each writing a reply about every second (16 a second in all, a busy evening many times
    # over) rather than flat out: with 16 writers flat out the machine is saturated and writes
    # queue past a second with no preview at all, which would hide what the preview costs.
    "preview": {
        "writers": 16,
        "readers": 0,
        "logins": 0,
        "previewers": 1,
        "crashes": 0,
        "write_gap": 1,
    },
    # The same load as "pressure", with kill -9 of every server process three times.
    "crash": {
        "writers": 16,
        "readers": 8,
        "logins": 32,
        "previewers": 0,
        "crashes": 3,
        "write_gap": 0,
    },
}


# --- the server side -------------------------------------------------------------------------


def wsgi():
    """The forum as gunicorn serves it here (`load:wsgi()`): the deployment's configuration from
    the environment, with posting pace off. BENCH_SOURCE: the copy of the forum to serve."""
    sys.path.insert(0, os.environ.get("BENCH_SOURCE", str(ROOT)))
    from forum import create_app

    app = create_app()
    app.config.update(PACE_OFF)
    return app


@dataclass
class Member:
    pseudonym: str
    password: str


@dataclass
class Topic:
    thread_id: int
    path: str  # the thread page's address
    opening_id: int


def server_environment(database_url: str, redis_url: str, source: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "BENCH_SOURCE": str(source),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "FIRST_POSTS_NEED_APPROVAL": "0",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def build_forum(env: dict[str, str], members: list[Member], topics: int) -> list[Topic]:
    """Migrate, import the article, add the members (hashed with the deployment's argon2
    profile) and a few stories to answer; returns the topics."""
    os.environ.update(env)
    sys.path.insert(0, env["BENCH_SOURCE"])
    from flask_migrate import upgrade

    from forum.accounts.members import add_member
    from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
    from forum.cli import create_app_with_commands
    from forum.database import db
    from forum.models import ReplyIntent, Thread, ThreadKind

    app = create_app_with_commands()  # with Flask-Migrate
    with app.app_context():
        upgrade()
        import_article(ArticleSource.read(DEFAULT_ARTICLE))
        assert app.config["PASSWORD_HASH_PROFILE"] == "RFC_9106_LOW_MEMORY"
        author = add_member("bench-author", "a story teller who writes at length")
        for member in members:
            add_member(member.pseudonym, member.password)
        openings = [
            Thread.start(
                ThreadKind.STORY,
                f"Bench story {number}",
                "A story to answer. " * 30,
                author,
                intent=ReplyIntent.LISTENING.value,
            )
            for number in range(topics)
        ]
        db.session.flush()
        result = [
            Topic(post.thread_id, f"/t/{post.thread.id}-{post.thread.slug}", post.id)
            for post in openings
        ]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn (master and workers, in a process group of their own) on one port."""

    def __init__(self, env: dict, workers: int, threads: int, log: Path) -> None:
        self.env, self.workers, self.threads, self.log = env, workers, threads, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                    "--pythonpath",
                    str(ROOT / "bench"),
                    "load:wsgi()",
                ],
                cwd=self.env["BENCH_SOURCE"],
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                connection.close()
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start: see {self.log}")
            time.sleep(0.1)
        raise SystemExit(f"gunicorn on port {self.port} did not answer in {timeout} s")

    def kill(self) -> None:
        """kill -9 of the whole process group (master and every worker), and wait until none
        of them is left."""
        group = self.process.pid  # start_new_session: the master leads a group of its own
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        raise SystemExit(f"gunicorn process group {group} outlived kill -9")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


# --- the clients -----------------------------------------------------------------------------


class Unreachable(Exception):
    """No answer: the connection was refused, reset or closed (a server killed)."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location") or ""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))
    unreachable: Counter = field(default_factory=Counter)
    times: dict = field(default_factory=lambda: defaultdict(list))
    samples: dict = field(default_factory=lambda: defaultdict(list))
    writes: list = field(default_factory=list)  # (start, end, ms) of each answered reply POST
    previews: list = field(default_factory=list)  # (start, end) of each preview
    began: float = 0.0  # when the clock started

    def record(self, kind: str, response: Response, start: float, expected: tuple) -> None:
        with self.lock:
            self.statuses[kind][response.status] += 1
            self.times[kind].append(response.ms)
            if response.status not in expected and len(self.samples[kind]) < 3:
                self.samples[kind].append(f"{response.status} {_gist(response)}")
            if kind == "reply: send":
                self.writes.append((start, start + response.ms / 1000, response.ms))


def _gist(response: Response) -> str:
    """A few words of an unexpected answer: its form problem, title or location."""
    text = response.text
    for pattern in (r'class="form-problem"[^>]*>\s*<p>([^<]{0,160})', r"<title>([^<]{0,120})"):
        found = re.search(pattern, text)
        if found:
            return found.group(1).strip()
    return response.location or text[:120].replace("\n", " ")


class Servers:
    """Where requests go: round robin over the servers' ports."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._turn = itertools.count()

    def next_port(self) -> int:
        return self.ports[next(self._turn) % len(self.ports)]


class Client:
    """One browser: its cookies, one request at a time, no redirects followed."""

    def __init__(self, servers: Servers, stats: Stats, cookies: dict | None = None) -> None:
        self.servers, self.stats = servers, stats
        self.cookies: dict[str, str] = dict(cookies or {})

    def send(self, kind, method, path, data=None, headers=None, expected=(200,)) -> Response:
        port = self.servers.next_port()
        head = {"Connection": "close", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.monotonic()
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=head)
            answer = connection.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException) as error:
            with self.stats.lock:
                self.stats.unreachable[kind] += 1
                if len(self.stats.samples[kind]) < 3:
                    moment = time.monotonic() - self.stats.began
                    self.stats.samples[kind].append(f"no answer at {moment:.1f} s ({error!r:.80})")
            raise Unreachable(str(error)) from error
        finally:
            connection.close()
        response = Response(
            answer.status, answer.headers, content, (time.monotonic() - start) * 1000
        )
        self._keep_cookies(response)
        self.stats.record(kind, response, start, expected)
        return response

    def send_until(self, until: float, *args, **kwargs) -> Response | None:
        """send(), again after each connection error, until `until`; None if never answered."""
        while True:
            try:
                return self.send(*args, **kwargs)
            except Unreachable:
                if time.monotonic() > until:
                    return None
                time.sleep(0.1 + random.random() * 0.15)

    def _keep_cookies(self, response: Response) -> None:
        if "cookies" in (response.headers.get("Clear-Site-Data") or ""):
            self.cookies.clear()
        for line in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


class FormFinder(HTMLParser):
    """The forms of a page: action and the values a browser would send unchanged."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((attributes.get("action") or "", self._fields))
            return
        name = attributes.get("name")
        if self._fields is None or not name or tag not in ("input", "textarea", "select"):
            return
        kind = attributes.get("type", "text")
        if kind in ("submit", "button") or (
            kind in ("checkbox", "radio") and "checked" not in attributes
        ):
            return
        self._fields.setdefault(name, attributes.get("value") or "")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._fields = None

    def form(self, action: str | None = None, having: str | None = None) -> dict[str, str]:
        for form_action, fields in self.forms:
            if (action is None or form_action == action) and (having is None or having in fields):
                return dict(fields)
        raise LookupError(f"no form {action or ''} {having or ''}")


@dataclass
class Ack:
    marker: str
    token: str
    post_id: int
    parent_id: int
    thread_id: int
    after_retry: bool


@dataclass
class Run:
    """What every client shares."""

    args: argparse.Namespace
    servers: Servers
    stats: Stats
    topics: list[Topic]
    start: float
    deadline: float
    grace: float  # until when an interrupted write may still be resent
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[Ack] = field(default_factory=list)
    markers_sent: set = field(default_factory=set)
    outcomes: dict = field(default_factory=dict)  # marker -> the statuses of its answers
    unanswered: list = field(default_factory=list)  # markers never answered (given up)
    refused: Counter = field(default_factory=Counter)
    doubles: list = field(default_factory=list)  # (marker, {post ids answered})
    parents: dict = field(default_factory=dict)  # thread id -> [(post id, depth)]
    writes_in_flight: int = 0
    longest_ack_s: float = 0.0

    def client(self) -> Client:
        return Client(self.servers, self.stats)

    def running(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline


def log_in(client: Client, member: Member, until: float) -> bool:
    page = client.send_until(until, "login: form", "GET", "/login")
    if page is None or page.status != 200:
        return False
    data = FormFinder(page.text).form(having="password")
    data.update(pseudonym=member.pseudonym, password=member.password)
    answer = client.send_until(until, "login: send", "POST", "/login", data, expected=(303,))
    return answer is not None and answer.status == 303


def send_twin(run: Run, client: Client, action: str, data: dict, answers: list) -> None:
    answers.append(
        client.send_until(run.grace, "reply: send", "POST", action, data, expected=(303,))
    )


def signed_in(servers: Servers, stats: Stats, member: Member) -> Client:
    for attempt in range(5):
        client = Client(servers, stats)
        if log_in(client, member, time.monotonic() + 60):
            return client
        time.sleep(1 + attempt)
    raise SystemExit(f"{member.pseudonym} could not log in: see the server log (--keep)")


def writer(run: Run, number: int, client: Client) -> None:
    for sequence in itertools.count(1):
        if not run.running():
            return
        topic = random.choice(run.topics)
        with run.lock:
            parent_id, depth = random.choice(run.parents[topic.thread_id])
        page = client.send_until(run.deadline, "reply: form", "GET", f"/p/{parent_id}/reply")
        if page is None or page.status != 200:
            continue
        action = f"/p/{parent_id}/reply"
        data = FormFinder(page.text).form(action=action)
        prefix = f"reply-{parent_id}-"
        marker = f"w{number:02d}-{sequence:05d}"
        data[prefix + "body"] = REPLY_TEXT.format(marker=marker)
        double = run.args.double_every and sequence % run.args.double_every == 0
        twin: list[Response | None] = []
        if double:
            # The same form sent twice at once, from the same browser.
            other = Client(run.servers, run.stats, client.cookies)
            thread = threading.Thread(target=send_twin, args=(run, other, action, data, twin))
        with run.lock:
            run.markers_sent.add(marker)
            run.writes_in_flight += 1
        started = time.monotonic()
        if double:
            thread.start()
        attempts = Counter()
        answer = None
        while answer is None:
            try:
                attempts["sent"] += 1
                answer = client.send("reply: send", "POST", action, data, expected=(303,))
            except Unreachable:
                if time.monotonic() > run.grace:
                    break
                time.sleep(0.1 + random.random() * 0.15)
        if double:
            thread.join()
        answers = [answer, *twin]
        named = [acknowledged_post(a) for a in answers]
        with run.lock:
            run.writes_in_flight -= 1
            run.outcomes[marker] = [a.status if a else None for a in answers]
            if double:
                run.doubles.append((marker, named))
            if answer is None:
                run.unanswered.append(marker)
                return
            acked = {post_id for post_id in named if post_id}
            if not acked:
                run.refused[answer.status] += 1
                continue
            run.longest_ack_s = max(run.longest_ack_s, time.monotonic() - started)
            token = data[prefix + "token"]
            for post_id in sorted(acked):
                retried = attempts["sent"] > 1
                run.acks.append(Ack(marker, token, post_id, parent_id, topic.thread_id, retried))
                if depth + 1 <= DEEPEST_PARENT:
                    run.parents[topic.thread_id].append((post_id, depth + 1))
        if run.args.write_gap:
            # A person takes a while to write the next reply: jittered, so that writers don't
            # fall into step.
            time.sleep(run.args.write_gap * (0.5 + random.random()))


def acknowledged_post(response: Response | None) -> int | None:
    """The id of the post a 303 names (the forum's acknowledgement of a reply), or None."""
    found = response and response.status == 303 and ACK_LOCATION.search(response.location)
    return int(found.group(1)) if found else None


def reader(run: Run) -> None:
    client = run.client()
    for turn in itertools.count():
        if not run.running():
            return
        topic = random.choice(run.topics)
        choice = turn % 4
        if choice == 0:
            kind, path = "read: home", "/"
        elif choice == 1:
            kind, path = "read: stories", "/stories"
        elif choice == 2:
            kind, path = "read: thread", topic.path
        else:
            with run.lock:
                replies = run.parents[topic.thread_id][1:]
                post_id = random.choice(replies)[0] if replies else None
            kind, path = (
                ("read: post", f"/p/{post_id}") if post_id else ("read: thread", topic.path)
            )
        try:
            client.send(kind, "GET", path)
        except Unreachable:
            time.sleep(0.1 + random.random() * 0.15)


def login_burst(run: Run, member: Member) -> None:
    """Log in, open the home page as a member, log out; at each burst, with all the others."""
    every = run.args.burst_every
    for burst in itertools.count():
        moment = run.start + burst * every
        if moment >= run.deadline or run.stop.is_set():
            return
        time.sleep(max(0.0, moment - time.monotonic()))
        client = run.client()
        if not log_in(client, member, run.deadline):
            continue
        home = client.send_until(run.deadline, "login: home as member", "GET", "/")
        if home is None or home.status != 200:
            continue
        try:
            data = FormFinder(home.text).form(action="/logout")
        except LookupError:
            continue
        client.send_until(run.deadline, "logout", "POST", "/logout", data, expected=(303,))


def previewer(run: Run, client: Client) -> None:
    for turn in itertools.count():
        if not run.running():
            return
        page = client.send_until(run.deadline, "preview: story form", "GET", "/stories/new")
        if page is None or page.status != 200:
            continue
        data = FormFinder(page.text).form(having="title")
        data.update(title="A long table", body=WORST_PREVIEW)
        start = time.monotonic()
        try:
            if turn % 2 == 0:
                headers = {"HX-Request": "true", "X-CSRFToken": data["csrf_token"]}
                client.send("preview: htmx", "POST", "/preview", data, headers)
            else:
                client.send("preview: no-JS", "POST", "/stories/new", {**data, "preview": "1"})
        except Unreachable:
            pass
        with run.stats.lock:
            run.stats.previews.append((start, time.monotonic()))
        time.sleep(run.args.preview_gap)


# --- checking and reporting ------------------------------------------------------------------


def path_segment(post_id: int) -> str:
    digits = ""
    while post_id:
        post_id, remainder = divmod(post_id, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[remainder] + digits
    return digits.rjust(6, "0")


def check_posts(database_url: str, run: Run) -> dict:
    """Read the database directly: every acknowledged post there once, in its place."""
    from sqlalchemy import create_engine, text

    from forum.config import with_driver  # as imported by build_forum()

    engine = create_engine(with_driver(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, parent_id, thread_id, path, idempotency_key, substr(body, 1, 40)"
                " FROM post"
            )
        ).all()
        integrity = None
        if engine.dialect.name == "sqlite":
            integrity = connection.execute(text("PRAGMA integrity_check")).scalar()
    engine.dispose()
    posts = {row[0]: row for row in rows}
    by_token = {row[4]: row for row in rows if row[4]}
    by_marker: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        found = MARKER.match(row[5] or "")
        if found:
            by_marker[found.group(1)].append(row[0])
    figures = Counter()
    for ack in run.acks:
        row = by_token.get(ack.token)
        if row is None:
            figures["lost"] += 1
            continue
        figures["found"] += 1
        parent = posts.get(ack.parent_id)
        in_place = (
            row[0] == ack.post_id
            and row[1] == ack.parent_id
            and row[2] == ack.thread_id
            and parent is not None
            and row[3] == parent[3] + path_segment(row[0])
        )
        figures["in place" if in_place else "misplaced"] += 1
    acked = {ack.marker for ack in run.acks}
    figures["duplicated"] = sum(1 for ids in by_marker.values() if len(ids) > 1)
    figures["stored, never acknowledged"] = len(set(by_marker) - acked)
    figures["foreign"] = len(set(by_marker) - run.markers_sent)
    figures["double submits"] = len(run.doubles)
    for marker, named in run.doubles:
        stored = len(by_marker.get(marker, []))
        figures["double submits, one post"] += stored == 1
        figures["double submits, both answers name it"] += (
            stored == 1 and None not in named and len(set(named)) == 1
        )
    never_acked = sorted(set(by_marker) - acked)
    return {
        "figures": figures,
        "integrity": integrity,
        "never acknowledged": [(m, run.outcomes.get(m)) for m in never_acked],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def server_errors(logs: list[Path]) -> Counter:
    """The errors in gunicorn's logs: Flask's "Exception on ..." lines, each traceback's last
    line (the exception), and gunicorn's own errors; counted, without their timestamps."""
    found = Counter()
    exception = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Timeout)\b")
    for log in logs:
        if not log.exists():
            continue
        for line in log.read_text(errors="replace").splitlines():
            if exception.match(line) or re.search(r"\[(WARNING|ERROR|CRITICAL)\]| ERROR in ", line):
                line = re.sub(r"^\[[^]]*\] (\[\d+\] )?", "", line)
                found[re.sub(r"/\d+/", "/N/", line)[:200]] += 1
    return found


def report(run: Run, checked: dict, logs: list[Path], events: list[str], title: str) -> bool:
    stats, args = run.stats, run.args
    print(f"\n{title}")
    print(
        f"{'requests by kind':<24}{'sent':>7}{'2xx':>7}{'3xx':>7}{'4xx':>6}{'5xx':>6}"
        f"{'no ans':>8}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
    )
    totals = Counter()
    for kind in sorted(set(stats.statuses) | set(stats.unreachable)):
        classes = Counter()
        for status, count in stats.statuses[kind].items():
            classes[f"{status // 100}xx"] += count
        unreachable = stats.unreachable[kind]
        times = stats.times[kind]
        sent = sum(classes.values()) + unreachable
        totals.update(classes)
        totals["no answer"] += unreachable
        print(
            f"{kind:<24}{sent:>7}{classes['2xx']:>7}{classes['3xx']:>7}{classes['4xx']:>6}"
            f"{classes['5xx']:>6}{unreachable:>8}{percentile(times, 0.5):>8.0f}"
            f"{percentile(times, 0.95):>8.0f}{max(times, default=0):>8.0f}"
        )
    print(
        f"{'all':<24}{sum(totals.values()):>7}{totals['2xx']:>7}{totals['3xx']:>7}"
        f"{totals['4xx']:>6}{totals['5xx']:>6}{totals['no answer']:>8}"
    )
    for kind, samples in sorted(stats.samples.items()):
        statuses = ", ".join(
            f"{n} x {status}" for status, n in sorted(stats.statuses[kind].items())
        )
        print(f"  {kind}: {statuses}; first unexpected: " + " | ".join(samples))

    seconds = args.duration
    figures = checked["figures"]
    writes = [ms for _, _, ms in stats.writes]
    print(
        f"\nposts acknowledged {len(run.acks)} ({len(run.acks) / seconds:.1f}/s), found "
        f"{figures['found']}, in place {figures['in place']}, lost {figures['lost']}, "
        f"misplaced {figures['misplaced']}, duplicated {figures['duplicated']}"
    )
    print(
        f"  acknowledged after a resend {sum(ack.after_retry for ack in run.acks)}; "
        f"stored but never acknowledged {figures['stored, never acknowledged']}; "
        f"sends never answered {len(run.unanswered)}; refused "
        f"{dict(run.refused) or 0}"
    )
    if checked["never acknowledged"]:
        shown = ", ".join(f"{m} answered {a}" for m, a in checked["never acknowledged"][:5])
        print(f"  stored but never acknowledged: {shown}")
    if figures["double submits"]:
        print(
            f"  double submits: {figures['double submits, one post']} of "
            f"{figures['double submits']} made one post (both answers naming it: "
            f"{figures['double submits, both answers name it']})"
        )
    if writes:
        print(
            f"  write (reply POST) latency p50 {percentile(writes, 0.5):.0f} ms, p95 "
            f"{percentile(writes, 0.95):.0f} ms, p99 {percentile(writes, 0.99):.0f} ms, "
            f"max {max(writes):.0f} ms"
        )
    slow_with_preview = 0.0
    if stats.previews:
        during, apart = [], []
        for start, end, ms in stats.writes:
            overlaps = any(s < end and start < e for s, e in stats.previews)
            (during if overlaps else apart).append(ms)
        for label, values in (("while a preview ran", during), ("with no preview", apart)):
            if values:
                print(
                    f"  writes {label}: {len(values)}, p50 {percentile(values, 0.5):.0f} ms, "
                    f"p95 {percentile(values, 0.95):.0f} ms, max {max(values):.0f} ms"
                )
        slow_with_preview = max(during, default=0.0)
    for line in events:
        print(f"  {line}")
    print(f"  longest wait for an acknowledgement (resends included) {run.longest_ack_s:.1f} s")
    if checked["integrity"] is not None:
        print(f"SQLite integrity_check: {checked['integrity']}")
    errors = server_errors(logs)
    boots = sum(log.read_text(errors="replace").count("Booting worker") for log in logs)
    print(
        f"server log: {boots} worker starts ({args.servers * args.workers} per start of the "
        f"servers), {sum(errors.values())} warning or error lines" + (":" if errors else "")
    )
    for line, count in errors.most_common(8):
        print(f"  {count:>5} x {line}")

    failures = []
    if totals["5xx"]:
        failures.append(f"{totals['5xx']} answers 5xx")
    for name in ("lost", "misplaced", "duplicated", "foreign"):
        if figures[name]:
            failures.append(f"{figures[name]} posts {name}")
    if checked["integrity"] not in (None, "ok"):
        failures.append("integrity check failed")
    if stats.previews and slow_with_preview > args.write_limit_ms:
        failures.append(f"a write took {slow_with_preview:.0f} ms while a preview ran")
    if not run.acks:
        failures.append("no post acknowledged")
    client_cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"load client's own CPU {client_cpu.ru_utime + client_cpu.ru_stime:.0f} s; machine "
        f"load average at the end {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)"
    )
    if not args.crashes and totals["no answer"]:
        print(
            f"NOTE: {totals['no answer']} requests had no answer (connection refused or reset: "
            "see their times above) with no crash; compare the worker starts"
        )
    print("RESULT: " + ("FAIL: " + "; ".join(failures) if failures else "PASS"))
    return not failures


# --- the run ---------------------------------------------------------------------------------


def forum_source(revision: str, folder: Path) -> tuple[Path, str]:
    """Where the forum to serve is: the working tree, or a copy of a git revision (others may
    be editing the working tree; a revision's figures can be told apart and run again)."""
    if revision == ".":
        changed = subprocess.run(
            ["git", "status", "--porcelain", "forum", "migrations", "templates"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return ROOT, "the working tree" + (" (with uncommitted changes)" if changed else "")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    source = folder / "source"
    source.mkdir()
    archive = subprocess.Popen(
        ["git", "archive", commit, "forum", "migrations", "templates", "static"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    subprocess.run(["tar", "-x", "-C", str(source)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed")
    (source / "node_modules").symlink_to(ROOT / "node_modules")  # htmx, as `npm ci` put it
    return source, f"commit {commit}"


def postgres_database(admin_url: str, name: str, create: bool) -> str:
    """Create (or drop) the bench's own database beside `admin_url`'s; returns its URL."""
    import psycopg

    parts = urlsplit(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path="/" + name).geturl()


def empty_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="pressure")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    for name in ("writers", "readers", "logins", "previewers", "crashes"):
        parser.add_argument(f"--{name}", type=int, help="instead of the preset's")
    parser.add_argument("--servers", type=int, help="gunicorn servers (sqlite 1, postgres 2)")
    parser.add_argument("--workers", type=int, help="workers per server (sqlite 4, postgres 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--topics", type=int, default=8, help="stories replied to (8)")
    parser.add_argument("--burst-every", type=float, default=5, help="seconds between bursts")
    parser.add_argument("--double-every", type=int, default=10, help="0: no double submits")
    parser.add_argument(
        "--write-gap", type=float, help="mean seconds a writer waits between replies (0)"
    )
    parser.add_argument("--preview-gap", type=float, default=1.5, help="seconds between previews")
    parser.add_argument("--write-limit-ms", type=float, default=1000)
    parser.add_argument("--pg-url", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--pg-database", default="bench_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument(
        "--source",
        default="HEAD",
        help="the git revision to serve (HEAD), or . for the working tree as it is",
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    args = parser.parse_args()
    for name, value in PRESETS[args.preset].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    postgres = args.db == "postgres"
    args.servers = args.servers or (2 if postgres else 1)
    args.workers = args.workers or (2 if postgres else 4)
    for url in (args.pg_url, args.redis_url):
        if urlsplit(url).hostname != HOST:
            raise SystemExit(f"{url}: only {HOST} is ever contacted")

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    writers = [
        Member(f"bench-w{n:02d}", f"quiet harbour lantern {n:03d}") for n in range(args.writers)
    ]
    logins = [Member(f"bench-l{n:02d}", f"gentle morning walk {n:03d}") for n in range(args.logins)]
    previewers = [
        Member(f"bench-p{n:02d}", f"long table of rows {n:03d}") for n in range(args.previewers)
    ]
    if postgres:
        database_url = postgres_database(args.pg_url, args.pg_database, create=True)
        redis_url = args.redis_url
        empty_redis(redis_url)
    else:
        database_url, redis_url = f"sqlite:///{folder / 'forum.db'}", ""
    servers: list[Server] = []
    ok = False
    try:
        source, described = forum_source(args.source, folder)
        env = server_environment(database_url, redis_url, source)
        began = time.monotonic()
        topics = build_forum(env, writers + logins + previewers, args.topics)
        print(
            f"forum at {described}, built in {time.monotonic() - began:.1f} s ({args.db}; "
            f"{len(writers + logins + previewers)} members, argon2 RFC_9106_LOW_MEMORY)"
        )
        servers = [
            Server(env, args.workers, args.threads, folder / f"gunicorn-{n}.log")
            for n in range(args.servers)
        ]
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()

        # Writers and previewers log in before the clock starts: the logins measured are the
        # bursts', and the writes measured are all made beside the load asked for.
        ports = Servers([s.port for s in servers])
        warm_up = Stats()
        with ThreadPoolExecutor(4) as pool:
            members = writers + previewers
            sessions = list(pool.map(lambda member: signed_in(ports, warm_up, member), members))
        stats = Stats()
        for session in sessions:
            session.stats = stats
        load_before = os.getloadavg()[0]
        start = stats.began = time.monotonic()
        run = Run(
            args,
            ports,
            stats,
            topics,
            start,
            deadline=start + args.duration,
            grace=start + args.duration + 30,
        )
        for topic in topics:
            run.parents[topic.thread_id] = [(topic.opening_id, 0)]
        writing, previewing = sessions[: len(writers)], sessions[len(writers) :]
        clients = [threading.Thread(target=writer, args=(run, n, c)) for n, c in enumerate(writing)]
        clients += [threading.Thread(target=reader, args=(run,)) for _ in range(args.readers)]
        clients += [threading.Thread(target=login_burst, args=(run, m)) for m in logins]
        clients += [threading.Thread(target=previewer, args=(run, c)) for c in previewing]
        for client in clients:
            client.daemon = True
            client.start()

        events = []
        for number in range(1, args.crashes + 1):
            time.sleep(
                max(0.0, start + args.duration * number / (args.crashes + 1) - time.monotonic())
            )
            in_flight = run.writes_in_flight
            moment = time.monotonic()
            for server in servers:
                server.kill()
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            events.append(
                f"kill -9 #{number} at {moment - start:.0f} s: every gunicorn process "
                f"({len(servers)} masters and their workers), {in_flight} writes in "
                f"flight; serving again after {time.monotonic() - moment:.1f} s"
            )
        time.sleep(max(0.0, run.deadline - time.monotonic()))
        # Every client ends on its own: no new work after the deadline, requests already sent
        # are answered (or time out), and a write cut off by a crash is resent until the grace
        # period ends. The servers stay up until then, so no request is cut short by the bench.
        for client in clients:
            client.join()
        ended = time.monotonic() - start
        run.stop.set()
        for server in servers:
            server.stop()
        checked = check_posts(database_url, run)
        title = (
            f"{args.db}, {args.servers} server(s) x {args.workers} workers x {args.threads} "
            f"threads{' + Redis' if redis_url else ''}; {args.duration:.0f} s: "
            f"{args.writers} writers"
            f"{f' (one reply every ~{args.write_gap:g} s each)' if args.write_gap else ''}, "
            f"{args.readers} readers, {args.logins} logins every "
            f"{args.burst_every:g} s, {args.previewers} previewers, {args.crashes} kill -9 "
            f"(machine load average {load_before:.1f} before)"
        )
        events.append(f"the last client finished {ended:.0f} s after the clock started")
        ok = report(run, checked, [s.log for s in servers], events, title)
    finally:
        for server in servers:
            server.stop()
        if postgres:
            postgres_database(args.pg_url, args.pg_database, create=False)
            empty_redis(redis_url)
        if args.keep:
            print(f"logs and database kept in {folder}")
        else:
            shutil.rmtree(folder)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
