"""The public moderation log at /mod/log: every action with its time, the moderator's role,
the reason category and a link; never removed text, never the member acted on, never an
anonymous author; monthly counts at the top; older actions a page at a time."""

import re
from datetime import timedelta

import pytest
from support.clients import PARTIAL
from support.content import reply
from support.members import make_member
from support.moderation import (
    ADMIN,
    ANOTHER,
    MODERATOR,
    READER,
    REPLY_BODY,
    STORY_BODY,
    actions,
    approve,
    dismiss,
    file_reports,
    lift_suspension,
    lock,
    log_entries,
    pin,
    remove,
    restore,
    send,
    suspend_author,
)
from support.pages import html_of, parse

from forum.database import db, utcnow
from forum.models import ModAction, ModerationAction, ReportReason, RevealRequest
from forum.moderation.queries import LOG_PAGE_SIZE
from forum.web.wording import exact_time

HIDDEN = "quet_wanderer"
OTHER_NOTE = "A link to a paid scheme"


@pytest.fixture
def history(app, town):
    """One of every moderation action, by a moderator and an admin, on named and anonymous
    posts. Returns the expected (role, label, reason, link) of each entry, newest first: those
    that would tell about an account (approvals, suspensions, reveal requests) are only counted,
    never listed."""
    moderator, admin = town.device(town.moderator), town.device(town.admin)
    hidden_author = make_member(HIDDEN)
    hidden = town.story.reply(hidden_author, "Words only I should have written.", anonymous=True)
    newcomer_post = town.story.reply(make_member("Newcomer"), "Hi all.", awaiting_approval=True)
    spam = reply(town.story, town.another, "Cheap watches at my shop.")
    file_reports(town.answer, ReportReason.SPAM)
    thread, t, h = town.thread, f"/t/{town.story.thread_id}", f"/p/{hidden.id}"
    harsh, story = f"/p/{town.harsh.id}", f"/p/{town.story.id}"
    reveal_reason = {"reason": "x" * 40}

    # (the response, then the log entry expected: role, action, reason, link), oldest first
    done = [
        (remove(moderator, town.harsh, "harassment"),
         "A moderator", "Removed a reply", "Harassment", harsh),
        (restore(moderator, town.harsh), "A moderator", "Restored a reply", None, harsh),
        (remove(admin, spam, "other", OTHER_NOTE),
         "An admin", "Removed a reply", "Other", f"/p/{spam.id}"),
        (remove(moderator, hidden, "personal-information"),
         "A moderator", "Removed a reply", "Personal information", h),
        (suspend_author(moderator, hidden, "7", "Sharing someone's address."),
         "A moderator", "Suspended an account", None, h),
        (lift_suspension(admin, hidden), "An admin", "Lifted a suspension", None, None),
        (suspend_author(moderator, town.harsh, "1", "Be kind."),
         "A moderator", "Suspended an account", None, harsh),
        (dismiss(moderator, town.answer),
         "A moderator", "Dismissed reports", None, f"/p/{town.answer.id}"),
        (approve(moderator, newcomer_post),
         "A moderator", "Approved a new member's post", None, f"/p/{newcomer_post.id}"),
        (lock(moderator, thread, "Cooling off"), "A moderator", "Locked a thread", None, t),
        (lock(moderator, thread), "A moderator", "Unlocked a thread", None, t),
        (pin(admin, thread), "An admin", "Pinned a thread", None, t),
        (pin(admin, thread), "An admin", "Unpinned a thread", None, t),
        (send(admin, f"/mod/posts/{hidden.id}/reveal", reveal_reason),
         "An admin", "Asked who wrote an anonymous post", None, h),
        (remove(admin, town.story, "harmful"),
         "An admin", "Removed a thread", "Harmful content", story),
        (restore(admin, town.story), "An admin", "Restored a thread", None, story),
    ]  # fmt: skip
    for response, *_ in done:
        assert response.status_code == 303, response.status_code
    [request] = db.session.scalars(db.select(RevealRequest)).all()
    assert send(moderator, f"/mod/reveals/{request.id}/approve").status_code == 303
    counted_only = {action.label for action in ModAction if action.tells_about_an_account}
    expected = [entry[1:] for entry in done if entry[2] not in counted_only]
    return list(reversed(expected))


def entry_parts(entry) -> tuple[str, str, str | None, str | None]:
    """(who, action, reason, link) of a log entry."""
    text = entry.text
    who, _, rest = text.partition(" · ")[2].partition(": ")
    links = [a.get("href") for a in entry.iter("a")]
    match = re.fullmatch(r"(.+?)(?: \((.+)\))?(?: · where)?", rest)
    return who, match.group(1), match.group(2), links[0] if links else None


def test_every_action_is_in_the_public_log(town, history):
    guest = town.device(None)

    response = guest.get("/mod/log")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    entries = log_entries(html_of(response))
    assert [entry_parts(entry) for entry in entries] == history
    assert {logged.action for logged in actions()} == set(ModAction)  # every kind
    listed = [logged for logged in actions() if not ModAction(logged.action).tells_about_an_account]
    for entry, logged in zip(entries, reversed(listed), strict=True):
        time = entry.find("time")
        assert time.get("datetime") == logged.created_at.isoformat(timespec="minutes")
        assert time.get("title") == exact_time(logged.created_at)


