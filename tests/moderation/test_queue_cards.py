"""One card per post in the moderators' queue, whatever state the post is in: reported once or
many times, waiting for approval, flagged at risk, under a content warning. Each card carries
the actions that apply to its post, each action says exactly what it did, no id repeats on
the page (nor when htmx adds a later page of a section to it), and text that could hurt is
folded in every section."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from support.clients import PARTIAL
from support.content import reply, start_thread
from support.forms import send_reply
from support.moderation import (
    actions,
    approve,
    dismiss,
    file_reports,
    flashed,
    item_post_id,
    open_reports,
    queue_section,
    remove,
    reported_items,
    send,
    suspend_author,
    waiting_items,
)
from support.pages import Element, html_of, notice, page, parse
from support.rows import fresh

from forum.database import db, utcnow
from forum.models import Post, Report, ReportReason, ThreadKind

CRISIS = "Some nights I want to die, and I can't see a way through any more."
STILL_WAITING = "The post is still waiting for approval: only its author and moderators see it."


pytestmark = pytest.mark.usefixtures("first_posts_wait")


def at_risk_first_post(town, newcomer) -> Post:
    """A new member's first reply, in words of risk: held for approval, and reported at risk by
    the forum's own check, as it is when written through the form."""
    response = send_reply(town.device(newcomer), town.story.id, CRISIS)
    assert response.status_code == 303
    post = db.session.scalars(select(Post).where(Post.body == CRISIS)).one()
    assert post.awaiting_approval and post.may_be_at_risk
    return post


def waiting_reply(town, newcomer, body: str = "Hello, I'm new here.", **fields) -> Post:
    return reply(town.story, newcomer, body, awaiting_approval=True, **fields)


def cards_of(tree: Element, post: Post) -> list[Element]:
    return [
        li
        for li in tree.find_all("li", class_="queue-item")
        if li.get("id") and item_post_id(li) == post.id
    ]


def buttons(card: Element) -> list[str]:
    return [button.text for button in card.iter("button")]


def repeated_ids(*trees: Element) -> list[str]:
    ids = Counter(e.get("id") for tree in trees for e in tree.iter() if e.get("id"))
    return [id_ for id_, times in ids.items() if times > 1]


def answer_of(response) -> Element:
    """An htmx answer from the queue: the card (or the outcome) it puts in the card's place."""
    assert "<html" not in html_of(response)
    [item] = parse(html_of(response)).find_all("li", class_="queue-item")
    return item


def message_in(card: Element) -> str:
    said = card.find("p", class_="notice")
    return said.text if said else ""


# --- one card per post ----------------------------------------------------------------------


def test_a_new_members_post_reported_at_risk_has_one_card_with_every_action(town, newcomer):
    file_reports(town.harsh, ReportReason.SPAM, ReportReason.SPAM)  # older, and reported twice
    post = at_risk_first_post(town, newcomer)
    tree = page(town.device(town.moderator), "/mod")

    [card] = cards_of(tree, post)

    reports = queue_section(tree, "reports-title").find_all("li", class_="queue-item")
    assert [item_post_id(item) for item in reports] == [post.id, town.harsh.id]  # at risk first
    assert card is reports[0]
    assert card.get("id") == f"report-{post.id}"
    meta = card.find("p", class_="meta")
    assert [tag.text for tag in meta.find_all("span")] == ["May be at risk", "Waiting for approval"]
    assert "1 report: Someone may be at risk" in meta.text
    assert buttons(card) == ["Approve", "Dismiss the reports", "Remove", "Suspend"]
    assert waiting_items(town.device(town.moderator)) == []
    assert "Waiting for approval (0)" in tree.text
    assert repeated_ids(tree) == []


def test_each_card_offers_only_the_actions_that_apply(town, newcomer):
    waiting = waiting_reply(town, newcomer)
    file_reports(town.harsh, ReportReason.HARASSMENT)
    tree = page(town.device(town.moderator), "/mod")

    [waiting_card] = cards_of(tree, waiting)
    [reported_card] = cards_of(tree, town.harsh)

    assert waiting_card.get("id") == f"waiting-{waiting.id}"
    assert buttons(waiting_card) == ["Approve", "Remove", "Suspend"]
    assert buttons(reported_card) == ["Dismiss the reports", "Remove", "Suspend"]
    assert "Waiting for approval" not in reported_card.find("p", class_="meta").text


