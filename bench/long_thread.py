"""The first view of a long thread, as a guest and a member see it: how many bytes, elements,
posts and reaction buttons it holds, and, with --lighthouse, Lighthouse's mobile performance
score for it.

Builds the dataset of bench/pages.py (REPLIES replies in a bushy tree up to 8 deep), serves it
with gunicorn on 127.0.0.1, and reads the thread's first page.

    .venv/bin/python bench/long_thread.py [--replies 1000]
        [--lighthouse /tmp/lh/node_modules/.bin/lighthouse]

Only loopback is ever contacted.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from pages import build_dataset
from serving import serving

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "long thread bench"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


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


def member_cookie() -> str:
    """A session cookie for a member who didn't write the thread."""
    from forum import create_app
    from forum.accounts import sign_ins
    from forum.database import db
    from forum.models import User

    app = create_app()
    with app.app_context():
        member = User(pseudonym="reader", pseudonym_key="reader", password_hash="x")
        member.recovery_codes_confirmed = True
        db.session.add(member)
        db.session.flush()
        token = sign_ins.begin(member, user_agent="bench", remember=False)
        db.session.commit()
        value = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": token, "_fresh": True}
        )
        cookie = f"{app.config['SESSION_COOKIE_NAME']}={value}"
        db.engine.dispose()
    return cookie


def fetch(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def performance(binary: str, url: str, report: Path) -> int:
    """Lighthouse's performance score (its default: a mid-range phone on a slow 4G link)."""
    command = [
        binary, url, "--quiet", "--output=json", f"--output-path={report}",
        "--only-categories=performance", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    result = json.loads(report.read_text())
    audits = result["audits"]
    score = round(result["categories"]["performance"]["score"] * 100)
    shown = ", ".join(
        f"{name} {audits[audit]['displayValue']}"
        for name, audit in (
            ("FCP", "first-contentful-paint"),
            ("LCP", "largest-contentful-paint"),
            ("TBT", "total-blocking-time"),
            ("CLS", "cumulative-layout-shift"),
        )
    )
    transfer = audits["total-byte-weight"]["numericValue"]
    print(f"lighthouse mobile: performance {score}, {shown}, transferred {transfer:.0f} B")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--lighthouse", help="the lighthouse command, to score performance")
    parser.add_argument("--report", type=Path, help="where to keep Lighthouse's JSON report")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        os.environ["SECRET_KEY"] = SECRET_KEY
        thread_path = build_dataset(database, 10, args.replies)
        cookie = member_cookie()
        with serving(database, SECRET_KEY) as base:
            print(f"one thread with {args.replies} replies: {thread_path}")
            print(
                f"{'reader':<9}{'html B':>9}{'gz B':>8}{'elements':>10}{'posts':>7}{'buttons':>9}"
            )
            for reader, reader_cookie in (("guest", None), ("member", cookie)):
                body = fetch(base + thread_path, reader_cookie)
                census = Census()
                census.feed(body.decode())
                gz = len(gzip.compress(body))
                print(f"{reader:<9}{len(body):>9}{gz:>8}{census.elements:>10}"
                      f"{census.posts:>7}{census.reaction_buttons:>9}")  # fmt: skip
            if args.lighthouse:
                report = args.report or Path(folder) / "report.json"
                performance(args.lighthouse, base + thread_path, report.resolve())


if __name__ == "__main__":
    main()
