"""The privacy promises, checked against what the forum really does: no cookie for guests, no
page that asks another host for anything, and a whole session that leaves no address,
password, code or text in the database or the logs."""

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from support.clients import device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import join, log_in, send_reply, share_story
from support.members import PASSWORD
from support.moderation import AUTHOR as WRITER
from support.moderation import report
from support.pages import (
    html_of,
    parse,
    shown_codes,
)
from support.rows import all_stored_text

from forum.database import db
from forum.models import Report, ThreadKind

CRISIS = "Some nights I want to die, and I can't see a way through any more."


@pytest.fixture
def site(app, people):
    """Content on every page type, and the addresses of the pages."""
    opening = start_thread(ThreadKind.STORY, "My story", "It was *hard*.", people["writer"])
    answer = reply(opening, people["another"], "See [a guide](https://example.org/guide).")
    return {
        "guest": [
            "/",
            "/stories",
            thread_url(thread_of(opening)),
            f"/p/{answer.id}",
            f"/u/{WRITER}",
            "/help",
            "/privacy",
            "/mod/log",
            "/nope",
        ],
        "member": ["/settings", "/stories/new", "/stories/unanswered", "/"],
        "moderator": ["/mod"],
    }


def test_guests_get_no_cookie_on_any_reading_page(app, site):
    visitor = device(app)
    for url in site["guest"]:
        response = visitor.get(url)
        assert response.status_code == (404 if url == "/nope" else 200), url
        assert "Set-Cookie" not in response.headers, url
    assert visitor.get_cookie("session") is None


def foreign(url: str | None) -> bool:
    parts = urlsplit(url or "")
    # data: is inside the page itself (the icon): it loads nothing from anywhere.
    return bool(parts.scheme or parts.netloc) and not url.startswith(("tel:", "sms:", "data:"))


def loaded_elsewhere(html: str) -> list[str]:
    tree = parse(html)
    found = []
    for element in tree.iter():
        for attribute in ("src", "srcset", "action", "formaction", "poster", "data"):
            if foreign(element.get(attribute)):
                found.append(f"<{element.tag} {attribute}={element.get(attribute)}>")
        if element.tag == "link" and foreign(element.get("href")):
            found.append(f"<link href={element.get('href')}>")
        if "style" in element.attrs and "url(" in element.get("style"):
            found.append(f"<{element.tag} style>")
    return found


def test_no_page_references_another_host(app, people, site):
    seen = []
    for who, urls in (
        (device(app), site["guest"]),
        (signed_in(app, people["reader"]), site["member"]),
        (signed_in(app, people["moderator"]), site["moderator"]),
    ):
        for url in urls:
            html = html_of(who.get(url))
            assert loaded_elsewhere(html) == [], url
            seen.append(url)
            tree = parse(html)
            assert any(s.get("src") for s in tree.iter("script")), url
            assert any("stylesheet" in (link.get("rel") or "") for link in tree.iter("link")), url
    # Links out to crisis services are fine: the help page has some, as plain links.
    help_page = parse(html_of(device(app).get("/help")))
    assert any(foreign(a.get("href")) for a in help_page.iter("a"))


def test_the_stylesheet_loads_nothing_from_another_host(client):
    css = Path(__file__).resolve().parents[2] / "static" / "css" / "forum.css"
    text = css.read_text(encoding="utf-8")
    for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
        assert not foreign(target), target
    assert "@import" not in text or not re.search(r"@import\s+['\"]?\w+://", text)
    with client.get("/static/css/forum.css") as response:
        assert response.get_data(as_text=True) == text


ADDRESS = "203.0.113.77"
STORY_BODY = "The winter my brother stopped calling, and what I did next."
REPLY_BODY = "Your words about the harbour stayed with me all day."
WRONG_PASSWORD = "not the right password at all"


def test_a_whole_session_leaves_no_address_password_code_or_text_behind(
    app, people, caplog, database_uri
):
    other_story = start_thread(ThreadKind.STORY, "Elsewhere", "Another story.", people["another"])

    def from_address():
        client = device(app)
        client.environ_base["REMOTE_ADDR"] = ADDRESS
        return client

    with caplog.at_level(logging.DEBUG):
        newcomer = from_address()
        joined = join(newcomer, "Juniper", PASSWORD)
        assert joined.status_code == 200
        codes = shown_codes(html_of(joined))
        assert codes
        thread = share_story(newcomer, title="Telling it", body=STORY_BODY)
        assert send_reply(newcomer, other_story.id, REPLY_BODY).status_code == 303
        assert report(newcomer, other_story).status_code in (200, 303)
        failed = log_in(from_address(), WRITER, WRONG_PASSWORD)
        assert failed.status_code in (200, 401, 422)
        assert send_reply(newcomer, other_story.id, CRISIS).status_code == 303

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Report)) >= 2
    assert thread is not None
    stored = all_stored_text()
    assert "Juniper" in stored and STORY_BODY in stored  # the scan does see the data
    assert ADDRESS not in stored
    if database_uri.startswith("sqlite:///"):
        db.session.remove()
        db.engine.dispose()
        path = Path(database_uri.removeprefix("sqlite:///"))
        for file in [path, *path.parent.glob(path.name + "-*")]:
            assert ADDRESS.encode() not in file.read_bytes(), file

    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    for secret in [PASSWORD, WRONG_PASSWORD, *codes, STORY_BODY, REPLY_BODY, CRISIS]:
        assert secret not in logged, secret
    for code in codes:
        assert code.replace("-", "") not in logged