def test_a_waiting_post_joins_the_waiting_list_once_its_reports_are_dismissed(town, newcomer):
    post = waiting_reply(town, newcomer)
    file_reports(post, ReportReason.SPAM)
    moderator = town.device(town.moderator)
    assert [item_post_id(i) for i in reported_items(moderator)] == [post.id]
    assert waiting_items(moderator) == []

    dismiss(moderator, post)

    assert reported_items(moderator) == []
    assert [item_post_id(i) for i in waiting_items(moderator)] == [post.id]


def test_a_post_flagged_at_risk_and_reported_again_comes_first_as_its_card_says(town, newcomer):
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.HARASSMENT)
    post = at_risk_first_post(town, newcomer)
    moderator = town.device(town.moderator)
    dismiss(moderator, post)  # the risk report, dealt with; the post stays flagged
    file_reports(post, ReportReason.SPAM)  # the newest report, and the only one

    items = reported_items(moderator)

    assert [item_post_id(item) for item in items] == [post.id, town.harsh.id]
    assert "May be at risk" in items[0].find("p", class_="meta").text


# --- what each action says ------------------------------------------------------------------


def test_dismissing_the_reports_on_a_waiting_post_says_it_still_waits(town, newcomer):
    post = waiting_reply(town, newcomer)
    file_reports(post, ReportReason.SPAM, ReportReason.HARASSMENT)
    moderator = town.device(town.moderator)

    plain = dismiss(moderator, post)

    assert notice(flashed(moderator, plain)) == f"2 reports dismissed. {STILL_WAITING}"
    assert fresh(Post, post.id).awaiting_approval


def test_with_htmx_dismissing_a_waiting_posts_reports_leaves_its_card_to_approve(town, newcomer):
    post = waiting_reply(town, newcomer)
    file_reports(post, ReportReason.SPAM)

    response = send(
        town.device(town.moderator),
        f"/mod/posts/{post.id}/dismiss",
        {"from": "queue", "card": f"report-{post.id}"},
        htmx=True,
    )

    assert response.status_code == 200
    card = answer_of(response)
    assert card.get("id") == f"report-{post.id}"  # in the place of the card acted on
    assert "done" not in card.classes
    assert message_in(card) == f"1 report dismissed. {STILL_WAITING}"
    assert card.find("p", class_="notice").get("role") == "status"
    assert buttons(card) == ["Approve", "Remove", "Suspend"]


def test_dismissing_reports_that_are_gone_says_so_and_logs_nothing(town):
    file_reports(town.harsh, ReportReason.SPAM)
    moderator = town.device(town.moderator)
    dismiss(town.device(town.admin), town.harsh)  # another moderator, first

    response = dismiss(moderator, town.harsh)

    assert notice(flashed(moderator, response)) == (
        "No reports to dismiss: this post has no open reports. The post stays up."
    )
    assert [action.action for action in actions()] == ["dismiss-reports"]


def test_approving_a_reported_post_keeps_its_reports_open_and_says_so(town, newcomer):
    """Approving says the post may be seen, not that what it was reported for (someone who may
    be at risk) was dealt with: its reports stay, and its card with them."""
    post = at_risk_first_post(town, newcomer)
    moderator = town.device(town.moderator)

    data = {"from": "queue", "card": f"report-{post.id}"}

    response = send(moderator, f"/mod/posts/{post.id}/approve", data, htmx=True)

    card = answer_of(response)
    assert message_in(card) == (
        "Approved: everyone can see it now. Its report is still open: dismiss it, or remove "
        "the post."
    )
    assert buttons(card) == ["Dismiss the reports", "Remove", "Suspend"]
    assert "Waiting for approval" not in card.text
    assert not fresh(Post, post.id).awaiting_approval
    assert open_reports(post) == 1
    assert CRISIS in page(town.device(None), town.thread_url).text
    [item] = reported_items(moderator)
    assert item_post_id(item) == post.id


