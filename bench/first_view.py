"""A thread with 20 replies as Chromium loads it: on a first view (an empty cache), how many
requests reach the server and how many bytes come over the wire; on a repeat view (reloaded,
and reached again from another page), how many requests still reach the server, and what they
answer.

Builds the bench dataset (bench/dataset.py, POSTS posts) in a throwaway SQLite file, serves it
with gunicorn on 127.0.0.1, and opens the first thread with 20 replies in Debian's Chromium
through Playwright, as a guest and as a member, each with a cache of their own. The figures
come from Chromium's own network log (the DevTools protocol: bytes as received, headers and
compressed bodies, what the cache answered), and the requests from the server's access log too.

    .venv/bin/python bench/first_view.py [--posts 20000] [--replies 20] [--encodings gzip]

Only loopback is ever contacted.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dataset import SECRET_KEY, build
from playwright.sync_api import Page, sync_playwright
from serving import serving
from speed import member_cookie

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Load:
    """One request of a page's load, as Chromium's network log tells it."""

    url: str
    kind: str = ""
    encoding: str = ""
    cached: bool = False
    """Answered by the browser's cache, without asking the server."""
    received: int = 0
    """Bytes that came over the wire for it: headers and the (compressed) body."""


class NetworkLog:
    """Every request a page makes, from the DevTools protocol's Network events."""

    def __init__(self, page: Page) -> None:
        self.loads: dict[str, Load] = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.requestServedFromCache", self._from_cache)
        session.on("Network.responseReceived", self._received)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")

    def _sent(self, event: dict) -> None:
        if not event["request"]["url"].startswith("data:"):
            self.loads[event["requestId"]] = Load(event["request"]["url"], event.get("type", ""))

    def _from_cache(self, event: dict) -> None:
        if load := self.loads.get(event["requestId"]):
            load.cached = True

    def _received(self, event: dict) -> None:
        if load := self.loads.get(event["requestId"]):
            response = event["response"]
            headers = {name.lower(): value for name, value in response["headers"].items()}
            load.encoding = headers.get("content-encoding", "")
            load.cached |= response.get("fromDiskCache", False)
            load.cached |= response.get("fromPrefetchCache", False)

    def _finished(self, event: dict) -> None:
        if load := self.loads.get(event["requestId"]):
            load.received = int(event["encodedDataLength"])

    def take(self) -> list[Load]:
        loads, self.loads = list(self.loads.values()), {}
        return loads


class AccessLog:
    """The requests gunicorn answered, as its access log's lines tell them."""

    REQUEST = re.compile(r'"[A-Z]+ (\S+) [^"]*" (\d{3})')

    def __init__(self, path: Path) -> None:
        self.path, self.seen = path, 0

    def take(self) -> dict[str, int]:
        """The path and status of each request answered since the last call."""
        time.sleep(0.2)  # for the last line to be written
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        fresh, self.seen = lines[self.seen :], len(lines)
        return {
            urlsplit(found[1]).path: int(found[2])
            for found in map(self.REQUEST.search, fresh)
            if found
        }


def report(view: str, loads: list[Load], answered: dict[str, int]) -> None:
    asked = [load for load in loads if not load.cached]
    total = sum(load.received for load in asked)
    print(f"  {view}: {len(asked)} request(s) to the server ({len(answered)} in its access log), "
          f"{len(loads) - len(asked)} from the cache, {total:,} B received")  # fmt: skip
    for load in loads:
        path = urlsplit(load.url).path
        status = answered.get(path, "?")
        # A 304's headers are merged into the copy's, whose encoding they then show.
        encoding = "-" if status == 304 or not load.encoding else load.encoding
        where = "cache" if load.cached else f"{status} {encoding}"
        print(f"    {load.kind:<11}{where:<10}{load.received:>8,} B  {path}")


def three_views(page: Page, network: NetworkLog, answered: AccessLog, base: str, path: str) -> None:
    """The page at `path` seen first, reloaded, and reached again from another page."""

    def settled() -> tuple[list[Load], dict[str, int]]:
        page.wait_for_load_state("networkidle")
        return network.take(), answered.take()

    answered.take()
    page.goto(base + path)
    report("first view", *settled())
    page.reload()
    report("reloaded", *settled())
    page.goto(base + "/help")
    settled()
    page.goto(base + path)
    report("again from another page", *settled())


def thread_with(database_url: str, replies: int) -> str:
    """The address of the first thread everyone can read with exactly `replies` replies."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from sqlalchemy import select

    from forum import create_app
    from forum.database import db
    from forum.models import Thread
    from forum.web.urls import thread_url

    app = create_app()
    with app.app_context(), app.test_request_context():
        thread = db.session.scalars(
            select(Thread)
            .where(Thread.reply_count == replies, Thread.removed_at.is_(None))
            .order_by(Thread.id)
            .limit(1)
        ).one()
        address = thread_url(thread)
        db.engine.dispose()
    return address


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000, help="size of the bench dataset")
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--encodings", nargs="+", choices=("gzip", "deflate", "br", "zstd"),
        help="what the browser says it accepts (Chromium's own choice: zstd, br, gzip, deflate)",
    )  # fmt: skip
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        database = Path(folder) / "bench.db"
        data = build(f"sqlite:///{database}", args.posts)
        address = thread_with(data.database_url, args.replies)
        cookie = member_cookie(data.database_url, data.reader)
        access_log = Path(folder) / "access.log"
        answered = AccessLog(access_log)
        browser = playwright.chromium.launch(executable_path=args.chromium)
        with serving(database, SECRET_KEY, access_log) as base:
            print(f"{data.posts:,} posts; a thread with {args.replies} replies: {address}")
            for reader in ("guest", "member"):
                said = {"Accept-Encoding": ", ".join(args.encodings)} if args.encodings else {}
                context = browser.new_context(extra_http_headers=said)
                if reader == "member":
                    pairs = (pair.split("=", 1) for pair in cookie.split("; "))
                    context.add_cookies([{"name": n, "value": v, "url": base} for n, v in pairs])
                page = context.new_page()
                print(f"{reader}:")
                three_views(page, NetworkLog(page), answered, base, address)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
