"""`make bench`: the forum's speed beside the ceilings of its own stack, in one run.

Builds a forum (bench/dataset.py: members, threads, a story with 200 nested replies and one
with 1,000), serves it with gunicorn (2 sync workers) on 127.0.0.1 beside the two ceilings of
bench/ceilings.py (Flask's "Hello, World!" and a Flask + Jinja page of 200 rows from one
SQLite query) with the same settings, and loads each in turn with wrk from another process.
The runs are interleaved (every target once per round, ROUNDS rounds) so that whatever else
the machine does hits every target alike; each figure is the median of the rounds, and is
printed as a ratio to the ceilings measured in the same run, since absolute figures drift on a
shared machine.

Then, in-process: the server time of the 1,000-reply thread page and of posting a reply with
htmx (Flask's test client, median of many), and the memory of each forum worker after 10,000
requests. The table goes to bench/README.md with the machine it ran on.

    .venv/bin/python bench/speed.py                 # the full run (a few minutes)
    .venv/bin/python bench/speed.py --seconds 3 --rounds 1 --posts 5000   # a quick look

Only loopback is ever contacted.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from ceilings import make_rows_database
from dataset import PASSWORD, SECRET_KEY, build
from serving import free_port

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = BENCH / "README.md"
# What htmx 4 sends when it swaps part of a page.
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
MARK = "<!-- speed: written by bench/speed.py -->"


@dataclass
class Server:
    """gunicorn with 2 sync workers, as the figures are compared."""

    name: str
    app: str
    env: dict
    chdir: Path
    ready: str = "/"
    """A cheap address that answers once the server is up."""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--worker-class", "sync", "--chdir", str(self.chdir), self.app],
            env={**os.environ, **self.env}, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):  # up to 20 s
            try:
                urllib.request.urlopen(self.base + self.ready, timeout=2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{self.name} did not start")

    def worker_rss_mb(self) -> list[float]:
        """The resident memory of each worker (the master's children), in MB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(kilobytes / 1024)
        return sizes

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Target:
    name: str
    server: Server
    path: str
    cookie: str = ""
    rates: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)


def wrk(url: str, seconds: float, cookie: str) -> tuple[float, float, int]:
    """Requests per second, median latency in ms, and requests made, by wrk (2 threads, 16
    connections) against `url`."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds:g}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    made = int(re.search(r"(\d+) requests in", out).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p50 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"{url}: wrk saw error answers\n{out}")
    return rate, p50, made


class _HiddenFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.values[found["name"]] = found.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields (CSRF token, one-time token) of the forms in `html`."""
    parser = _HiddenFields()
    parser.feed(html)
    return parser.values


def log_in(client, pseudonym: str) -> None:
    fields = hidden_fields(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={**fields, "pseudonym": pseudonym, "password": PASSWORD})
    assert answer.status_code == 303, answer.status_code


