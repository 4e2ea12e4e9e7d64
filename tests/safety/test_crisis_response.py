"""A gentle response to crisis language: the post is published, its writer is shown who to
contact, the moderators see it first, and readers are asked to reply rather than react.
Nobody is ever blocked for what they wrote."""

import pytest
from sqlalchemy import func, select
from support.clients import PARTIAL, device, signed_in
from support.content import last_post, reply, start_thread, thread_of, thread_url
from support.forms import compose, csrf_token, fill, send_reply, share_story
from support.moderation import file_reports, item_post_id, reported_items
from support.pages import card, html_of, location, page, parse, reaction_forms
from support.rows import fresh

from forum.database import db
from forum.models import Post, Report, ReportReason, Thread, ThreadKind, User
from forum.safety.resources import RESOURCES_FILE, CrisisResources

CRISIS = "Some nights I want to die, and I can't see a way through any more."
IDIOM = "Honestly this joke killed me, thank you for the laugh."
KIND_NOTE = "Reactions are switched off here"
# What the writer reads on their own post, in place of the note about them.
WRITER_NOTE = "People here can answer what you wrote"
TAKE_CARE_TITLE = "Thank you for telling us"


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
    for viewer in (device(app), signed_in(app, people["another"])):
        tree = page(viewer, thread_url(thread))
        article = card(tree, post_id)
        assert article is not None
        assert body.split(",")[0] in article.text
        assert KIND_NOTE in article.text and WRITER_NOTE not in article.text
        assert reaction_forms(article) == []
        assert article.find("div", class_="reactions") is None
    # The writer is spoken to, not about.
    mine = card(page(writer, thread_url(thread)), post_id)
    assert WRITER_NOTE in mine.text and KIND_NOTE not in mine.text
    assert "/help" in [a.get("href") for a in mine.find("p", class_="kind-note").iter("a")]
    assert reaction_forms(mine) == []

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
    article = card(page(device(app), thread_url(thread)), thread_opening_id(thread))
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
    # Said beside the reply, to its writer: what became of it, and a kind word.
    article = card(tree, post.id)
    note = article.by_id(f"p{post.id}-sent")
    assert note is not None and note.get("role") == "status"
    assert note.text.startswith("Sent. Everyone can read it now. Thank you for sharing it.")
    assert [a.get("href") for a in note.iter("a")] == [f"/p/{post.id}/take-care"]
    # The inserted reply speaks to its writer, with no reaction buttons.
    article = card(tree, post.id)
    assert WRITER_NOTE in article.text and KIND_NOTE not in article.text
    assert reaction_forms(article) == []
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
    token = csrf_token(reader, thread_url(thread_of(post)))
    response = reader.post(f"/p/{post.id}/react", data={"csrf_token": token, "kind": "support"})

    assert response.status_code == 403
    assert "Reactions are switched off on this post" in response.get_data(as_text=True)


# --- What the take-care page says ----------------------------------------------------------


def take_care_text(app, people, post_id: int, **kwargs) -> str:
    tree = page(signed_in(app, people["writer"]), f"/p/{post_id}/take-care", **kwargs)
    return " ".join(tree.find("main").text.split())


def test_take_care_says_a_published_post_is_up_and_promises_no_time(app, people, story):
    send_reply(signed_in(app, people["writer"]), story.id, CRISIS)
    text = take_care_text(app, people, last_post().id)

    assert "It is up: people here can read it and answer." in text
    assert "waiting" not in text.replace("before anything else waiting for them", "")
    assert "soon" not in text
    assert "They aren't always online, and this forum isn't an emergency service" in text


def test_take_care_says_a_waiting_post_waits_and_who_can_see_it(app, people, story):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    send_reply(signed_in(app, people["writer"]), story.id, CRISIS)
    post = last_post()
    assert post.awaiting_approval and post.may_be_at_risk
    text = take_care_text(app, people, post.id)

    assert "It is waiting for a moderator to approve it" in text
    assert "only you and the moderators can see it" in text
    assert "It is up" not in text
    assert "soon" not in text


@pytest.mark.parametrize("accept_language", ["en-US", "de-DE", "ja-JP"])
def test_take_care_says_what_to_do_in_danger_once(app, people, story, accept_language):
    """The crisis message, once and plainly: not again in other words before it, nor as the
    country's emergency line after it (which the help page keeps)."""
    send_reply(signed_in(app, people["writer"]), story.id, CRISIS)
    post = last_post()
    tree = page(
        signed_in(app, people["writer"]),
        f"/p/{post.id}/take-care",
        headers={"Accept-Language": accept_language},
    )
    main = " ".join(tree.find("main").text.split())
    danger = CrisisResources.read(RESOURCES_FILE).immediate_danger

    assert main.count(danger) == 1
    assert main.count("ending your life") == danger.count("ending your life")
    assert main.count("in danger") == danger.count("in danger")
    assert tree.find("main").find_all("p", class_="emergency") == []
    # The services are still there to call or text.
    assert tree.find("section", class_="country").find_all("li", class_="resource")
