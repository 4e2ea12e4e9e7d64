"""Lighthouse's accessibility, best-practices and SEO scores for every kind of page, as a
guest, a member and a moderator see them.

Builds a throwaway SQLite forum (the article, a story with 120 replies in every state, reports
for the moderators' queue), serves it with gunicorn on 127.0.0.1, and runs Lighthouse against
each page with Debian's Chromium; members' pages are asked for with their session cookie.
Prints the three scores per page and every audit that didn't pass. Not part of `make test`:
a run takes a few minutes. Lighthouse is not a dependency of the forum: install it anywhere
outside the repository and say where.

    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python bench/lighthouse.py --lighthouse /tmp/lh/node_modules/.bin/lighthouse

Only loopback is ever contacted.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from serving import serving

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ("accessibility", "best-practices", "seo")
SECRET_KEY = "lighthouse bench"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def build_dataset(database: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Create the forum; returns the addresses of its pages, and a session cookie for the
    member and for the moderator."""
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY=SECRET_KEY)
    from flask_migrate import upgrade

    from forum.accounts import members, sign_ins
    from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
    from forum.cli import create_app_with_commands
    from forum.database import db, utcnow
    from forum.models import Report, ReportReason, Role, Thread, ThreadKind

    app = create_app_with_commands()  # with Flask-Migrate
    with app.app_context():
        upgrade()
        article, _ = import_article(ArticleSource.read(DEFAULT_ARTICLE))
        people = [members.add_member(name, "quiet river at dawn") for name in ("Hazel", "Sorrel")]
        moderator = members.add_member("Cedar", "quiet river at dawn", Role.MODERATOR)
        for person in [*people, moderator]:
            person.recovery_codes_confirmed = True
        opening = Thread.start(
            ThreadKind.STORY, "The winter I stopped answering the phone",
            "For weeks I let every call ring out.", people[0],
        )  # fmt: skip
        replies = []
        for number in range(120):
            parent = replies[number // 2] if number > 10 else opening
            replies.append(
                parent.reply(
                    people[number % 2], f"Reply {number}: you are not alone in this.",
                    anonymous=number % 4 == 0,
                    content_warning="Loss" if number % 9 == 0 else None,
                    awaiting_approval=number % 25 == 7,
                )
            )  # fmt: skip
        removed = replies[5]
        removed.removed_at, removed.removed_by_id, removed.removal_reason = (
            utcnow(), moderator.id, "harassment",
        )  # fmt: skip
        db.session.add(Report(post_id=replies[12].id, reporter_id=people[0].id, reason="spam"))
        db.session.add(
            Report(post_id=replies[13].id, reporter_id=people[0].id, reason=ReportReason.AT_RISK)
        )
        cookies = {}
        serializer = app.session_interface.get_signing_serializer(app)
        for role, person in (("member", people[1]), ("moderator", moderator)):
            token = sign_ins.begin(person, user_agent="Lighthouse", remember=False)
            value = serializer.dumps({"_user_id": token, "_fresh": True})
            cookies[role] = f"{app.config['SESSION_COOKIE_NAME']}={value}"
        db.session.commit()
        thread = db.session.get(Thread, opening.thread_id)
        pages = {
            "home": "/",
            "article": f"/t/{article.id}-{article.slug}",
            "thread, 120 replies": f"/t/{thread.id}-{thread.slug}",
            "story form": "/stories/new",
            "join": "/join",
            "log in": "/login",
            "help": "/help",
            "settings": "/settings",
            "moderation queue": "/mod",
        }
        db.engine.dispose()
    return pages, cookies


# Who reads which page: a guest can't open the story form, settings or the queue. (Lighthouse
# refuses to judge a 404 page: the Nu Html Checker's test checks that one.)
READERS = {
    "guest": ("home", "article", "thread, 120 replies", "join", "log in", "help"),
    "member": ("home", "thread, 120 replies", "story form", "settings"),
    "moderator": ("thread, 120 replies", "moderation queue"),
}


def lighthouse(binary: str, url: str, cookie: str | None, report: Path) -> dict:
    command = [
        binary, url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(report.read_text())


def failing_audits(result: dict) -> list[str]:
    """The audits of the three categories that scored below 1, with what they found."""
    failing = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if audit["score"] is not None and audit["score"] < 1 and ref["weight"] > 0:
                items = audit.get("details", {}).get("items", [])
                where = [(item.get("node") or {}).get("snippet", "") for item in items[:3] if item]
                failing.append(f"{category}: {audit['id']} ({audit['title']}) {where}")
    return failing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        pages, cookies = build_dataset(Path(folder) / "forum.db")
        with serving(Path(folder) / "forum.db", SECRET_KEY) as base:
            print(f"{'reader':<11}{'page':<22}" + "".join(f"{c:>16}" for c in CATEGORIES))
            problems = []
            for reader, names in READERS.items():
                for name in names:
                    report = Path(folder) / "report.json"
                    result = lighthouse(
                        args.lighthouse, base + pages[name], cookies.get(reader), report
                    )
                    scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
                    print(f"{reader:<11}{name:<22}" + "".join(f"{s:>16}" for s in scores))
                    problems += [f"{reader} {name}: {audit}" for audit in failing_audits(result)]
            print("\n".join(["", "Audits that didn't pass:", *problems] if problems else []))


if __name__ == "__main__":
    main()