def test_approving_a_post_that_only_waits_answers_the_outcome_alone(town, newcomer):
    post = waiting_reply(town, newcomer)

    response = approve(town.device(town.moderator), post, htmx=True)

    outcome = answer_of(response)
    assert "done" in outcome.classes
    assert outcome.text == "Approved: everyone can see it now."


def test_approving_a_post_that_no_longer_waits_says_so(town, newcomer):
    post = waiting_reply(town, newcomer)
    moderator = town.device(town.moderator)
    approve(town.device(town.admin), post)

    response = approve(moderator, post)

    assert notice(flashed(moderator, response)) == (
        "This post isn't waiting for approval. The post stays up."
    )


def test_a_removed_waiting_post_is_not_approved(town, newcomer):
    post = waiting_reply(town, newcomer)
    moderator = town.device(town.moderator)
    flashed(moderator, remove(moderator, post, "spam"))

    response = approve(moderator, post)

    assert notice(flashed(moderator, response)) == (
        "This post was removed: restore it first, if it should be seen."
    )
    assert fresh(Post, post.id).awaiting_approval


def test_suspending_from_a_waiting_posts_card_says_its_reports_closed_and_it_still_waits(
    town, newcomer
):
    post = waiting_reply(town, newcomer)
    file_reports(post, ReportReason.HARASSMENT)

    response = suspend_author(
        town.device(town.moderator),
        post,
        "indefinitely",
        htmx=True,
        data={"from": "queue", "card": f"report-{post.id}"},
    )

    card = answer_of(response)
    assert message_in(card) == (
        "Suspended until further notice: the account behind that post, if it still exists, "
        f"can read but not post, reply, react or report. Its report is closed. {STILL_WAITING}"
    )
    assert buttons(card) == ["Approve", "Remove", "Suspend"]
    assert open_reports(post) == 0


def test_removing_from_the_queue_says_how_many_reports_it_closed(town):
    file_reports(town.harsh, ReportReason.HARASSMENT, ReportReason.SPAM, ReportReason.SPAM)
    moderator = town.device(town.moderator)

    url = f"/mod/posts/{town.harsh.id}/remove"

    response = send(moderator, url, {"reason": "spam", "from": "queue"})

    assert response.headers["Location"] == "/mod"
    assert notice(flashed(moderator, response)) == (
        "Removed. The text is kept for moderators and a restore. Its 3 reports are closed."
    )


def test_a_refused_action_keeps_the_card_with_the_reason(town):
    file_reports(town.harsh, ReportReason.HARASSMENT)

    response = send(
        town.device(town.moderator),
        f"/mod/posts/{town.harsh.id}/remove",
        {"reason": "", "from": "queue", "card": f"report-{town.harsh.id}"},
        htmx=True,
    )

    assert response.status_code == 403
    card = answer_of(response)
    assert card.get("id") == f"report-{town.harsh.id}"
    assert card.find("p", class_="notice").get("role") == "alert"
    assert buttons(card) == ["Dismiss the reports", "Remove", "Suspend"]


@pytest.mark.parametrize(
    "sent",
    ["waiting-{other}", "report-{id}-x", 'report-{id}" onclick="x', "", "report-{id}-after-1-2"],
)
def test_a_card_id_the_queue_did_not_make_is_not_used(town, sent):
    file_reports(town.harsh, ReportReason.HARASSMENT)
    file_reports(town.answer, ReportReason.HARASSMENT)
    card = sent.format(id=town.harsh.id, other=town.answer.id)

    response = send(
        town.device(town.moderator),
        f"/mod/posts/{town.harsh.id}/remove",
        {"reason": "", "from": "queue", "card": card},
        htmx=True,
    )

    expected = card if card.endswith("after-1-2") else f"report-{town.harsh.id}"
    assert answer_of(response).get("id") == expected


# --- ids unique on every page ---------------------------------------------------------------


def spam_replies(town, how_many: int, **fields) -> list[Post]:
    posts = [
        reply(town.story, town.another, f"Reply number {n}.", commit=False, **fields)
        for n in range(how_many)
    ]
    db.session.commit()
    return posts


def report_oldest_first(posts: list[Post], reporter) -> None:
    start = utcnow() - timedelta(hours=len(posts) + 1)
    db.session.add_all(
        Report(
            post_id=post.id,
            reporter_id=reporter.id,
            reason=ReportReason.SPAM,
            created_at=start + timedelta(hours=n),
        )
        for n, post in enumerate(posts)
    )
    db.session.commit()