def member_cookie(database_url: str, pseudonym: str) -> str:
    """A logged-in member's session cookie, made through the login form by the app itself
    (the servers share its secret key and database)."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from forum import create_app

    app = create_app()
    client = app.test_client()
    log_in(client, pseudonym)
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def in_process(database_url: str, pseudonym: str, long_thread: str, nested_thread: str) -> dict:
    """Server time, in-process: the 1,000-reply thread page (guest, rendered each time), and a
    reply sent with htmx by a member; medians of many, in ms."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from forum import create_app

    app = create_app()
    app.config.update(REPLY_INTERVAL_SECONDS=0, FIRST_DAY_MAX_REPLIES=10**9)
    app.extensions.pop("guest_pages", None)  # the page rendered each time
    app.extensions.pop("member_replies", None)
    guest = app.test_client()
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        assert guest.get(long_thread).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    member = app.test_client()
    log_in(member, pseudonym)
    thread_page = member.get(nested_thread).get_data(as_text=True)
    opening = int(re.search(r'id="p(\d+)"', thread_page).group(1))
    form = member.get(f"/p/{opening}/reply", headers=PARTIAL).get_data(as_text=True)
    fields = hidden_fields(form)
    sending = []
    for number in range(40):
        data = {
            **fields,
            f"reply-{opening}-body": f"Thank you for writing this, {number}.",
            f"reply-{opening}-token": f"{number:032x}",
        }
        started = time.perf_counter()
        answer = member.post(f"/p/{opening}/reply", data=data, headers=PARTIAL)
        sending.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return {
        "thread, 1,000 replies (guest)": statistics.median(timings),
        "reply sent with htmx (member)": statistics.median(sending),
    }


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8, help="per wrk run (8)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument(
        "--memory-seconds", type=float, default=120, help="most time spent reaching 10,000 requests"
    )
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (make bench does)")

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "forum.db"
        started = time.perf_counter()
        data = build(f"sqlite:///{database}", args.posts)
        built = time.perf_counter() - started
        rows = Path(folder) / "rows.db"
        make_rows_database(rows)
        cookie = member_cookie(data.database_url, data.reader)
        forum_env = {"DATABASE_URL": data.database_url, "SECRET_KEY": SECRET_KEY}
        servers = {
            "hello": Server("hello", "ceilings:hello()", {}, BENCH),
            "rows": Server("rows", "ceilings:rows()", {"CEILING_DATABASE": str(rows)}, BENCH),
            "forum": Server("forum", "forum:create_app()", forum_env, ROOT, ready="/healthz"),
            # The same forum rendering every page (no guests' pages or members' replies
            # kept): what a page costs the first time after a change.
            "rendering": Server(
                "rendering", "forum:create_app()",
                {**forum_env, "GUEST_PAGES_KEPT_BYTES": "0", "MEMBER_REPLIES_KEPT_BYTES": "0"},
                ROOT, ready="/healthz",
            ),
        }  # fmt: skip
        targets = [
            Target("hello world (ceiling)", servers["hello"], "/"),
            Target("200 rows, Flask + Jinja + SQLite (ceiling)", servers["rows"], "/"),
            Target("home (guest)", servers["forum"], "/"),
            Target("home (guest, rendered each time)", servers["rendering"], "/"),
            Target("thread, 200 nested replies (guest)", servers["forum"], data.nested_thread),
            Target(
                "thread, 200 nested replies (guest, rendered each time)",
                servers["rendering"],
                data.nested_thread,
            ),
            Target(
                "thread, 200 nested replies (member)", servers["forum"], data.nested_thread, cookie
            ),
            Target(
                "thread, 200 nested replies (member, rendered each time)",
                servers["rendering"],
                data.nested_thread,
                cookie,
            ),
            Target("thread, 1,000 replies (guest)", servers["forum"], data.long_thread),
            Target("stories (guest)", servers["forum"], "/stories"),
            Target("profile (guest)", servers["forum"], data.profiles["busy"]),
        ]
        forum_requests = 0
        try:
            for server in servers.values():
                server.start()
            for round_number in range(args.rounds):
                # Each round starts one target further on, so no target always runs first.
                order = (
                    targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
                )
                for target in order:
                    rate, p50, made = wrk(
                        target.server.base + target.path, args.seconds, target.cookie
                    )
                    target.rates.append(rate)
                    target.p50s.append(p50)
                    if target.server is servers["forum"]:
                        forum_requests += made
            # Memory is read after 10,000 requests, or as many as the time allowed made.
            deadline = time.monotonic() + args.memory_seconds
            pages = [data.nested_thread, "/", data.long_thread, "/stories"]
            while forum_requests < 10_000 and time.monotonic() < deadline:
                page = pages[forum_requests % len(pages)]
                forum_requests += wrk(servers["forum"].base + page, 5, "")[2]
            memory = servers["forum"].worker_rss_mb()
        finally:
            for server in servers.values():
                server.stop()
        timed = in_process(data.database_url, data.reader, data.long_thread, data.nested_thread)

    hello = statistics.median(targets[0].rates)
    ceiling = statistics.median(targets[1].rates)
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; "
        f"load average {os.getloadavg()[0]:.1f} at the end.",
        f"Dataset: {data.posts:,} posts, {data.threads:,} threads, {data.members:,} members "
        f"(built in {built:.0f} s). gunicorn 2 sync workers; wrk -t2 -c16 for "
        f"{args.seconds:g} s per target, {args.rounds} interleaved round(s), medians.",
        "",
        "| page | requests/s | p50 ms | share of hello world | share of 200-row ceiling |",
        "|---|---:|---:|---:|---:|",
    ]
    for target in targets:
        rate = statistics.median(target.rates)
        lines.append(
            f"| {target.name} | {rate:,.0f} | {statistics.median(target.p50s):.1f} | "
            f"{rate / hello:.3f} | {rate / ceiling:.2f} |"
        )
    lines += [
        "",
        "| in-process server time | p50 ms |",
        "|---|---:|",
        *(f"| {name} | {value:.1f} |" for name, value in timed.items()),
        "",
        f"Forum workers' memory after {forum_requests:,} requests: "
        + ", ".join(f"{size:.0f} MB" for size in memory)
        + " RSS.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_readme:
        text = README.read_text() if README.exists() else "# Benchmarks\n"
        text = text.split(MARK)[0].rstrip() + f"\n\n{MARK}\n## Speed (`make bench`)\n\n" + table
        README.write_text(text)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