def test_actions_that_would_tell_about_an_account_are_counted_not_listed(town, history):
    """An approval says its author is new; a suspension, that its author is suspended; a reveal
    request, that an admin wants the name. Listed with a link, or even with a place in the
    timeline, each would tell that about an anonymous post's author."""
    html = html_of(town.device(None).get("/mod/log"))
    entries = [entry_parts(entry)[1] for entry in log_entries(html)]

    for action in ModAction:
        if action.tells_about_an_account:
            assert action.label not in entries
            assert f"{action.label}: " in parse(html).by_id("months-title").parent.text


def test_the_log_names_nobody_and_quotes_nothing(town, history):
    html = html_of(town.device(None).get("/mod/log"))
    text = parse(html).text

    for removed in (REPLY_BODY, STORY_BODY, "Cheap watches", "Words only I should", OTHER_NOTE):
        assert removed not in html, removed
    for name in (HIDDEN, READER, ANOTHER, town.author.pseudonym, MODERATOR, ADMIN):
        assert name.casefold() not in html.casefold(), name
    assert "/u/" not in html
    assert "Sharing someone's address" not in text  # the suspension's reason
    assert "x" * 40 not in html  # the reveal request's reason


def test_the_log_names_moderators_only_when_the_site_says_so(app, town, history):
    app.config["MODLOG_SHOWS_MODERATOR_NAMES"] = True

    entries = log_entries(html_of(town.device(None).get("/mod/log")))

    assert {entry_parts(entry)[0] for entry in entries} == {
        f"{MODERATOR} (moderator)",
        f"{ADMIN} (admin)",
    }
    html = html_of(town.device(None).get("/mod/log"))
    for name in (HIDDEN, READER, ANOTHER, town.author.pseudonym):
        assert name.casefold() not in html.casefold(), name


def test_the_log_counts_this_months_actions_by_action_and_reason(town, history):
    tree = parse(html_of(town.device(None).get("/mod/log")))

    section = next(s for s in tree.iter("section") if s.get("aria-labelledby") == "months-title")
    [month] = section.find_all("h3")
    assert month.text == utcnow().strftime("%B %Y")
    counts = dict(
        li.text.rsplit(": ", 1) for li in section.find("ul", class_="month-counts").elements
    )
    assert counts == {
        "Removed a reply: Harassment": "1",
        "Removed a reply: Other": "1",
        "Removed a reply: Personal information": "1",
        "Removed a thread: Harmful content": "1",
        "Restored a reply": "1",
        "Restored a thread": "1",
        "Suspended an account": "2",
        "Lifted a suspension": "1",
        "Dismissed reports": "1",
        "Approved a new member's post": "1",
        "Locked a thread": "1",
        "Unlocked a thread": "1",
        "Pinned a thread": "1",
        "Unpinned a thread": "1",
        "Asked who wrote an anonymous post": "1",
        "Approved a request to see who wrote an anonymous post": "1",
    }
    # The counts sit above the entries.
    titles = [h.get("id") for h in tree.iter("h2")]
    assert titles.index("months-title") < titles.index("entries-title")


def test_last_months_actions_are_counted_under_last_month(town):
    last_month = utcnow().replace(day=1) - timedelta(days=1)
    for reason in ("spam", "spam", "harassment"):
        db.session.add(
            ModerationAction(
                actor_role="moderator", action="remove", reason=reason, created_at=last_month
            )
        )
    db.session.add(ModerationAction(actor_role="admin", action="lock"))
    db.session.commit()

    tree = parse(html_of(town.device(None).get("/mod/log")))

    months = {
        h3.text: [li.text for li in h3.parent.elements[h3.parent.elements.index(h3) + 1].elements]
        for h3 in tree.iter("h3")
    }
    assert months == {
        utcnow().strftime("%B %Y"): ["Locked a thread: 1"],
        last_month.strftime("%B %Y"): [
            "Removed a reply: Spam: 2",
            "Removed a reply: Harassment: 1",
        ],
    }


def test_the_log_is_paged_with_older_actions(town):
    for _ in range(LOG_PAGE_SIZE + 10):
        db.session.add(
            ModerationAction(actor_role="moderator", action="pin", thread_id=town.story.thread_id)
        )
    db.session.commit()
    guest = town.device(None)

    first = parse(html_of(guest.get("/mod/log")))
    entries = log_entries(html_of(guest.get("/mod/log")))
    more = first.by_id("more-log").find("a")

    assert len(entries) == LOG_PAGE_SIZE
    assert more.text == "Older actions"
    # A plain link: a guest's page loads no htmx (a member's would fetch the page in place).
    assert more.get("data-hx-get") is None

    older = guest.get(more.get("href"))
    older_entries = log_entries(html_of(older))
    assert len(older_entries) == 10
    assert parse(html_of(older)).by_id("more-log") is None
    assert parse(html_of(older)).by_id("months-title") is None  # counts on the first page only

    partial = guest.get(more.get("href"), headers=PARTIAL)
    assert partial.status_code == 200
    assert "<html" not in html_of(partial)
    assert len(parse(html_of(partial)).find_all("li")) == 10
    assert "HX-Request-Type" in partial.headers.get("Vary", "")


@pytest.mark.parametrize("before", ["0", "-1", "abc", str(2**31)])
def test_a_nonsense_page_of_the_log_is_a_404(town, before):
    assert town.device(None).get(f"/mod/log?before={before}").status_code == 404


def test_an_empty_log_says_so(town):
    response = town.device(None).get("/mod/log")

    assert response.status_code == 200
    assert "Nothing yet." in parse(html_of(response)).text
