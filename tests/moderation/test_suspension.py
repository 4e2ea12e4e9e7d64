"""Suspensions: for a period or until further notice, with a reason the member sees on every
page; a suspended member still reads, logs in and takes their data, but cannot post, reply,
react or report; the author of an anonymous post is suspended without being shown to anyone."""

import json
from datetime import timedelta

import pytest
from support.content import start_thread
from support.forms import log_in, reply_through_form
from support.members import make_member
from support.moderation import (
    READER,
    actions,
    file_reports,
    flashed,
    lift_suspension,
    send,
    suspend_author,
)
from support.pages import html_of, notice, page, parse
from support.rows import count, fresh

from forum.database import db, utcnow
from forum.models import (
    INDEFINITELY,
    Post,
    Reaction,
    Report,
    ReportReason,
    Thread,
    ThreadKind,
    User,
)
from forum.web.wording import exact_time

REASON = "Repeated unkind replies to people sharing their stories."


def banner(html: str) -> str:
    box = parse(html).find("p", class_="suspended")
    return box.text if box else ""


@pytest.mark.parametrize(
    ("duration", "length"),
    [("1", timedelta(days=1)), ("30", timedelta(days=30)), ("indefinitely", None)],
)
def test_a_moderator_suspends_an_author_with_a_reason_the_member_sees(town, duration, length):
    moderator = town.device(town.moderator)

    response = suspend_author(moderator, town.harsh, duration, REASON)

    suspended = fresh(User, town.reader.id)
    if length is None:
        assert suspended.suspended_until == INDEFINITELY
        until = "until further notice"
    else:
        assert abs(suspended.suspended_until - (utcnow() + length)) < timedelta(minutes=1)
        until = f"until {exact_time(suspended.suspended_until)}"
    assert notice(flashed(moderator, response)) == (
        f"Suspended {until}: the account behind that post, if it still exists, can read but "
        "not post, reply, react or report. The post stays up."
    )
    assert suspended.suspension_reason == REASON
    assert suspended.is_suspended
    [logged] = actions()
    assert (logged.action, logged.subject_id, logged.post_id) == (
        "suspend",
        town.reader.id,
        town.harsh.id,
    )

    member = town.device(suspended)
    for url in ("/", "/stories", town.thread_url, "/settings", f"/u/{READER}", "/mod/log"):
        shown = banner(html_of(member.get(url)))
        assert shown.startswith(f"Your account is suspended {until}, so you can't post"), url
        assert shown.endswith(f"The moderators' reason: {REASON}"), url
    for other in (None, town.author, town.moderator):
        assert banner(html_of(town.device(other).get(town.thread_url))) == ""


def test_a_suspension_needs_a_reason_and_a_known_duration(town):
    moderator = town.device(town.moderator)

    no_reason = flashed(moderator, suspend_author(moderator, town.harsh, "7", "  "))
    odd = suspend_author(moderator, town.harsh, "forever", REASON, htmx=True)

    assert "Please write the reason the member will see." in notice(no_reason)
    assert odd.status_code == 403
    assert fresh(User, town.reader.id).suspended_until is None
    assert actions() == []


def test_a_suspended_member_can_read_log_in_and_download_their_data(app, town):
    user = make_member("Drifter")
    user.suspended_until = INDEFINITELY
    user.suspension_reason = REASON
    db.session.commit()
    device = town.device(None)

    assert log_in(device, "Drifter").status_code == 303

    for url in ("/", town.thread_url, f"/p/{town.answer.id}", "/settings", "/mod/log"):
        assert device.get(url).status_code == 200, url
    export = device.get("/settings/export")
    assert export.status_code == 200
    assert export.mimetype == "application/json"
    assert json.loads(export.get_data(as_text=True))["profile"]["pseudonym"] == "Drifter"


@pytest.fixture
def suspended(town):
    town.reader.suspended_until = utcnow() + timedelta(days=3)
    town.reader.suspension_reason = REASON
    db.session.commit()
    return town.device(town.reader)


def assert_refused_with_notice(response) -> None:
    assert response.status_code == 403, response.status_code
    text = parse(html_of(response)).text
    assert "Your account is suspended until" in text
    assert "you can't post, reply, react or report" in text
    assert REASON in text


def test_a_suspended_member_cannot_post_reply_react_or_report(town, suspended):
    before = (count(Thread), count(Post), count(Reaction), count(Report))

    for kind in ("stories", "discussions"):
        assert_refused_with_notice(suspended.get(f"/{kind}/new"))  # before anything is written
        form = {"title": "Still here", "body": "Hello, all.", "intent": "listening"}
        sent = send(suspended, f"/{kind}/new", form)
        assert_refused_with_notice(sent)
        assert "Hello, all." in html_of(sent)  # a form opened before the suspension keeps it
    assert_refused_with_notice(suspended.get(f"/p/{town.story.id}/reply"))
    reply_data = {f"reply-{town.story.id}-body": "Me again."}
    assert_refused_with_notice(send(suspended, f"/p/{town.story.id}/reply", reply_data))
    assert_refused_with_notice(send(suspended, f"/p/{town.story.id}/reply", reply_data, htmx=True))
    assert_refused_with_notice(send(suspended, f"/p/{town.story.id}/react", {"kind": "support"}))
    assert_refused_with_notice(suspended.get(f"/p/{town.story.id}/report"))
    assert_refused_with_notice(send(suspended, f"/p/{town.story.id}/report", {"reason": "spam"}))

    assert (count(Thread), count(Post), count(Reaction), count(Report)) == before


