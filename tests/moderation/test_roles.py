"""Moderation roles, enforced on the server: guests are sent to log in, members are refused,
nothing changes for either; moderators cannot act on admins; nobody suspends themselves.

The other moderation tests beside this file: test_removal.py (remove, restore, lock, pin),
test_reports.py (reports and the queue), test_suspension.py, test_approval.py (first posts),
test_reveal.py (break-glass) and test_public_log.py (the public log)."""

from datetime import timedelta

import pytest
from support.clients import PARTIAL
from support.config import forum_config
from support.content import reply, start_thread
from support.members import make_member
from support.moderation import (
    SECOND_ADMIN,
    actions,
    flashed,
    lift_suspension,
    remove,
    restore,
    suspend_author,
)
from support.pages import html_of, notice, parse
from support.rows import all_stored_text, fresh

from forum import create_app
from forum.database import db, utcnow
from forum.models import (
    INDEFINITELY,
    Post,
    Report,
    ReportReason,
    RevealRequest,
    Role,
    Suspension,
    ThreadKind,
    User,
)


@pytest.fixture
def everything(town):
    """One of each thing a moderation route acts on: a reported post, a removed post, a post
    waiting for approval, a suspended member, and an anonymous post with a reveal request."""
    db.session.add(Report(post_id=town.harsh.id, reporter_id=town.author.id, reason="harassment"))
    removed = reply(town.story, town.another, "Buy cheap watches here.")
    removed.removed_at = utcnow()
    removed.removal_reason = "spam"
    waiting = town.story.reply(make_member("newcomer"), "Hello, I am new.", awaiting_approval=True)
    suspended = make_member("Sulky", suspended_until=INDEFINITELY, suspension_reason="Cooling off.")
    hidden = town.story.reply(town.reader, "I can't say this under my name.", anonymous=True)
    sulkys = reply(town.story, suspended, "Whatever.")
    db.session.flush()
    suspension = Suspension(user_id=suspended.id, post_id=sulkys.id, until=INDEFINITELY)
    db.session.add(suspension)
    second_admin = make_member(SECOND_ADMIN, Role.ADMIN)
    reveal = RevealRequest(post_id=hidden.id, requested_by_id=second_admin.id, reason="x" * 30)
    db.session.add(reveal)
    db.session.commit()
    return {
        "harsh": town.harsh.id,
        "removed": removed.id,
        "waiting": waiting.id,
        "hidden": hidden.id,
        "thread": town.story.thread_id,
        "suspension": suspension.id,
        "reveal": reveal.id,
    }


# The one page under /mod that everyone may read.
PUBLIC_UNDER_MOD = {"/mod/log"}


def moderator_routes() -> list[tuple[str, str]]:
    """(method, rule) of every route under /mod but the public log, read from the app's own
    URL map: a route added there is checked here without anyone listing it."""
    app = create_app(forum_config("sqlite://"))
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/mod") and rule.rule not in PUBLIC_UNDER_MOD
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


MODERATOR_ROUTES = moderator_routes()
# What a route acts on, in the `everything` fixture, where a reported reply, the thread, the
# suspended member or the reveal request isn't the natural thing; and what its form sends.
TARGETS = {
    "/mod/posts/<id:post_id>/restore": "removed",
    "/mod/posts/<id:post_id>/approve": "waiting",
    "/mod/posts/<id:post_id>/reveal": "hidden",
}
FORMS = {
    ("POST", "/mod/posts/<id:post_id>/remove"): {"reason": "harassment"},
    ("POST", "/mod/posts/<id:post_id>/dismiss"): {"from": "queue"},
    ("POST", "/mod/posts/<id:post_id>/approve"): {"from": "queue"},
    ("POST", "/mod/posts/<id:post_id>/suspend-author"): {"duration": "7", "reason": "Be kind."},
    ("POST", "/mod/threads/<id:thread_id>/lock"): {"reason": "Heated."},
    ("POST", "/mod/posts/<id:post_id>/reveal"): {"reason": "Someone's life may depend on this."},
}


def url_of_rule(rule: str, everything: dict) -> str:
    values = {
        "<id:post_id>": everything[TARGETS.get(rule, "harsh")],
        "<id:thread_id>": everything["thread"],
        "<id:request_id>": everything["reveal"],
        "<id:suspension_id>": everything["suspension"],
    }
    for placeholder, value in values.items():
        rule = rule.replace(placeholder, str(value))
    assert "<" not in rule, f"{rule}: a new kind of argument; give it a value above"
    return rule


