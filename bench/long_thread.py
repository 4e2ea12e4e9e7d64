"""The first view of a long thread, as a guest and a member see it: how many bytes, elements,
posts and reaction buttons it holds, and, with --lighthouse, Lighthouse's mobile performance
score for it.

Builds the bench dataset (bench/dataset.py: POSTS posts, among them a story with 1,000 replies)
in a throwaway SQLite file, serves it with gunicorn on 127.0.0.1, and reads that story's first
page. Lighthouse scores it RUNS times for each reader and prints the medians: its score drops
when other work holds the CPU.

    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python bench/long_thread.py [--posts 20000]
        [--lighthouse /tmp/lh/node_modules/.bin/lighthouse] [--runs 3] [--reports FOLDER]

Only loopback is ever contacted.
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from dataset import SECRET_KEY, build
from serving import serving
from speed import member_cookie

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
# The metrics the performance score is made of, by their audits.
METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "SI": "speed-index",
}


class Census(HTMLParser):
    """Counts elements, posts and reaction buttons in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = self.posts = self.reaction_buttons = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements += 1
        attributes = dict(attrs)
        if tag == "article":
            self.posts += 1
        if tag == "button" and (attributes.get("id") or "").startswith("react-"):
            self.reaction_buttons += 1


def fetch(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def performance(binary: str, url: str, cookie: str | None, report: Path) -> dict[str, float]:
    """Lighthouse's performance score (its default: a mid-range phone on a slow 4G link), its
    metrics (ms; CLS as it is) and the bytes transferred."""
    command = [
        binary, url, "--quiet", "--output=json", f"--output-path={report}",
        "--only-categories=performance", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    result = json.loads(report.read_text())
    audits = result["audits"]
    return {
        "score": round(result["categories"]["performance"]["score"] * 100),
        **{name: audits[audit]["numericValue"] for name, audit in METRICS.items()},
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def shown(figures: dict[str, float]) -> str:
    metrics = ", ".join(
        f"{name} {figures[name]:.3f}" if name == "CLS" else f"{name} {figures[name]:,.0f} ms"
        for name in METRICS
    )
    return f"performance {figures['score']:.0f}, {metrics}, transferred {figures['bytes']:,.0f} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000, help="size of the bench dataset")
    parser.add_argument("--lighthouse", help="the lighthouse command, to score performance")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per reader (3)")
    parser.add_argument("--reports", type=Path, help="a folder to keep Lighthouse's JSON reports")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        data = build(f"sqlite:///{database}", args.posts)
        readers = {"guest": None, "member": member_cookie(data.database_url, data.reader)}
        reports = (args.reports or Path(folder)).resolve()
        reports.mkdir(parents=True, exist_ok=True)
        with serving(database, SECRET_KEY) as base:
            url = base + data.long_thread
            print(f"{data.posts:,} posts; the story with 1,000 replies: {data.long_thread}")
            print(
                f"{'reader':<9}{'html B':>9}{'gz B':>8}{'elements':>10}{'posts':>7}{'buttons':>9}"
            )
            for reader, cookie in readers.items():
                body = fetch(url, cookie)
                census = Census()
                census.feed(body.decode())
                gz = len(gzip.compress(body))
                print(f"{reader:<9}{len(body):>9}{gz:>8}{census.elements:>10}"
                      f"{census.posts:>7}{census.reaction_buttons:>9}")  # fmt: skip
            if not args.lighthouse:
                return
            print("Lighthouse, mobile:")
            for reader, cookie in readers.items():
                runs = []
                for run in range(1, args.runs + 1):
                    report = reports / f"{reader}-{run}.json"
                    runs.append(performance(args.lighthouse, url, cookie, report))
                    print(f"  {reader} {run}: {shown(runs[-1])}")
                medians = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                print(f"  {reader} median: {shown(medians)}")


if __name__ == "__main__":
    main()
