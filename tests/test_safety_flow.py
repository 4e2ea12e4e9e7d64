"""Safety features end to end (issue 6): a gentle response to crisis language, mute, no story
left unanswered, and the privacy promises checked against what the forum really does."""

import logging
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from accounts_helpers import PASSWORD, all_stored_text, device, join, log_in, shown_codes
from builders import reply, start_thread, thread_of
from htmltree import Element, parse
from moderation_helpers import file_reports, item_post_id, report, reported_items
from posting_helpers import (
    PARTIAL,
    card,
    compose,
    fill,
    form_values,
    fresh,
    guest,
    html_of,
    last_post,
    location,
    member,
    page,
    send_reply,
    share_story,
    signed_in,
    unpace,
    url_of,
)
from sqlalchemy import func, select

from forum.database import db, utcnow
from forum.models import Mute, Post, Report, ReportReason, Role, Thread, ThreadKind, User

WRITER = "Hazel"
READER = "Sorrel"
ANOTHER = "Bracken"
MODERATOR = "Cedar"

CRISIS = "Some nights I want to die, and I can't see a way through any more."
IDIOM = "Honestly this joke killed me, thank you for the laugh."
KIND_NOTE = "Reactions are switched off here"
TAKE_CARE_TITLE = "Thank you for telling us"


@pytest.fixture
def people(app):
    unpace(app)
    return {
        "writer": member(WRITER, days_old=30),
        "reader": member(READER, days_old=30),
        "another": member(ANOTHER, days_old=30),
        "moderator": member(MODERATOR, Role.MODERATOR, days_old=90),
    }


@pytest.fixture
def story(people) -> Post:
    """A story by another member, with an older, twice-reported reply already in the queue."""
    opening = start_thread(
        ThreadKind.STORY, "A long winter", "It was a hard year.", people["another"]
    )
    harsh = reply(opening, people["reader"], "Stop moaning.")
    file_reports(harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT)
    return opening


def at_risk_reports(post_id: int) -> list[Report]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Report).where(Report.post_id == post_id, Report.reason == ReportReason.AT_RISK)
        )
    )


def reaction_forms(article: Element) -> list[Element]:
    return [f for f in article.iter("form") if "/react" in (f.get("action") or "")]


def assert_gentle_response(app, people, response, post_id: int, body: str) -> None:
    """Everything the issue asks of a post with crisis language, checked from every side."""
    writer = signed_in(app, people["writer"])  # same account, the writer's session is theirs
    assert response.status_code == 303
    assert location(response) == f"/p/{post_id}/take-care"

    post = fresh(Post, post_id)
    assert post.may_be_at_risk
    assert not post.awaiting_approval and post.removed_at is None
    reports = at_risk_reports(post_id)
    assert len(reports) == 1 and reports[0].reporter_id is None

    # The take-care page lists crisis contacts, and links to the post.
    care = page(writer, f"/p/{post_id}/take-care")
    assert TAKE_CARE_TITLE in care.text
    assert care.find("section", class_="country").find_all("li", class_="resource")
    assert "/help" in [a.get("href") for a in care.iter("a")]
    # The writer's likely country comes first, with numbers to call or text.
    care = page(writer, f"/p/{post_id}/take-care", headers={"Accept-Language": "en-US"})
    links = [a.get("href") or "" for a in care.find("section", class_="country").iter("a")]
    assert "tel:988" in links, links

    # Published: a guest and another member read it, with a kind note and no reactions.
    thread = thread_of(post)
    for viewer in (guest(app), signed_in(app, people["another"])):
        tree = page(viewer, url_of(thread))
        article = card(tree, post_id)
        assert article is not None
        assert body.split(",")[0] in article.text
        assert KIND_NOTE in article.text
        assert reaction_forms(article) == []
        assert article.find("div", class_="reactions") is None

    # First in the moderators' queue, above an older report with more reports on it.
    items = reported_items(signed_in(app, people["moderator"]))
    assert len(items) >= 2
    assert item_post_id(items[0]) == post_id
    assert "May be at risk" in items[0].text
    assert "May be at risk" not in items[1].text

    # Nobody is blocked: the writer is not suspended and can write again at once.
    assert not fresh(User, people["writer"].id).is_suspended
    again = send_reply(writer, post_id, "Thank you all for reading.")
    assert again.status_code == 303
    assert "/take-care" not in location(again)


