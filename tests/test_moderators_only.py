"""Every moderator's route checks the role on the server: the list of routes comes from the
app's own URL map, so a route added under /mod without the check fails here."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.database import db, utcnow
from forum.models import Role, Thread, ThreadKind, User

# The one page under /mod that everyone may read.
PUBLIC_UNDER_MOD = {"/mod/log"}


def person(pseudonym: str, role: Role, **fields) -> str:
    """A new account; the session token its login would carry."""
    user = User(pseudonym=pseudonym, pseudonym_key=pseudonym.lower(), password_hash="!", role=role)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.add(user)
    db.session.commit()
    return user.session_token


def requests_as(app: Flask, session_token: str | None) -> FlaskClient:
    """A browser of its own, logged in with `session_token` (None: a guest)."""
    client = app.test_client()
    if session_token is not None:
        with client.session_transaction() as session:
            session["_user_id"] = session_token
            session["_fresh"] = True
    return client


def moderator_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, rule) of every route under /mod but the public log."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/mod") or rule.rule in PUBLIC_UNDER_MOD:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule))
    return routes


@pytest.fixture
def scene(app: Flask) -> dict:
    # The role is the subject here, not the CSRF token (which guests don't have).
    app.config["WTF_CSRF_ENABLED"] = False
    person("Hazel", Role.MEMBER)
    author = db.session.scalar(select(User).where(User.pseudonym == "Hazel"))
    opening = Thread.start(ThreadKind.STORY, "A story", "Something happened.", author)
    db.session.commit()
    return {
        "post_id": opening.id,
        "thread_id": opening.thread_id,
        "pseudonym": "Hazel",
        "member": person("Sorrel", Role.MEMBER),
        "moderator": person("Cedar", Role.MODERATOR),
        "suspended": person("Maple", Role.MODERATOR, suspended_until=utcnow() + timedelta(days=1)),
    }


def url_for_rule(rule: str, scene: dict) -> str:
    arguments = {
        "<id:post_id>": str(scene["post_id"]),
        "<id:thread_id>": str(scene["thread_id"]),
        "<id:request_id>": "1",
        "<pseudonym>": scene["pseudonym"],
    }
    for placeholder, value in arguments.items():
        rule = rule.replace(placeholder, value)
    assert "<" not in rule, f"{rule}: a new kind of argument; name a value for it here"
    return rule


def ask(app: Flask, session_token: str | None, method: str, url: str):
    """One request, in an app context of its own as in production (so nobody's login leaks
    into another's request), after the test's own transaction is over (SQLite's write lock)."""
    db.session.commit()
    with app.app_context():
        return requests_as(app, session_token).open(url, method=method)


def test_every_route_under_mod_belongs_to_the_moderators_blueprint(app):
    """The moderators' blueprint checks the role before every request; a route under /mod in
    any other blueprint would skip that check."""
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/mod") and rule.rule not in PUBLIC_UNDER_MOD
    }
    assert endpoints, "no moderator routes found"
    assert {endpoint.split(".")[0] for endpoint in endpoints} == {"moderation"}


def test_guests_are_sent_to_log_in_from_every_moderator_route(app, scene):
    for method, rule in moderator_routes(app):
        response = ask(app, None, method, url_for_rule(rule, scene))
        assert response.status_code == 302, (method, rule, response.status_code)
        assert response.headers["Location"].startswith("/login"), (method, rule)


def test_members_are_refused_every_moderator_route(app, scene):
    for method, rule in moderator_routes(app):
        response = ask(app, scene["member"], method, url_for_rule(rule, scene))
        assert response.status_code == 403, (method, rule, response.status_code)
        assert "This is for moderators." in response.get_data(as_text=True), (method, rule)


def test_a_suspended_moderator_is_refused_every_moderator_route(app, scene):
    for method, rule in moderator_routes(app):
        response = ask(app, scene["suspended"], method, url_for_rule(rule, scene))
        assert response.status_code == 403, (method, rule, response.status_code)
        assert "Your account is suspended" in response.get_data(as_text=True), (method, rule)


def test_moderators_pass_the_check_on_every_moderator_route(app, scene):
    """The refusals above come from the role check, not from routes that refuse everyone."""
    for method, rule in moderator_routes(app):
        response = ask(app, scene["moderator"], method, url_for_rule(rule, scene))
        page = response.get_data(as_text=True)
        assert "This is for moderators." not in page, (method, rule)
        assert not (
            response.status_code == 302 and response.headers["Location"].startswith("/login")
        ), (method, rule)


def test_the_public_log_stays_public(app):
    response = ask(app, None, "GET", "/mod/log")
    assert response.status_code == 200