def more(client, tree: Element, section: str) -> Element:
    """The next page of `section`, as htmx asks for it in place of the "More" link."""
    link = tree.by_id(f"more-{section}").find("a")
    response = client.get(link.get("data-hx-get"), headers=PARTIAL)
    assert response.status_code == 200
    return parse(html_of(response))


def test_no_id_repeats_on_the_queue_nor_when_htmx_adds_later_pages(town, newcomer):
    reported = spam_replies(town, 30)
    report_oldest_first(reported, town.author)
    waiting = spam_replies(town, 30, awaiting_approval=True)
    moderator = town.device(town.moderator)
    first = page(moderator, "/mod")
    assert repeated_ids(first) == []

    # While the moderator reads: a post of the first page is dealt with by someone else and
    # reported again (now the newest, on the next page), and a waiting post they can see is
    # reported (now among the reports, on their next page too).
    dismiss(town.device(town.admin), reported[0])
    for post in (reported[0], waiting[0]):
        db.session.add(Report(post_id=post.id, reporter_id=town.reader.id, reason="spam"))
    db.session.commit()

    later_reports = more(moderator, first, "reports")
    later_waiting = more(moderator, first, "waiting")

    moved = [item_post_id(item) for item in later_reports.find_all("li", class_="queue-item")]
    assert reported[0].id in moved and waiting[0].id in moved  # shown twice: once stale
    assert repeated_ids(first, later_reports, later_waiting) == []


def test_every_id_in_a_card_of_a_later_page_starts_with_the_cards_own(town):
    report_oldest_first(spam_replies(town, 26), town.author)
    moderator = town.device(town.moderator)

    later = more(moderator, page(moderator, "/mod"), "reports")

    [card] = later.find_all("li", class_="queue-item")
    key = card.get("id")
    assert key.startswith(f"report-{item_post_id(card)}-after-")
    inner = [e.get("id") for e in card.iter() if e.get("id") and e is not card]
    assert inner and all(id_.startswith(f"{key}-") for id_ in inner)
    for form in card.iter("form"):
        assert form.get("data-hx-target") == f"#{key}"
        [sent] = [i.get("value") for i in form.iter("input") if i.get("name") == "card"]
        assert sent == key


# --- folded text, in every section ----------------------------------------------------------


def folded(card: Element) -> tuple[bool, str]:
    body = card.find("div", class_="prose")
    details = next((a for a in body.ancestors() if a.tag == "details"), None)
    if details is None:
        return False, ""
    return "open" not in details.attrs, details.find("summary").text


def test_text_under_a_content_warning_or_at_risk_is_folded_in_the_waiting_list(town, newcomer):
    warned = waiting_reply(town, newcomer, "What happened that night.", content_warning="Abuse")
    opening = start_thread(
        ThreadKind.STORY, "Losing my dad", "He died in March.", newcomer, content_warning="Grief"
    )
    opening.awaiting_approval = True
    plain = waiting_reply(town, newcomer, "Hello, I'm new here.")
    db.session.commit()
    flagged = at_risk_first_post(town, newcomer)
    dismiss(town.device(town.moderator), flagged)  # back among the waiting, still flagged

    items = {item_post_id(i): i for i in waiting_items(town.device(town.moderator))}

    assert set(items) == {warned.id, opening.id, plain.id, flagged.id}
    assert folded(items[warned.id]) == (True, "Content warning (Abuse) Show")
    assert folded(items[opening.id]) == (True, "Content warning (Grief) Show")
    assert folded(items[flagged.id]) == (True, "Content warning (The writer may be at risk) Show")
    assert "May be at risk" in items[flagged.id].find("p", class_="meta").text
    assert folded(items[plain.id]) == (False, "")


def test_a_reported_opening_post_is_folded_behind_its_threads_warning(town):
    opening = start_thread(
        ThreadKind.STORY,
        "Losing my dad",
        "He died in March.",
        town.another,
        content_warning="Grief",
    )
    file_reports(opening, ReportReason.SPAM)

    [item] = reported_items(town.device(town.moderator))

    assert folded(item) == (True, "Content warning (Grief) Show")