def test_every_route_under_mod_is_the_moderators_blueprints():
    """The moderators' blueprint checks the role before every request; a route under /mod in
    any other blueprint would skip that check."""
    app = create_app(forum_config("sqlite://"))
    blueprints = {
        rule.endpoint.split(".")[0]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/mod") and rule.rule not in PUBLIC_UNDER_MOD
    }
    assert MODERATOR_ROUTES
    assert blueprints == {"moderation"}


@pytest.mark.parametrize(
    ("method", "rule"),
    MODERATOR_ROUTES,
    ids=[f"{method} {rule}" for method, rule in MODERATOR_ROUTES],
)
def test_guests_log_in_first_and_members_are_refused_on_every_moderation_route(
    app, town, everything, method, rule
):
    # CSRF off here: the role check itself is under test (a POST without a token is refused
    # anyway, see test_a_moderator_post_without_a_csrf_token_is_refused).
    app.config["WTF_CSRF_ENABLED"] = False
    url = url_of_rule(rule, everything)
    data = FORMS.get((method, rule), {})
    suspended_moderator = make_member(
        "Larch", Role.MODERATOR, suspended_until=utcnow() + timedelta(days=1)
    )
    # Each device signed in first: signing in writes a sign-in, which isn't the request's doing.
    guest, member, member_htmx, suspended = (
        town.device(user) for user in (None, town.author, town.author, suspended_moderator)
    )
    before = all_stored_text()

    as_guest = guest.open(url, method=method, data=data)
    as_member = member.open(url, method=method, data=data)
    as_member_htmx = member_htmx.open(
        url,
        method=method,
        data={**data, "from": "queue"},
        headers=PARTIAL,
    )
    as_suspended_moderator = suspended.open(url, method=method, data=data)

    assert as_guest.status_code == 302
    assert as_guest.headers["Location"].startswith("/login?next=")
    for refused in (as_member, as_member_htmx):
        assert refused.status_code == 403
        assert "This is for moderators." in html_of(refused)
    assert as_suspended_moderator.status_code == 403
    assert "Your account is suspended" in html_of(as_suspended_moderator)
    assert all_stored_text() == before
    # The same request from an admin passes the role check.
    as_admin = town.device(town.admin).open(url, method=method, data=data)
    assert as_admin.status_code != 302 or not as_admin.headers["Location"].startswith("/login")
    assert "This is for moderators." not in html_of(as_admin)


def test_a_moderator_post_without_a_csrf_token_is_refused(town):
    moderator = town.device(town.moderator)
    before = all_stored_text()

    for headers in (None, PARTIAL):
        response = moderator.post(
            f"/mod/posts/{town.harsh.id}/remove", data={"reason": "spam"}, headers=headers
        )
        assert response.status_code == 400

    assert all_stored_text() == before
    assert remove(moderator, town.harsh).status_code == 303  # with the page's token, it works


@pytest.fixture
def admins_post(town):
    return reply(town.story, town.admin, "A note from the admin.")


def test_a_moderator_cannot_remove_an_admins_post(town, admins_post):
    moderator = town.device(town.moderator)

    page = flashed(moderator, remove(moderator, admins_post, "spam"))
    htmx = remove(moderator, admins_post, "spam", htmx=True)

    assert "This needs an admin." in notice(page)
    assert htmx.status_code == 403
    assert "This needs an admin." in parse(html_of(htmx)).text
    assert fresh(Post, admins_post.id).removed_at is None
    assert actions() == []


def test_a_moderator_cannot_suspend_an_admin(town, admins_post):
    moderator = town.device(town.moderator)

    page = flashed(moderator, suspend_author(moderator, admins_post, "indefinitely"))

    assert "This needs an admin." in notice(page)
    assert fresh(User, town.admin.id).suspended_until is None
    assert actions() == []


def test_a_moderator_cannot_lift_an_admins_suspension(town):
    suspended_admin = make_member(SECOND_ADMIN, Role.ADMIN, suspended_until=INDEFINITELY)
    named = reply(town.story, suspended_admin, "Said under my name.")
    db.session.add(Suspension(user_id=suspended_admin.id, post_id=named.id, until=INDEFINITELY))
    db.session.commit()
    moderator = town.device(town.moderator)

    page = flashed(moderator, lift_suspension(moderator, named))

    assert "This needs an admin." in notice(page)
    assert fresh(User, suspended_admin.id).suspended_until == INDEFINITELY
    assert actions() == []