def test_a_suspension_ends_when_its_time_is_up(town, suspended):
    town.reader.suspended_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert banner(html_of(suspended.get("/"))) == ""
    reply_through_form(suspended, town.story.id, "Back again, and sorry.")


def test_lifting_a_suspension(town):
    moderator = town.device(town.moderator)
    flashed(moderator, suspend_author(moderator, town.harsh, "7", REASON))
    suspended = town.device(town.reader)

    response = lift_suspension(moderator, town.harsh)

    assert response.headers["Location"] == "/mod"
    assert notice(flashed(moderator, response)) == (
        "Lifted. The author can post again, unless another suspension stands."
    )
    lifted = fresh(User, town.reader.id)
    assert (lifted.suspended_until, lifted.suspension_reason) == (None, None)
    assert [(a.action, a.subject_id) for a in actions()] == [
        ("suspend", town.reader.id),
        ("unsuspend", town.reader.id),
    ]
    assert banner(html_of(suspended.get("/"))) == ""
    reply_through_form(suspended, town.story.id, "Thank you.")


def test_lifting_a_suspension_that_is_not_there_is_a_404(town):
    assert send(town.device(town.moderator), "/mod/suspensions/4242/lift").status_code == 404


def test_a_moderator_lifts_a_suspension_from_the_queue(town):
    """The queue lists every suspension in force by the post it was made through, never by
    account; no profile shows a suspension, to anyone."""
    moderator = town.device(town.moderator)
    suspend_author(moderator, town.harsh, "7", REASON)
    for reader in (None, town.author, town.moderator, town.admin):
        assert "uspend" not in page(town.device(reader), f"/u/{READER}").text

    tree = page(moderator, "/mod")
    [item] = tree.by_id("suspensions-title").parent.find_all("li")
    assert READER not in item.text and f"/u/{READER}" not in str(item)
    assert REASON in item.text
    [form] = item.find_all("form")
    values = {e.get("name"): e.get("value", "") for e in form.iter("input")}
    moderator.post(form.get("action"), data=values)

    assert not fresh(User, town.reader.id).is_suspended
    assert page(moderator, "/mod").by_id("suspensions-title") is None


def test_lifting_one_suspension_leaves_another_in_place(town):
    """Two suspensions of one account, one through an anonymous post: lifting one must not
    lift the other, or the queue would show that both posts have one author."""
    moderator = town.device(town.moderator)
    hidden = town.story.reply(town.reader, "Said without my name.", anonymous=True)
    db.session.commit()
    suspend_author(moderator, town.harsh, "7", "Named.")
    suspend_author(moderator, hidden, "30", "Anonymous.")

    lift_suspension(moderator, hidden)

    reader = fresh(User, town.reader.id)
    assert reader.is_suspended and reader.suspension_reason == "Named."
    lift_suspension(moderator, town.harsh)
    assert not fresh(User, town.reader.id).is_suspended


# --- the author of an anonymous post -------------------------------------------------------

HIDDEN = "shadow_walker_7"
HIDDEN_ID = 987654  # an id no other number on the pages could be mistaken for


def assert_names_nobody(html: str, where: str) -> None:
    assert HIDDEN.casefold() not in html.casefold(), where
    assert f"/u/{HIDDEN}" not in html, where
    assert str(HIDDEN_ID) not in html, where


def test_a_moderator_suspends_an_anonymous_author_without_being_shown_who(town):
    hidden = make_member(HIDDEN, id=HIDDEN_ID, days_old=40)
    post = town.story.reply(hidden, "Nobody here cares about you.", anonymous=True)
    db.session.commit()
    # Something of theirs, anonymous too, elsewhere: a thread the moderator also reads.
    own_story = start_thread(
        ThreadKind.STORY, "My own bad week", "Hard times.", hidden, anonymous=True
    )
    file_reports(post, ReportReason.HARASSMENT, ReportReason.AT_RISK)
    moderator = town.device(town.moderator)

    seen = {
        "queue": html_of(moderator.get("/mod")),
        "thread": html_of(moderator.get(town.thread_url)),
        "in context": html_of(moderator.get(f"/p/{post.id}")),
        "own story": html_of(moderator.get(f"/t/{own_story.thread_id}", follow_redirects=True)),
    }
    in_queue = suspend_author(moderator, post, "7", REASON, htmx=True, data={"from": "queue"})
    seen["htmx answer in the queue"] = html_of(in_queue)
    on_thread = suspend_author(moderator, post, "indefinitely", REASON, htmx=True)
    seen["htmx answer on the thread"] = html_of(on_thread)
    plain = suspend_author(moderator, post, "indefinitely", REASON)
    seen["redirect"] = plain.headers["Location"] + html_of(plain)
    seen["flash"] = flashed(moderator, plain)
    seen["queue after"] = html_of(moderator.get("/mod"))
    seen["log"] = html_of(moderator.get("/mod/log"))

    assert in_queue.status_code == on_thread.status_code == 200
    assert "the account behind that post, if it still exists" in notice(seen["flash"])
    for where, html in seen.items():
        assert_names_nobody(html, where)
    assert fresh(User, HIDDEN_ID).suspended_until == INDEFINITELY
    assert post.anon_alias in seen["thread"]  # the moderator saw the post, under its alias


def test_a_suspended_member_cannot_change_their_public_bio(town, suspended):
    """A bio is public writing too: refused with the notice, the text kept in the form."""
    before = fresh(User, town.reader.id).bio

    response = send(suspended, "/settings/bio", {"bio": "Read my new bio!"})

    assert_refused_with_notice(response)
    assert "Read my new bio!" in html_of(response)
    assert fresh(User, town.reader.id).bio == before