def test_crisis_language_in_a_story(app, people, story):
    writer = signed_in(app, people["writer"])
    response = compose(writer, "story", title="Tonight", body=CRISIS)
    post = last_post()
    assert post.parent_id is None

    assert_gentle_response(app, people, response, post.id, CRISIS)


def test_crisis_language_in_a_reply(app, people, story):
    writer = signed_in(app, people["writer"])
    response = send_reply(writer, story.id, CRISIS)
    post = last_post()
    assert post.parent_id == story.id

    assert_gentle_response(app, people, response, post.id, CRISIS)


def test_crisis_language_added_by_an_edit(app, people, story):
    mine = reply(story, people["writer"], "Thank you for sharing this.")
    writer = signed_in(app, people["writer"])
    assert not fresh(Post, mine.id).may_be_at_risk
    form = page(writer, f"/p/{mine.id}/edit").find("form", class_="writing")
    response = writer.post(f"/p/{mine.id}/edit", data=fill(form, body=CRISIS))

    assert fresh(Post, mine.id).body == CRISIS
    assert_gentle_response(app, people, response, mine.id, CRISIS)


def test_editing_a_flagged_post_again_files_no_second_report(app, people, story):
    writer = signed_in(app, people["writer"])
    send_reply(writer, story.id, CRISIS)
    post = last_post()
    form = page(writer, f"/p/{post.id}/edit").find("form", class_="writing")
    response = writer.post(f"/p/{post.id}/edit", data=fill(form, body=CRISIS + " Still."))

    assert response.status_code == 303
    assert len(at_risk_reports(post.id)) == 1


def test_an_idiom_does_not_flag(app, people, story):
    writer = signed_in(app, people["writer"])
    thread = share_story(writer, title="A funny week", body=IDIOM)
    response = send_reply(writer, story.id, IDIOM)

    assert "/take-care" not in location(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Post.may_be_at_risk)) == 0
    assert db.session.scalar(select(func.count()).where(Report.reason == ReportReason.AT_RISK)) == 0
    article = card(page(guest(app), url_of(thread)), thread_opening_id(thread))
    assert KIND_NOTE not in article.text


def thread_opening_id(thread: Thread) -> int:
    return db.session.scalar(
        select(Post.id).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    )


def test_htmx_inline_reply_gets_the_kind_note_with_the_take_care_link(app, people, story):
    writer = signed_in(app, people["writer"])
    response = send_reply(writer, story.id, CRISIS, headers=PARTIAL)
    post = last_post()

    assert response.status_code == 200
    tree = parse(html_of(response))
    note = tree.find("div", class_="kind-note")
    assert note is not None
    assert "Your reply is posted" in note.text
    assert [a.get("href") for a in note.iter("a")] == [f"/p/{post.id}/take-care"]
    # The inserted reply itself shows the note to readers, not reaction buttons.
    article = card(tree, post.id)
    assert KIND_NOTE in article.text and reaction_forms(article) == []
    assert post.may_be_at_risk and len(at_risk_reports(post.id)) == 1
    assert TAKE_CARE_TITLE in page(writer, f"/p/{post.id}/take-care").text


def test_only_the_writer_gets_the_take_care_page(app, people, story):
    send_reply(signed_in(app, people["writer"]), story.id, CRISIS)
    post = last_post()
    response = signed_in(app, people["another"]).get(f"/p/{post.id}/take-care")

    assert response.status_code == 303
    assert "/take-care" not in location(response)


def test_a_reaction_sent_anyway_to_an_at_risk_post_is_refused(app, people, story):
    send_reply(signed_in(app, people["writer"]), story.id, CRISIS)
    post = last_post()
    reader = signed_in(app, people["another"])
    tree = page(reader, url_of(thread_of(post)))
    token = next(e.get("value") for e in tree.iter("input") if e.get("name") == "csrf_token")
    response = reader.post(f"/p/{post.id}/react", data={"csrf_token": token, "kind": "support"})

    assert response.status_code == 400


# --- Mute ------------------------------------------------------------------------------------


