"""Members' reports and the moderators' queue: each reported post once with its count, people
who may be at risk first, dismiss and remove resolving the reports, and text that could hurt
folded until the moderator opens it."""

import pytest
from support.content import reply, start_thread
from support.members import make_member
from support.moderation import (
    REPLY_BODY,
    dismiss,
    file_reports,
    flashed,
    item_post_id,
    open_reports,
    remove,
    report,
    reported_items,
    send,
    suspend_author,
    told_at_post,
)
from support.pages import html_of, notice, page, parse
from support.rows import count, fresh

from forum.database import db
from forum.models import INDEFINITELY, Post, Report, ReportReason, ThreadKind

THANKS = "Thank you. A moderator will look at it."


def reports_on(post) -> list[Report]:
    db.session.expire_all()
    return list(db.session.query(Report).filter_by(post_id=post.id).order_by(Report.id))


@pytest.mark.parametrize("reason", list(ReportReason), ids=lambda reason: reason.value)
def test_a_member_reports_a_post_with_each_reason(town, reason):
    member_device = town.device(town.author)

    response = report(member_device, town.harsh, reason.value, "It upset me.")

    assert response.status_code == 303
    assert response.headers["Location"] == f"{town.thread_url}#p{town.harsh.id}"
    assert told_at_post(member_device, response, town.harsh) == THANKS
    [filed] = reports_on(town.harsh)
    assert (filed.reporter_id, filed.reason, filed.note) == (town.author.id, reason, "It upset me.")
    assert filed.resolved_at is None
    [item] = reported_items(town.device(town.moderator))
    assert item_post_id(item) == town.harsh.id
    assert reason.label in item.find("p", class_="meta").text
    assert ("May be at risk" in item.text) == (reason == ReportReason.AT_RISK)


def test_the_report_link_is_on_other_members_posts(town):
    tree = page(town.device(town.author), town.thread_url)

    links = [a for a in tree.by_id(f"p{town.harsh.id}").iter("a") if a.visible_text == "Report"]
    assert [a.get("href") for a in links] == [f"/p/{town.harsh.id}/report"]


def test_a_report_needs_a_reason(town):
    member_device = town.device(town.author)

    response = report(member_device, town.harsh, "")

    assert response.status_code == 422
    assert "Please choose what is wrong." in html_of(response)
    assert reports_on(town.harsh) == []


def test_reporting_twice_while_the_first_is_open_files_one_report(town):
    member_device = town.device(town.author)
    report(member_device, town.harsh, "harassment")

    again = report(member_device, town.harsh, "at-risk")

    assert "You have already reported this post" in told_at_post(member_device, again, town.harsh)
    assert len(reports_on(town.harsh)) == 1

    # Once a moderator has dealt with it, the member can report it again.
    dismiss(town.device(town.moderator), town.harsh)
    report(member_device, town.harsh, "harassment")
    assert [r.resolved_at is None for r in reports_on(town.harsh)] == [False, True]


def test_suspended_members_cannot_report_and_guests_log_in_first(town):
    town.author.suspended_until = INDEFINITELY
    town.author.suspension_reason = "Cooling off."
    db.session.commit()
    suspended = town.device(town.author)
    url = f"/p/{town.harsh.id}/report"

    for response in (suspended.get(url), send(suspended, url, {"reason": "spam"})):
        assert response.status_code == 403
        assert "Your account is suspended until further notice" in html_of(response)
    as_guest = town.device(None).get(url)
    assert as_guest.status_code == 302
    assert as_guest.headers["Location"].startswith("/login?next=")
    # A guest has no session, so no CSRF token: refused before anything else.
    assert town.device(None).post(url, data={"reason": "spam"}).status_code == 400
    assert count(Report) == 0


def test_the_queue_shows_a_post_reported_by_several_members_once_with_the_count(town):
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT, ReportReason.SPAM)

    items = reported_items(town.device(town.moderator))

    assert [item_post_id(item) for item in items] == [town.harsh.id]
    meta = items[0].find("p", class_="meta").text
    assert meta.startswith("3 ")
    assert "Harassment or unkindness ×2, Spam" in meta  # noqa: RUF001
    assert "Reports (1)" in page(town.device(town.moderator), "/mod").text


def test_the_queue_says_how_many_reports_in_words(town):
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.SPAM)

    [item] = reported_items(town.device(town.moderator))

    assert item.find("p", class_="meta").text.startswith("2 reports: ")


def test_reporters_notes_are_shown_to_moderators(town):
    report(town.device(town.author), town.harsh, "harassment", "They keep doing this.")

    [item] = reported_items(town.device(town.moderator))

    notes = item.find("details")
    assert notes.find("summary").text == "Reporters' notes (1)"
    assert "They keep doing this." in notes.text


def test_at_risk_reports_come_first(town):
    spammy = reply(town.story, town.another, "Visit my shop.")
    worrying = reply(town.story, town.another, "I don't see the point any more.")
    file_reports(spammy, ReportReason.SPAM, ReportReason.SPAM, ReportReason.HARASSMENT)
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT)
    file_reports(worrying, ReportReason.AT_RISK)  # the newest, with a single report

    items = reported_items(town.device(town.moderator))

    assert [item_post_id(item) for item in items] == [worrying.id, spammy.id, town.harsh.id]
    assert "at-risk" in items[0].classes
    assert items[0].find("span", class_="risk").text == "May be at risk"
    assert not [item for item in items[1:] if "May be at risk" in item.text]


