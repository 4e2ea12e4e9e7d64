"""The moderation queue a page at a time: each section (reports, waiting posts, suspensions,
reveal requests) shows 25 items and its total, with a "More" link that works as a plain link
and with htmx; pages are keyset, so dealing with one page skips nothing on the next; and the
queue costs the same number of statements however long it is."""

from datetime import timedelta

import pytest
from support.clients import PARTIAL
from support.content import reply
from support.moderation import (
    dismiss,
    item_post_id,
    queue_section,
    reported_items,
)
from support.pages import Element, html_of, page, parse

from forum.database import db, utcnow
from forum.models import (
    INDEFINITELY,
    Post,
    Report,
    ReportReason,
    RevealRequest,
    Suspension,
)
from forum.moderation.queue import QUEUE_PAGE_SIZE

SECTION_TITLES = {
    "reports": "reports-title",
    "waiting": "waiting-title",
    "suspensions": "suspensions-title",
    "reveals": "reveals-title",
}


def replies(town, how_many: int, **fields) -> list[Post]:
    """`how_many` replies to the story by another member, one commit."""
    posts = [
        reply(town.story, town.another, f"Reply number {number}.", commit=False, **fields)
        for number in range(how_many)
    ]
    db.session.commit()
    return posts


def report_each(posts: list[Post], reporter, reason: ReportReason = ReportReason.SPAM) -> None:
    """One report on each post, the first post's the oldest."""
    start = utcnow() - timedelta(hours=len(posts))
    for number, post in enumerate(posts):
        db.session.add(
            Report(
                post_id=post.id,
                reporter_id=reporter.id,
                reason=reason,
                created_at=start + timedelta(hours=number),
            )
        )
    db.session.commit()


def more_link(tree: Element, section: str) -> Element | None:
    more = tree.by_id(f"more-{section}")
    return more.find("a") if more is not None else None


def items_in(tree: Element, section: str) -> list[Element]:
    return queue_section(tree, SECTION_TITLES[section]).find_all("li", class_="queue-item")


def heading(tree: Element, section: str) -> str:
    return tree.by_id(SECTION_TITLES[section]).text


def every_page(client, section: str) -> list[list[Element]]:
    """The section's items page by page, following its "More" links without JavaScript."""
    tree = page(client, "/mod")
    pages = [items_in(tree, section)]
    while (link := more_link(tree, section)) is not None:
        assert link.get("data-hx-get") == link.get("href")
        tree = page(client, link.get("href"))
        pages.append(items_in(tree, section))
    return pages


# --- reports ------------------------------------------------------------------------------


def test_reports_come_25_to_a_page_with_the_total_and_at_risk_first(town):
    posts = replies(town, 60)
    report_each(posts, town.author)
    worrying = [posts[10], posts[50]]
    report_each(worrying, town.reader, ReportReason.AT_RISK)
    moderator = town.device(town.moderator)

    pages = every_page(moderator, "reports")

    assert [len(items) for items in pages] == [25, 25, 10]
    shown = [item_post_id(item) for items in pages for item in items]
    # At risk first (twice reported, the older first), then the rest oldest first.
    rest = [post.id for post in posts if post not in worrying]
    assert shown == [posts[10].id, posts[50].id, *rest]
    assert heading(page(moderator, "/mod"), "reports") == "Reports (60)"


def test_a_later_page_of_reports_stands_alone_without_javascript(town):
    report_each(replies(town, 30), town.author)
    moderator = town.device(town.moderator)
    link = more_link(page(moderator, "/mod"), "reports")

    later = page(moderator, link.get("href"))

    assert [len(items_in(later, "reports"))] == [5]
    assert heading(later, "reports") == "Reports (30)"
    assert later.by_id("waiting-title") is None  # that section's own page, nothing else
    back = [a for a in later.find("main").iter("a") if a.text == "The whole queue"]
    assert [a.get("href") for a in back] == ["/mod"]
    assert more_link(later, "reports") is None


def test_with_htmx_more_reports_answers_the_next_items_in_place_of_the_link(town):
    report_each(replies(town, 60), town.author)
    moderator = town.device(town.moderator)
    link = more_link(page(moderator, "/mod"), "reports")
    assert link.get("data-hx-target") == "#more-reports"
    assert link.get("data-hx-swap") == "outerHTML"

    response = moderator.get(link.get("data-hx-get"), headers=PARTIAL)

    assert response.status_code == 200
    assert "<html" not in html_of(response) and "<h2" not in html_of(response)
    fragment = parse(html_of(response))
    assert len(fragment.find_all("li", class_="queue-item")) == 25
    assert more_link(fragment, "reports") is not None  # and a link to the page after
    assert "HX-Request-Type" in response.headers["Vary"]


def test_dealing_with_the_first_page_skips_nothing_on_the_next(town):
    """Keyset pages: the next page starts after the last item shown, whatever happened to the
    items before it. (An OFFSET page would skip as many as were dealt with.)"""
    posts = replies(town, 30)
    report_each(posts, town.author)
    moderator = town.device(town.moderator)
    first = page(moderator, "/mod")
    link = more_link(first, "reports")

    for item in items_in(first, "reports"):
        dismiss(moderator, db.session.get(Post, item_post_id(item)))

    later = [item_post_id(item) for item in items_in(page(moderator, link.get("href")), "reports")]
    assert later == [post.id for post in posts[25:]]
    assert [item_post_id(item) for item in reported_items(moderator)] == later