@pytest.fixture
def muting_scene(people):
    """A story by Bracken with a named and an anonymous reply by Hazel, and Hazel's own story."""
    opening = start_thread(ThreadKind.STORY, "Winter light", "Short days.", people["another"])
    named = opening.reply(people["writer"], "I know those days well.")
    hidden = opening.reply(people["writer"], "I never told anyone this.", anonymous=True)
    own = start_thread(ThreadKind.STORY, "My spring", "It got better.", people["writer"])
    db.session.commit()
    return {"opening": opening, "named": named, "hidden": hidden, "own": own}


def mute_from_profile(client, pseudonym: str):
    tree = page(client, f"/u/{pseudonym}")
    form = next(f for f in tree.iter("form") if f.get("action") == f"/u/{pseudonym}/mute")
    return client.post(form.get("action"), data=form_values(form))


def is_folded(tree: Element, post: Post) -> bool:
    article = card(tree, post.id)
    assert article is not None
    return article.find("details", class_="muted-post") is not None


def mutes() -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(m.muter_id, m.muted_id) for m in db.session.scalars(select(Mute))]


TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")


def as_seen(client, url: str) -> str:
    response = client.get(url)
    return TOKEN.sub("TOKEN", f"{response.status_code}\n{html_of(response)}")


def test_mute_folds_named_posts_for_the_muter_only(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    muted = signed_in(app, people["writer"])
    muted_pages = [
        url_of(thread_of(muting_scene["opening"])),
        url_of(thread_of(muting_scene["own"])),
        f"/u/{READER}",
        f"/u/{WRITER}",
        "/",
        "/settings",
        f"/p/{muting_scene['named'].id}",
    ]
    before = {url: as_seen(muted, url) for url in muted_pages}

    response = mute_from_profile(muter, WRITER)

    assert response.status_code == 303
    assert mutes() == [(people["reader"].id, people["writer"].id)]
    story_url = url_of(thread_of(muting_scene["opening"]))
    tree = page(muter, story_url)
    assert is_folded(tree, muting_scene["named"])
    assert "Post by someone you muted" in card(tree, muting_scene["named"].id).text
    # An anonymous post never folds: that would tell the muter who wrote it.
    assert not is_folded(tree, muting_scene["hidden"])
    assert reaction_forms(card(tree, muting_scene["hidden"].id))
    # Everyone else sees Hazel's posts as before.
    for other in (guest(app), signed_in(app, people["another"])):
        tree = page(other, story_url)
        assert not is_folded(tree, muting_scene["named"])
        assert "Post by someone you muted" not in tree.text
    # Hazel sees nothing different anywhere.
    after = {url: as_seen(muted, url) for url in muted_pages}
    assert after == before


def test_a_story_opened_by_a_muted_member_folds_too(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    mute_from_profile(muter, WRITER)
    tree = page(muter, url_of(thread_of(muting_scene["own"])))

    assert is_folded(tree, muting_scene["own"])


def test_unmute_from_settings(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    mute_from_profile(muter, WRITER)
    settings = page(muter, "/settings")
    section = settings.by_id("muted")
    assert WRITER in section.text
    form = next(f for f in section.iter("form") if f.get("action") == f"/u/{WRITER}/mute")

    response = muter.post(form.get("action"), data=form_values(form))

    assert response.status_code == 303
    assert location(response).startswith("/settings")
    assert mutes() == []
    tree = page(muter, url_of(thread_of(muting_scene["opening"])))
    assert not is_folded(tree, muting_scene["named"])
    assert WRITER not in page(muter, "/settings").by_id("muted").text


def test_muting_yourself_is_refused(app, people):
    client = signed_in(app, people["reader"])
    tree = page(client, f"/u/{WRITER}")
    token = next(e.get("value") for e in tree.iter("input") if e.get("name") == "csrf_token")
    response = client.post(f"/u/{READER}/mute", data={"csrf_token": token})

    assert response.status_code == 400
    assert mutes() == []
    assert not any(
        f.get("action") == f"/u/{READER}/mute" for f in page(client, f"/u/{READER}").iter("form")
    )


def test_guests_cannot_mute(app, people):
    visitor = guest(app)
    tree = page(visitor, f"/u/{WRITER}")
    assert not any("/mute" in (f.get("action") or "") for f in tree.iter("form"))

    response = visitor.post(f"/u/{WRITER}/mute", data={})

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert location(response).startswith("/login")
    assert mutes() == []


def test_mute_needs_the_csrf_token(app, people):
    response = signed_in(app, people["reader"]).post(f"/u/{WRITER}/mute", data={})

    assert response.status_code == 400
    assert mutes() == []


# --- No story left unanswered ----------------------------------------------------------------


def aged(post: Post, hours: float) -> Post:
    thread = db.session.get(Thread, post.thread_id)
    thread.created_at = thread.last_activity_at = utcnow() - timedelta(hours=hours)
    post.created_at = thread.created_at
    db.session.commit()
    return post


def listed(client) -> list[str]:
    tree = page(client, "/stories/unanswered")
    return [a.text for a in tree.iter("a") if "thread-title" in a.classes]


def test_unanswered_is_for_members(app, people):
    response = guest(app).get("/stories/unanswered")

    assert response.status_code == 302
    assert location(response).startswith("/login")
    home_for_guest = html_of(guest(app).get("/"))
    assert "/stories/unanswered" not in home_for_guest
    home = page(signed_in(app, people["reader"]), "/")
    assert "/stories/unanswered" in [a.get("href") for a in home.iter("a")]


def test_unanswered_lists_waiting_stories_oldest_first(app, people):
    app.config["UNANSWERED_AFTER_HOURS"] = 3
    author = people["writer"]
    aged(start_thread(ThreadKind.STORY, "Waiting five hours", "Anyone?", author), 5)
    aged(start_thread(ThreadKind.STORY, "Waiting ten hours", "Hello?", author), 10)
    aged(start_thread(ThreadKind.STORY, "Waiting anonymously", "Hi.", author, anonymous=True), 4)
    answered = aged(start_thread(ThreadKind.STORY, "Answered", "Thanks.", author), 8)
    reply(answered, people["another"], "I hear you.")
    aged(start_thread(ThreadKind.DISCUSSION, "A discussion", "Thoughts?", author), 9)
    removed = aged(start_thread(ThreadKind.STORY, "Removed", "Spam.", author), 7)
    db.session.get(Thread, removed.thread_id).removed_at = utcnow()
    removed.removed_at = utcnow()
    deleted = aged(start_thread(ThreadKind.STORY, "Deleted", "Never mind.", author), 6)
    deleted.delete_by_author()
    aged(start_thread(ThreadKind.STORY, "Too recent", "Just now.", author), 1)
    db.session.commit()

    assert listed(signed_in(app, people["reader"])) == [
        "Waiting ten hours",
        "Waiting five hours",
        "Waiting anonymously",
    ]


def test_a_story_leaves_the_list_once_answered(app, people):
    story = aged(start_thread(ThreadKind.STORY, "Still waiting", "Anyone?", people["writer"]), 5)
    reader = signed_in(app, people["reader"])
    assert listed(reader) == ["Still waiting"]

    send_reply(reader, story.id, "I read it, and I'm glad you wrote it.")

    assert listed(reader) == []


# --- Privacy promises ------------------------------------------------------------------------


@pytest.fixture
def site(app, people):
    """Content on every page type, and the addresses of the pages."""
    opening = start_thread(ThreadKind.STORY, "My story", "It was *hard*.", people["writer"])
    answer = reply(opening, people["another"], "See [a guide](https://example.org/guide).")
    return {
        "guest": [
            "/",
            "/stories",
            url_of(thread_of(opening)),
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
    visitor = guest(app)
    for url in site["guest"]:
        response = visitor.get(url)
        assert response.status_code == (404 if url == "/nope" else 200), url
        assert "Set-Cookie" not in response.headers, url
    assert visitor.get_cookie("session") is None


def foreign(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return bool(parts.scheme or parts.netloc) and not url.startswith(("tel:", "sms:"))


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
        (guest(app), site["guest"]),
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
    help_page = parse(html_of(guest(app).get("/help")))
    assert any(foreign(a.get("href")) for a in help_page.iter("a"))


def test_the_stylesheet_loads_nothing_from_another_host(client):
    css = Path(__file__).resolve().parents[1] / "static" / "css" / "forum.css"
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
    unpace(app)
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