def test_dismissing_resolves_the_reports_and_keeps_the_post(town):
    file_reports(town.harsh, ReportReason.SPAM, ReportReason.OTHER)
    moderator = town.device(town.moderator)

    response = dismiss(moderator, town.harsh)

    assert response.headers["Location"] == "/mod"
    assert notice(flashed(moderator, response)) == "2 reports dismissed. The post stays up."
    assert {(r.resolution, r.resolved_at is not None) for r in reports_on(town.harsh)} == {
        ("dismissed", True)
    }
    assert fresh(Post, town.harsh.id).removed_at is None
    assert reported_items(moderator) == []
    assert "No open reports." in page(moderator, "/mod").text


def test_htmx_dismiss_answers_the_queue_item(town):
    file_reports(town.harsh, ReportReason.SPAM)

    response = dismiss(town.device(town.moderator), town.harsh, htmx=True)

    assert response.status_code == 200
    assert "<html" not in html_of(response)
    item = parse(html_of(response)).find("li")
    assert "done" in item.classes and item.text == "1 report dismissed. The post stays up."
    assert open_reports(town.harsh) == 0


def test_removing_from_the_queue_resolves_the_reports(town):
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT)
    moderator = town.device(town.moderator)
    [item] = reported_items(moderator)
    form = next(f for f in item.iter("form") if f.get("action").endswith("/remove"))
    values = {e.get("name"): e.get("value", "") for e in form.iter("input")}
    values["reason"] = "harassment"

    response = moderator.post(form.get("action"), data=values)

    assert response.headers["Location"] == "/mod"
    assert {r.resolution for r in reports_on(town.harsh)} == {"removed"}
    assert fresh(Post, town.harsh.id).removed_at is not None
    assert reported_items(moderator) == []


def test_suspending_the_author_from_the_queue_resolves_the_reports(town):
    file_reports(town.harsh, ReportReason.HARASSMENT)
    moderator = town.device(town.moderator)

    response = suspend_author(moderator, town.harsh, "3", "Unkind replies.", data={"from": "queue"})

    assert response.headers["Location"] == "/mod"
    assert {r.resolution for r in reports_on(town.harsh)} == {"suspended"}
    assert reported_items(moderator) == []


def test_a_report_on_another_post_stays_open(town):
    file_reports(town.harsh, ReportReason.SPAM)
    file_reports(town.answer, ReportReason.SPAM)

    dismiss(town.device(town.moderator), town.harsh)

    assert open_reports(town.answer) == 1
    assert [item_post_id(i) for i in reported_items(town.device(town.moderator))] == [
        town.answer.id
    ]


# --- care for moderators -------------------------------------------------------------------


def folded(item) -> tuple[bool, str]:
    """Whether the reported text sits inside a closed <details>, and its summary."""
    body = item.find("div", class_="prose")
    details = next((a for a in body.ancestors() if a.tag == "details"), None)
    if details is None:
        return False, ""
    return "open" not in details.attrs, details.find("summary").text


def test_the_queue_folds_content_warned_and_at_risk_text(town):
    warned = town.story.reply(town.another, "What happened that night.", content_warning="Abuse")
    db.session.commit()
    worrying = reply(town.story, town.another, "I can't go on like this.")
    warned_thread = start_thread(
        ThreadKind.STORY,
        "Losing my dad",
        "He died in March.",
        town.another,
        content_warning="Grief",
    )
    file_reports(warned, ReportReason.HARMFUL)
    file_reports(worrying, ReportReason.AT_RISK)
    file_reports(town.harsh, ReportReason.HARASSMENT)
    file_reports(warned_thread, ReportReason.SPAM)

    items = {item_post_id(i): i for i in reported_items(town.device(town.moderator))}

    assert folded(items[warned.id]) == (True, "Content warning (Abuse) Show")
    assert folded(items[worrying.id]) == (True, "Content warning (The writer may be at risk) Show")
    assert folded(items[warned_thread.id]) == (True, "Content warning (Grief) Show")
    assert folded(items[town.harsh.id]) == (False, "")  # nothing to warn of: shown as it is
    assert REPLY_BODY in items[town.harsh.id].text


def test_the_at_risk_fold_holds_even_for_a_content_warned_post(town):
    warned = town.story.reply(town.another, "Everything hurts.", content_warning="Self-harm")
    db.session.commit()
    file_reports(warned, ReportReason.AT_RISK, ReportReason.HARMFUL)

    [item] = reported_items(town.device(town.moderator))

    assert folded(item) == (True, "Content warning (Self-harm; the writer may be at risk) Show")


def test_a_member_flagged_by_the_crisis_check_is_queued_at_risk(town):
    """Reports from nobody (the forum's own check) also come first, and are folded."""
    worrying = reply(town.story, town.another, "Some words.")
    db.session.add(Report(post_id=worrying.id, reporter_id=None, reason=ReportReason.AT_RISK))
    db.session.commit()
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT)

    items = reported_items(town.device(town.moderator))

    assert [item_post_id(i) for i in items] == [worrying.id, town.harsh.id]
    assert folded(items[0])[0] is True


def test_a_removed_post_takes_no_more_reports(town):
    """Once moderators removed a post, a report on it is refused, saying why; no Report link
    is offered on its tombstone."""
    remove(town.device(town.moderator), town.harsh, "harassment")
    latecomer = town.device(make_member("Latecomer"))

    response = latecomer.get(f"/p/{town.harsh.id}/report")

    assert response.status_code == 403
    assert "This post has been taken down already." in html_of(response)
    links = [a.get("href") for a in page(latecomer, town.thread_url).iter("a")]
    assert f"/p/{town.harsh.id}/report" not in links
    assert reported_items(town.device(town.moderator)) == []
