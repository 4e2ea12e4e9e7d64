"""Reports per member per day: 20 in any 24 hours, counted from the reports themselves (so the
limit holds across servers and restarts); past it, a kind refusal that keeps what the member
chose and wrote. A report that someone may be at risk is always accepted."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support.content import reply
from support.moderation import report, told_at_post
from support.pages import field_error, form_problem, html_of, parse, textarea_text
from support.rows import count

from forum.database import db, utcnow
from forum.models import Report, ReportReason
from forum.moderation.reports import REPORTS_PER_DAY

NOTE = "They have been posting this in every thread tonight."

THANKS = "Thank you. A moderator will look at it."


def earlier_reports(town, reporter, how_many: int, hours_ago: float, reason=ReportReason.SPAM):
    """`how_many` reports by `reporter` on other posts, the oldest `hours_ago` hours ago."""
    posts = [reply(town.story, town.another, f"Buy now {n}", commit=False) for n in range(how_many)]
    db.session.flush()
    sent = utcnow() - timedelta(hours=hours_ago)
    for number, post in enumerate(posts):
        moment = sent + timedelta(minutes=number)
        db.session.add(
            Report(post_id=post.id, reporter_id=reporter.id, reason=reason, created_at=moment)
        )
    db.session.commit()


def reports_on(post) -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).where(Report.post_id == post.id)))


def chosen_reason(html: str) -> str:
    checked = [
        element.get("value")
        for element in parse(html).iter("input")
        if element.get("name") == "reason" and "checked" in element.attrs
    ]
    return checked[0] if checked else ""


def test_past_20_reports_in_a_day_a_report_is_refused_kindly_keeping_what_was_typed(town):
    earlier_reports(town, town.author, REPORTS_PER_DAY, hours_ago=5)
    member = town.device(town.author)

    response = report(member, town.harsh, "harassment", NOTE)

    assert response.status_code == 429
    html = html_of(response)
    problem = form_problem(html)
    assert "Thank you for looking out for others." in problem
    assert f"You have sent {REPORTS_PER_DAY} reports in the last day" in problem
    # The oldest of them leaves the day in 19 hours.
    assert "you can send it in 19 hours" in problem
    assert "“Someone may be at risk”" in problem
    assert chosen_reason(html) == "harassment"
    assert textarea_text(parse(html), "note") == NOTE
    assert field_error(html, "reason") == ""
    assert count(Report) == REPORTS_PER_DAY


def test_19_reports_in_a_day_leave_room_for_one_more(town):
    earlier_reports(town, town.author, REPORTS_PER_DAY - 1, hours_ago=5)
    member = town.device(town.author)

    response = report(member, town.harsh, "harassment", NOTE)

    assert told_at_post(member, response, town.harsh) == THANKS
    assert count(Report) == REPORTS_PER_DAY
    again = report(member, town.answer, "spam")
    assert again.status_code == 429


def test_reports_older_than_a_day_no_longer_count(town):
    earlier_reports(town, town.author, REPORTS_PER_DAY, hours_ago=25)

    response = report(town.device(town.author), town.harsh, "harassment")

    assert response.status_code == 303
    assert count(Report) == REPORTS_PER_DAY + 1


def test_the_limit_is_each_members_own(town):
    earlier_reports(town, town.author, REPORTS_PER_DAY, hours_ago=1)

    assert report(town.device(town.reader), town.answer, "spam").status_code == 303
    assert report(town.device(town.author), town.answer, "spam").status_code == 429


def test_a_report_that_someone_may_be_at_risk_is_always_accepted(town):
    """Never dropped: the member who has reported a lot today may be the one who notices."""
    earlier_reports(town, town.author, REPORTS_PER_DAY + 5, hours_ago=2)
    member = town.device(town.author)

    response = report(member, town.harsh, "at-risk", "They said goodbye to everyone.")

    assert told_at_post(member, response, town.harsh) == THANKS
    assert [report.reason for report in reports_on(town.harsh)] == [ReportReason.AT_RISK]


def test_at_risk_reports_count_towards_the_limit_for_other_reasons(town):
    earlier_reports(town, town.author, REPORTS_PER_DAY, hours_ago=2, reason=ReportReason.AT_RISK)

    assert report(town.device(town.author), town.harsh, "spam").status_code == 429


@pytest.mark.parametrize("staff", ["moderator", "admin"])
def test_moderators_and_admins_are_not_limited(town, staff):
    earlier_reports(town, getattr(town, staff), REPORTS_PER_DAY, hours_ago=1)

    assert report(town.device(getattr(town, staff)), town.harsh, "spam").status_code == 303


def test_the_refused_form_can_be_sent_again_as_it_stands(town):
    """The refusal page's form is the report form, with the member's choice: once the day has
    room again, sending it as it is files the report."""
    earlier_reports(town, town.author, REPORTS_PER_DAY, hours_ago=5)
    member = town.device(town.author)
    refused = report(member, town.harsh, "harassment", NOTE)
    assert chosen_reason(html_of(refused)) == "harassment"

    db.session.execute(update(Report).values(created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    response = report(member, town.harsh, "harassment", NOTE)

    assert response.status_code == 303
    assert [report.note for report in reports_on(town.harsh)] == [NOTE]