def test_a_post_reported_several_times_is_one_item_on_one_page(town):
    posts = replies(town, 40)
    report_each(posts, town.author)
    report_each(posts[30:], town.reader)  # ten posts with two reports each: those come first
    moderator = town.device(town.moderator)

    pages = every_page(moderator, "reports")

    shown = [item_post_id(item) for items in pages for item in items]
    assert len(shown) == len(set(shown)) == 40
    assert shown[:10] == [post.id for post in posts[30:]]
    assert all(item.find("p", class_="meta").text.startswith("2 reports") for item in pages[0][:10])


# --- the other sections -------------------------------------------------------------------


def test_waiting_posts_come_25_to_a_page_oldest_first(town):
    posts = replies(town, 30, awaiting_approval=True)
    moderator = town.device(town.moderator)

    pages = every_page(moderator, "waiting")

    assert [len(items) for items in pages] == [25, 5]
    assert [item_post_id(item) for items in pages for item in items] == [p.id for p in posts]
    assert heading(page(moderator, "/mod"), "waiting") == "Waiting for approval (30)"


def test_suspensions_come_25_to_a_page_soonest_to_end_first(town):
    posts = replies(town, 30)
    now = utcnow()
    suspensions = [
        Suspension(
            user_id=town.another.id,
            post_id=post.id,
            # The last five indefinitely: the year 9999 fits in a cursor too.
            until=INDEFINITELY if number >= 25 else now + timedelta(days=30 - number),
            reason="Unkind.",
        )
        for number, post in enumerate(posts)
    ]
    db.session.add_all(suspensions)
    db.session.commit()
    moderator = town.device(town.moderator)

    pages = every_page(moderator, "suspensions")

    assert [len(items) for items in pages] == [25, 5]
    shown = [item.get("id") for items in pages for item in items]
    expected = sorted(suspensions, key=lambda s: (s.until, s.id))
    assert shown == [f"suspension-{suspension.id}" for suspension in expected]
    assert heading(page(moderator, "/mod"), "suspensions") == "Suspensions in force (30)"


def test_reveal_requests_come_25_to_a_page(town):
    posts = replies(town, 30, anonymous=True)
    db.session.add_all(
        RevealRequest(post_id=post.id, requested_by_id=town.admin.id, reason="In danger.")
        for post in posts
    )
    db.session.commit()
    moderator = town.device(town.moderator)

    pages = every_page(moderator, "reveals")

    assert [len(items) for items in pages] == [25, 5]
    title = "Requests to see who wrote a post (30)"
    assert heading(page(moderator, "/mod"), "reveals") == title


def test_an_empty_queue_says_so_and_offers_no_more_links(town):
    tree = page(town.device(town.moderator), "/mod")

    assert heading(tree, "reports") == "Reports (0)"
    assert "No open reports." in tree.text
    assert not [a for a in tree.iter("a") if "section=" in (a.get("href") or "")]


@pytest.mark.parametrize(
    "query",
    [
        "section=everything",
        "section=reports&after=abc",
        "section=reports&after=1-2-3",  # a cursor of another section
        "section=reports&after=2-1-1-1",
        "section=reports&after=1-0-1-1",
        "section=reports&after=0-1-" + "9" * 18 + "-1",  # past any date
        "section=waiting&after=0",
        "section=waiting&after=-1",
        "section=waiting&after=" + str(2**31),
        "section=suspensions&after=12",
        "section=reveals&after=1-1",
    ],
)
def test_a_nonsense_page_of_the_queue_is_a_404(town, query):
    assert town.device(town.moderator).get(f"/mod?{query}").status_code == 404


def test_guests_and_members_get_no_page_of_the_queue(town):
    url = "/mod?section=reports&after=0-1-1-1"

    assert town.device(None).get(url).status_code in (302, 404)
    assert town.device(town.reader).get(url).status_code in (403, 404)


# --- cost ---------------------------------------------------------------------------------


def statements_for_queue(town, count_queries) -> int:
    moderator = town.device(town.moderator)
    with count_queries() as statements:
        response = moderator.get("/mod")
    assert response.status_code == 200
    return len(statements)


def fill_every_section(town, how_many: int) -> None:
    reported = replies(town, how_many)
    report_each(reported, town.author)
    report_each(reported[: how_many // 2], town.reader, ReportReason.AT_RISK)
    replies(town, how_many, awaiting_approval=True)
    hidden = replies(town, how_many, anonymous=True)
    db.session.add_all(
        Suspension(user_id=town.another.id, post_id=post.id, until=INDEFINITELY, reason="x")
        for post in reported
    )
    db.session.add_all(
        RevealRequest(post_id=post.id, requested_by_id=town.admin.id, reason="y" * 30)
        for post in hidden
    )
    db.session.commit()


def test_the_queue_costs_the_same_for_3_items_a_section_as_for_120(town, count_queries):
    fill_every_section(town, 3)
    few = statements_for_queue(town, count_queries)

    fill_every_section(town, 117)
    many = statements_for_queue(town, count_queries)

    assert many == few
    tree = page(town.device(town.moderator), "/mod")
    assert heading(tree, "reports") == "Reports (120)"
    assert all(len(items_in(tree, section)) == QUEUE_PAGE_SIZE for section in SECTION_TITLES)