def test_an_admin_can_act_on_another_admins_post(town, admins_post):
    """The refusals above are about the moderator's role, not about admins' posts as such."""
    other_admin = town.device(make_member(SECOND_ADMIN, Role.ADMIN))

    assert remove(other_admin, admins_post, "off-topic").status_code == 303

    assert fresh(Post, admins_post.id).removed_at is not None
    assert [action.action for action in actions()] == ["remove"]


def test_a_moderator_cannot_restore_an_admins_post(town, admins_post):
    other_admin = town.device(make_member(SECOND_ADMIN, Role.ADMIN))
    remove(other_admin, admins_post, "off-topic")
    moderator = town.device(town.moderator)

    page = flashed(moderator, restore(moderator, admins_post))

    assert "This needs an admin." in notice(page)
    assert fresh(Post, admins_post.id).removed_at is not None


def test_a_moderator_cannot_restore_their_own_post_an_admin_removed(town):
    own = reply(town.story, town.moderator, "Something I should not have written.")
    admin = town.device(town.admin)
    remove(admin, own, "harmful")
    moderator = town.device(town.moderator)

    page = flashed(moderator, restore(moderator, own))

    assert "your own account or posts" in notice(page)
    assert fresh(Post, own.id).removed_at is not None


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_nobody_can_suspend_themselves(town, role):
    staff = town.moderator if role == Role.MODERATOR else town.admin
    own = start_thread(ThreadKind.DISCUSSION, "A question", "What helps you sleep?", staff)
    device = town.device(staff)

    page = flashed(device, suspend_author(device, own, "1", "Testing."))
    htmx = suspend_author(device, own, "1", "Testing.", htmx=True, data={"from": "queue"})

    assert "You can't take this action on your own account or posts." in notice(page)
    assert htmx.status_code == 403
    assert "your own account" in html_of(htmx)
    assert fresh(User, staff.id).suspended_until is None
    assert actions() == []


def test_nobody_can_lift_their_own_suspension(town):
    """A moderator suspended by an admin stays suspended until someone else lifts it: while
    suspended, they can't moderate at all, and are told why."""
    until = utcnow() + timedelta(days=3)
    town.moderator.suspended_until = until
    own = reply(town.story, town.moderator, "Something I regret.")
    db.session.add(Suspension(user_id=town.moderator.id, post_id=own.id, until=until))
    db.session.commit()
    moderator = town.device(town.moderator)

    response = lift_suspension(moderator, own)

    assert response.status_code == 403
    assert "Your account is suspended" in html_of(response)
    assert moderator.get("/mod").status_code == 403
    assert fresh(User, town.moderator.id).is_suspended
    assert actions() == []


def test_a_moderator_cannot_remove_their_own_post(town):
    """Removal is for others' posts; one's own can be deleted, which is on the record as such."""
    own = reply(town.story, town.moderator, "My own reply.")
    moderator = town.device(town.moderator)

    page = flashed(moderator, remove(moderator, own, "spam"))

    assert "your own account or posts" in notice(page)
    assert fresh(Post, own.id).removed_at is None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ADMIN])
def test_an_anonymous_posts_author_changes_no_answer(town, role):
    """Every anonymous post is treated alike: were an admin's refused ("This needs an admin."),
    the refusal would tell the moderator who wrote it. The same answers, whoever the author."""
    author = {Role.MEMBER: town.another, Role.MODERATOR: None, Role.ADMIN: town.admin}[role]
    author = author or make_member("Other_mod", Role.MODERATOR)
    hidden = town.story.reply(author, "Said without my name.", anonymous=True)
    db.session.commit()
    moderator = town.device(town.moderator)

    answers = [
        remove(moderator, hidden, "spam", htmx=True),
        restore(moderator, hidden, htmx=True),
        suspend_author(moderator, hidden, "1", "Please be kind.", htmx=True),
        lift_suspension(moderator, hidden),
    ]

    assert [response.status_code for response in answers] == [200, 200, 200, 303]
    for response in answers:
        assert "This needs an admin" not in html_of(response)
        assert author.pseudonym not in html_of(response)
    assert "Lifted." in notice(flashed(moderator, answers[-1]))
    assert [action.action for action in actions()] == ["remove", "restore", "suspend", "unsuspend"]
    assert not fresh(User, author.id).is_suspended


def test_every_report_reason_is_offered_to_members(town):
    """A member's report page offers each reason, including someone being at risk."""
    tree = parse(html_of(town.device(town.author).get(f"/p/{town.harsh.id}/report")))
    values = {e.get("value") for e in tree.iter("input") if e.get("name") == "reason"}

    assert values == {reason.value for reason in ReportReason}
    assert "Someone may be at risk" in tree.text
