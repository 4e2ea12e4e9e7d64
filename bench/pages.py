"""Page weight and server time for the pages guests read most.

Builds a throwaway SQLite forum (the article, THREADS threads, one story with REPLIES nested
replies), serves it with gunicorn on 127.0.0.1 (one worker, as `make run`), then requests each
page ROUNDS times in a row and prints bytes and latency percentiles.

    .venv/bin/python bench/pages.py [--threads 2000] [--replies 300] [--rounds 200]

Only loopback is ever contacted; every loop is bounded.
"""

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from serving import serving

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_dataset(database: Path, threads: int, replies: int) -> str:
    """Create the forum; returns the path of the big story."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    from flask_migrate import upgrade

    from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
    from forum.cli import create_app_with_commands
    from forum.database import db
    from forum.models import Thread, ThreadKind, User

    app = create_app_with_commands()  # with Flask-Migrate
    with app.app_context():
        upgrade()
        import_article(ArticleSource.read(DEFAULT_ARTICLE))
        member = User(pseudonym="bench", pseudonym_key="bench", password_hash="x")
        db.session.add(member)
        for number in range(threads):
            Thread.start(ThreadKind.STORY, f"Story number {number}", "A story. " * 40, member)
        opening = Thread.start(ThreadKind.STORY, "A long conversation", "Hello. " * 50, member)
        parents = [opening]
        for number in range(replies):
            # A bushy tree: each reply answers one of the last few posts, up to 8 deep.
            parent = parents[-(number % 4) - 1] if parents[-1].depth < 8 else opening
            reply = parent.reply(member, f"Reply {number}. " + "I hear you. " * 12)
            parents.append(reply)
        thread = opening.thread
        db.session.commit()
        path = f"/t/{thread.id}-{thread.slug}"
        db.engine.dispose()
    return path


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def measure(url: str, rounds: int) -> tuple[int, list[float]]:
    body = fetch(url)  # warm up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        fetch(url)
        timings.append((time.perf_counter() - start) * 1000)
    return len(body), timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        thread_path = build_dataset(database, args.threads, args.replies)
        with serving(database, "bench") as base:
            htmx = fetch(base + "/vendor/htmx/4.0.1/htmx.min.js")
            css = fetch(base + "/static/css/forum.css")
            print(f"dataset: {args.threads} threads, one thread with {args.replies} replies")
            print(f"static, once per visitor (cached): htmx {len(gzip.compress(htmx))} B gz, "
                  f"css {len(gzip.compress(css))} B gz")  # fmt: skip
            print(f"{'page':<34}{'html B':>9}{'gz B':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
            for name, path in [
                ("home", "/"),
                ("article (pinned thread)", "/t/1-seeking-help-is-a-sign-of-strength-not-weakness"),
                (f"thread, {args.replies} replies", thread_path),
            ]:
                url = base + path
                size, timings = measure(url, args.rounds)
                gz = len(gzip.compress(fetch(url)))
                p95 = statistics.quantiles(timings, n=20)[-1]
                print(f"{name:<34}{size:>9}{gz:>8}{statistics.median(timings):>9.1f}"
                      f"{p95:>9.1f}{max(timings):>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
