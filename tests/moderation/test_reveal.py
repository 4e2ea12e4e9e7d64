"""Break-glass: an admin asks, with a written reason, who wrote an anonymous post; a second
moderator or admin approves; only then is the account shown, and only to the admin who asked.
Both steps are in the public log, which names nobody."""

import pytest
from support.members import make_member
from support.moderation import SECOND_ADMIN, SECOND_MODERATOR, actions, flashed, send
from support.pages import html_of, notice, page, parse
from support.rows import count

from forum.database import db
from forum.models import RevealRequest, Role

HIDDEN = "quet_wanderer"
WHY = "They wrote that they have taken pills tonight; emergency services need to reach them."


@pytest.fixture
def hidden_post(town):
    author = make_member(HIDDEN, days_old=20)
    post = town.story.reply(author, "I won't be here tomorrow.", anonymous=True)
    db.session.commit()
    return post


def ask(client, post, reason: str = WHY):
    return send(client, f"/mod/posts/{post.id}/reveal", {"reason": reason})


def requests() -> list[RevealRequest]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(RevealRequest).order_by(RevealRequest.id)))


def shows_author(html: str) -> bool:
    return HIDDEN.casefold() in html.casefold()


def test_a_moderator_cannot_ask(town, hidden_post):
    moderator = town.device(town.moderator)

    page_refused = moderator.get(f"/mod/posts/{hidden_post.id}/reveal")
    post_refused = ask(moderator, hidden_post)

    for response in (page_refused, post_refused):
        assert response.status_code == 403
        assert "Only an admin can ask who wrote an anonymous post." in html_of(response)
    assert requests() == []
    assert actions() == []
    # Nor is the way to ask offered to them.
    assert f"/mod/posts/{hidden_post.id}/reveal" not in html_of(moderator.get(town.thread_url))


def test_an_admin_is_offered_the_request_on_anonymous_posts_only(town, hidden_post):
    html = html_of(town.device(town.admin).get(town.thread_url))

    assert f"/mod/posts/{hidden_post.id}/reveal" in html
    assert f"/mod/posts/{town.harsh.id}/reveal" not in html


@pytest.mark.parametrize("reason", ["", "   ", "I need to know."])
def test_an_admin_must_give_a_written_reason(town, hidden_post, reason):
    admin = town.device(town.admin)
    assert admin.get(f"/mod/posts/{hidden_post.id}/reveal").status_code == 200

    response = ask(admin, hidden_post, reason)

    assert response.status_code == 422
    error = parse(html_of(response)).by_id("reason-error")
    assert error is not None
    assert error.text in (
        "A written reason is required.",
        "Please explain in 20 to 1,000 characters.",
    )
    assert requests() == []
    assert actions() == []


def test_a_named_post_needs_no_reveal(town):
    response = ask(town.device(town.admin), town.harsh)

    assert response.status_code == 403
    assert "This post isn't anonymous." in parse(html_of(response)).text
    assert requests() == []


def test_the_reveal_takes_a_second_person_and_shows_the_account_to_the_asker_only(
    town, hidden_post
):
    admin = town.device(town.admin)
    second_moderator = make_member(SECOND_MODERATOR, Role.MODERATOR)

    asked = ask(admin, hidden_post)

    [request] = requests()
    assert asked.status_code == 303
    assert asked.headers["Location"] == f"/mod/reveals/{request.id}"
    assert (request.requested_by_id, request.reason, request.approved_at) == (
        town.admin.id,
        WHY,
        None,
    )
    waiting = flashed(admin, asked)
    assert "A second moderator or admin must approve it." in notice(waiting)
    assert "Waiting for a second moderator or admin to approve it." in waiting
    assert not shows_author(waiting)
    assert [(a.action, a.post_id) for a in actions()] == [("reveal-requested", hidden_post.id)]

    # The asker cannot approve their own request, and is not offered to.
    own_queue = page(admin, "/mod")
    assert "Your own request" in own_queue.text
    approve_url = f"/mod/reveals/{request.id}/approve"
    assert approve_url not in {form.get("action") for form in own_queue.iter("form")}
    refused = flashed(admin, send(admin, f"/mod/reveals/{request.id}/approve"))
    assert "A second moderator or admin must approve your own request." in notice(refused)
    assert requests()[0].approved_at is None
    assert not shows_author(html_of(admin.get(f"/mod/reveals/{request.id}")))

    # Another moderator sees the request and its reason, and approves it.
    moderator = town.device(town.moderator)
    queue = page(moderator, "/mod")
    assert f"An admin asks, for this reason: {WHY}" in queue.text
    [form] = [f for f in queue.iter("form") if f.get("action") == approve_url]
    approved = moderator.post(
        form.get("action"), data={"csrf_token": form.find("input").get("value")}
    )
    approver_page = flashed(moderator, approved)
    assert "Approved. Only the admin who asked will see the account." in notice(approver_page)
    assert requests()[0].approved_by_id == town.moderator.id
    assert [a.action for a in actions()] == ["reveal-requested", "reveal-approved"]

    # Only now, and only for the asker, is the account shown.
    answer = admin.get(f"/mod/reveals/{request.id}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert f"written by the account {HIDDEN}" in parse(html_of(answer)).text

    for other, device in (
        ("approver", moderator),
        ("another moderator", town.device(second_moderator)),
        ("another admin", town.device(make_member(SECOND_ADMIN, Role.ADMIN))),
    ):
        response = device.get(f"/mod/reveals/{request.id}")
        assert response.status_code == 403, other
        assert not shows_author(html_of(response)), other
        for url in ("/mod", town.thread_url, f"/p/{hidden_post.id}", "/mod/log"):
            assert not shows_author(html_of(device.get(url))), (other, url)
    assert not shows_author(approver_page)
    for reader in (None, town.author):
        assert not shows_author(html_of(town.device(reader).get("/mod/log")))


def test_an_approved_request_leaves_the_queue_and_cannot_be_approved_twice(town, hidden_post):
    ask(town.device(town.admin), hidden_post)
    [request] = requests()
    moderator = town.device(town.moderator)
    send(moderator, f"/mod/reveals/{request.id}/approve")

    send(town.device(make_member(SECOND_ADMIN, Role.ADMIN)), f"/mod/reveals/{request.id}/approve")

    assert requests()[0].approved_by_id == town.moderator.id
    assert [a.action for a in actions()] == ["reveal-requested", "reveal-approved"]
    assert "Requests to see who wrote a post" not in page(moderator, "/mod").text


def test_each_request_is_its_own(town, hidden_post):
    """Approving one request shows nothing to the asker of another."""
    first_admin = town.device(town.admin)
    other_admin = town.device(make_member(SECOND_ADMIN, Role.ADMIN))
    ask(first_admin, hidden_post)
    ask(other_admin, hidden_post)
    first, second = requests()

    send(town.device(town.moderator), f"/mod/reveals/{first.id}/approve")

    assert shows_author(html_of(first_admin.get(f"/mod/reveals/{first.id}")))
    assert not shows_author(html_of(other_admin.get(f"/mod/reveals/{second.id}")))
    assert other_admin.get(f"/mod/reveals/{first.id}").status_code == 403
    assert count(RevealRequest) == 2
