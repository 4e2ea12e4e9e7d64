"""Every kind of page passes the Nu Html Checker (the W3C's validator, `vnu-jar` from
package.json) with no error, as a guest, a member and a moderator see it.

The pages are rendered by the test client from one scene that puts every state a page can show
on them: a story with more than 100 replies (anonymous ones, replies waiting for approval, one
removed, content warnings, a reply whose writer may be at risk), reports and a suspension in
the moderators' queue, and a join form refused for three reasons at once. They are written to
files and checked by one run of the checker: Java takes a few seconds to start, once.

The checker needs a Java runtime: `make test` installs Debian's when it can (see the
Makefile), and the test is skipped, saying why, where there is none.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from support.clients import device, signed_in
from support.content import reply
from support.forms import join, reply_form, reply_url, settings_post
from support.members import PASSWORD, give_recovery_codes
from support.moderation import Community, community, file_reports, remove, suspend_author

from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
from forum.database import db
from forum.models import ReportReason, RevealRequest, ThreadReader
from forum.notifications import telling

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR = VNU_JAR / "vnu.jar"
JAVA = shutil.which("java")

# Every page type of the issue, for every reader (a guest sent elsewhere, say from /settings to
# the login page, has that page checked).
PAGES = {
    "home": "/",
    "article": "{article}",
    "long-thread": "{thread}",
    "long-thread-later-replies": "{later_replies}",
    "story-form": "/stories/new",
    "join": "/join",
    "login": "/login",
    "help": "/help",
    "settings": "/settings",
    "notifications": "/notifications",
    "my-conversations": "/me",
    "moderation-queue": "/mod",
    "search": "/search?q=not+alone",
    "not-found": "/t/999999-nothing-here",
}
# An admin sees the queue with more in it (requests to see who wrote an anonymous post).
ADMIN_PAGES = ("moderation-queue", "long-thread", "long-thread-later-replies")


def scene(app: Flask) -> tuple[Community, dict[str, str]]:
    """The community of the moderation tests, the article, and a story of 100+ replies in
    every state; the addresses the pages above need."""
    town = community(app)
    app.config["FOLD_REPLIES_AFTER"] = 1  # busy branches fold: their markup is checked too
    article, _ = import_article(ArticleSource.read(DEFAULT_ARTICLE))
    # The member has read the story before its replies came: on their pages they are new.
    db.session.add(
        ThreadReader(
            user_id=town.reader.id, thread_id=town.story.thread_id, following=True,
            last_seen_post_id=town.story.id,
        )
    )  # fmt: skip
    db.session.commit()
    replies = []
    for number in range(104):
        writer = (town.reader, town.another, town.author)[number % 3]
        parent = replies[number // 2] if number > 10 else town.story
        replies.append(
            reply(
                parent,
                writer,
                f"Reply {number}: you are not alone in this.",
                commit=False,
                anonymous=number % 4 == 0,
                content_warning="Loss" if number % 9 == 0 else None,
                awaiting_approval=number % 25 == 7,
            )
        )
    at_risk = reply(town.story, town.another, "I don't think I can go on.", commit=False)
    at_risk.may_be_at_risk = True
    for told in replies:  # as the reply form tells them: the member's notifications fill up
        telling.reply_published(told)
    town.reader.listens_for_unanswered = True
    db.session.commit()
    moderator = town.device(town.moderator)
    assert remove(moderator, replies[5]).status_code == 303
    assert suspend_author(moderator, town.harsh).status_code == 303
    file_reports(replies[12], ReportReason.HARASSMENT, ReportReason.SPAM)
    file_reports(at_risk, ReportReason.AT_RISK)
    db.session.add(
        RevealRequest(post_id=replies[4].id, requested_by_id=town.admin.id, reason="x" * 30)
    )
    db.session.commit()
    later = f"{town.thread_url}?from={replies[app.config['REPLIES_PER_PAGE']].id}"
    return town, {
        "article": f"/t/{article.id}-{article.slug}",
        "thread": town.thread_url,
        "later_replies": later,
    }


def rendered_pages(app: Flask, out: Path) -> dict[str, Path]:
    """Each reader's view of each page, and a refused join form, written to `out`."""
    town, addresses = scene(app)
    devices = {
        "guest": device(app),
        "member": signed_in(app, town.reader),
        "moderator": signed_in(app, town.moderator),
        "admin": signed_in(app, town.admin),
    }
    files = {}

    def keep(name: str, response) -> None:
        files[name] = out / f"{name}.html"
        files[name].write_bytes(response.data)

    for reader, client in devices.items():
        for name, url in PAGES.items():
            if reader == "admin" and name not in ADMIN_PAGES:
                continue
            keep(f"{reader}-{name}", client.get(url.format(**addresses), follow_redirects=True))
    # Three problems at once: a pseudonym too short, a weak password, and no match.
    refused = join(device(app), "x", "password", again="something else")
    assert refused.status_code == 422, refused.status_code
    keep("guest-join-refused", refused)
    # A reply holding words that tend to hurt, on its own page with the story's guidance and
    # kinder words to consider before sending.
    # (The member above is suspended in the scene: another writes it.)
    writer = town.device(town.another)
    kinder = writer.post(
        reply_url(town.story.id), data=reply_form(writer, town.story.id, body="Just cheer up.")
    )
    assert kinder.status_code == 200 and b"Send as written" in kinder.data, kinder.status_code
    keep("member-reply-kinder", kinder)
    # A new set of recovery codes, on the page that shows them once.
    give_recovery_codes(town.reader)
    made = settings_post(devices["member"], "recovery-codes", {"password": PASSWORD})
    keep("member-recovery-codes", devices["member"].get(made.headers["Location"]))
    return files


def nu_errors(files: dict[str, Path]) -> list[str]:
    """The checker's errors, one line each: page, line and message."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(f"the checker didn't answer in JSON: {result.stderr[:2000]}") from None
    page_of = {path.resolve().as_uri(): name for name, path in files.items()}
    page_of |= {uri.replace("file:///", "file:/"): name for uri, name in page_of.items()}
    return [
        f"{page_of.get(m.get('url'), m.get('url'))}:{m.get('lastLine', '?')}: {m['message']}"
        f"  [{' '.join(m.get('extract', '').split())[:80]}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


@pytest.mark.skipif(JAVA is None, reason="no Java runtime for the Nu Html Checker: "
                    "apt-get install default-jre-headless (`make test` does, as root)")  # fmt: skip
def test_every_page_passes_the_nu_html_checker(app: Flask, tmp_path: Path) -> None:
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `npm ci` (make setup)"
    files = rendered_pages(app, tmp_path)
    errors = nu_errors(files)
    assert not errors, f"{len(errors)} errors from the Nu Html Checker:\n" + "\n".join(errors)
