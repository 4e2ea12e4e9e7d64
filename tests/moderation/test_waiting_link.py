"""Moderators learn at once that someone may be at risk: staff's header has a "Moderation" link
counting the posts that wait for them, people who may be at risk counted apart and first,
correct on every page load and asked again by htmx. Guests and members get no link, and no
query for it."""

from datetime import timedelta

import pytest
from support.clients import PARTIAL
from support.content import reply
from support.members import make_member
from support.moderation import approve, dismiss, file_reports, remove
from support.pages import html_of, location, page, parse

from forum.database import db, utcnow
from forum.models import Report, ReportReason, Role
from forum.moderation.queries import WaitingPosts, posts_waiting_for_moderators
from forum.safety.at_risk import flag_if_at_risk

CRISIS = "Some nights I want to die, and I can't see a way through any more."


def moderation_link(client, path: str = "/") -> str | None:
    """The text of the header's Moderation link on `path`, or None when there is none."""
    item = page(client, path).by_id("moderation-link")
    if item is None:
        return None
    (link,) = item.iter("a")
    assert link.get("href") == "/mod"
    return " ".join(link.text.split())


def at_risk_post(parent, author, *, awaiting_approval: bool = False):
    """A reply whose words the forum flags, as posting does."""
    post = reply(parent, author, CRISIS, commit=False, awaiting_approval=awaiting_approval)
    db.session.flush()
    assert flag_if_at_risk(post, CRISIS)
    db.session.commit()
    return post


def test_nothing_waiting_is_a_plain_link(town):
    assert posts_waiting_for_moderators() == WaitingPosts(at_risk=0, others=0)
    assert moderation_link(town.device(town.moderator)) == "Moderation"


def test_each_post_is_counted_once_and_people_at_risk_apart_and_first(town, newcomer):
    # Reported twice: one post waiting.
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.SPAM)
    # Awaiting approval, and reported as well (by a moderator's test double): still one post.
    waiting = reply(town.story, newcomer, "My first reply.", awaiting_approval=True)
    db.session.add(Report(post_id=waiting.id, reason=ReportReason.SPAM))
    # Flagged by its words, and reported by a member too: one post, at risk.
    published = at_risk_post(town.story, town.another)
    file_reports(published, ReportReason.HARASSMENT)
    # A new member's first post, flagged and waiting for approval: one post, at risk.
    at_risk_post(town.story, newcomer, awaiting_approval=True)
    # Nothing waits any more on these: a dismissed report, a removed waiting post, a post
    # waiting for approval that its author deleted.
    file_reports(town.answer, ReportReason.HARASSMENT)
    db.session.execute(
        Report.__table__.update()
        .where(Report.post_id == town.answer.id)
        .values(resolved_at=utcnow(), resolution="dismissed")
    )
    reply(town.story, newcomer, "Removed.", awaiting_approval=True).removed_at = utcnow()
    deleted = reply(town.story, newcomer, "Deleted.", awaiting_approval=True)
    deleted.deleted_by_author_at = utcnow()
    db.session.commit()

    assert posts_waiting_for_moderators() == WaitingPosts(at_risk=2, others=2)
    for staff in (town.moderator, town.admin):
        assert moderation_link(town.device(staff)) == "Moderation (2 may be at risk, 2 waiting)"
    tree = page(town.device(town.moderator), "/")
    (first,) = tree.by_id("moderation-link").find_all("strong", class_="at-risk")
    assert first.text == "2 may be at risk"


@pytest.mark.parametrize(
    ("at_risk", "others", "text"),
    [
        (1, 0, "Moderation (1 may be at risk)"),
        (0, 1, "Moderation (1 waiting)"),
        (1, 1, "Moderation (1 may be at risk, 1 waiting)"),
    ],
)
def test_the_words_for_each_case(town, newcomer, at_risk, others, text):
    if at_risk:
        at_risk_post(town.story, town.another)
    if others:
        file_reports(town.harsh, ReportReason.HARASSMENT)
    assert moderation_link(town.device(town.moderator)) == text


def test_the_count_is_right_on_every_load(town, newcomer):
    """No cache to go stale: what a moderator does shows on the next page."""
    moderator = town.device(town.moderator)
    flagged = at_risk_post(town.story, town.another)
    waiting = reply(town.story, newcomer, "My first reply.", awaiting_approval=True)
    assert moderation_link(moderator) == "Moderation (1 may be at risk, 1 waiting)"

    dismiss(moderator, flagged)
    assert moderation_link(moderator) == "Moderation (1 waiting)"
    approve(moderator, waiting)
    assert moderation_link(moderator, "/help") == "Moderation"
    file_reports(town.harsh, ReportReason.AT_RISK)
    assert moderation_link(moderator, "/stories") == "Moderation (1 may be at risk)"
    remove(moderator, town.harsh)
    assert moderation_link(moderator) == "Moderation"


def test_guests_members_and_suspended_moderators_get_no_link_and_no_count(town, count_queries):
    at_risk_post(town.story, town.another)
    suspended = make_member(
        "Willow", Role.MODERATOR, days_old=90, suspended_until=utcnow() + timedelta(days=1)
    )
    for reader in (None, town.author, suspended):
        client = town.device(reader)
        with count_queries() as statements:
            html = html_of(client.get("/"))
        assert "moderation-link" not in html and "/mod/waiting" not in html, reader
        assert 'href="/mod"' not in html, reader
        # The count's one query is the only one that reads the reports.
        assert not [sql for sql in statements if "FROM report" in sql], (reader, statements)


def test_htmx_gets_the_link_alone(town):
    at_risk_post(town.story, town.another)
    response = town.device(town.moderator).get("/mod/waiting", headers=PARTIAL)

    assert response.status_code == 200
    tree = parse(html_of(response))
    (item,) = tree.elements
    assert item.tag == "li" and item.get("id") == "moderation-link"
    # It asks again by itself, and only the link it brings back is swapped in.
    assert item.get("data-hx-get") == "/mod/waiting"
    assert item.get("data-hx-trigger") == "forum-refresh"  # while the page is in sight
    assert item.get("data-refresh-every") == "60"
    assert item.get("data-hx-select-oob") == "#moderation-link"
    assert item.get("data-hx-swap") == "none"
    assert " ".join(item.text.split()) == "Moderation (1 may be at risk)"
    assert "HX-Request-Type" in response.headers.get("Vary", "")


def test_the_waiting_address_as_a_page_is_the_queue(town):
    response = town.device(town.moderator).get("/mod/waiting")
    assert response.status_code == 303 and location(response) == "/mod"


@pytest.mark.parametrize("reader", ["guest", "member"])
def test_the_waiting_address_is_for_staff_only(town, reader):
    client = town.device(None if reader == "guest" else town.author)
    response = client.get("/mod/waiting", headers=PARTIAL)
    if reader == "guest":
        assert response.status_code == 302 and location(response).startswith("/login")
    else:
        assert response.status_code == 403
    assert "moderation-link" not in html_of(response)
