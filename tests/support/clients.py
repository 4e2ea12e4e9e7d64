"""Test clients that stand for devices: a guest's, or one a member is signed in on."""

from flask import Flask
from flask.testing import FlaskClient

from forum.accounts import sign_ins
from forum.database import db
from forum.models import User

# The headers htmx sends when it asks for part of a page.
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an application context of its own.

    The `app` fixture keeps one context pushed for the whole test, and Flask would reuse it for
    each request: `g` (where Flask-Login keeps the member it loaded) and the database session
    would then be shared by every request and every client, so one device could look logged in
    because another one was. Here each request starts clean, as it does in production.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: on SQLite it would hold the write lock against
        # the request's, and it would read an old snapshot of what the request wrote.
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def device(app: Flask) -> FlaskClient:
    """A new browser on a new device: no cookies, nobody logged in."""
    return app.test_client()


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A device on which `user` is logged in, as the login form would leave it: a sign-in of
    its own, which the session names."""
    client = device(app)
    token = sign_ins.begin(user, user_agent="", remember=False)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def is_logged_in(client: FlaskClient) -> bool:
    """Whether the settings page opens for this client (a guest is sent to log in)."""
    response = client.get("/settings")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False
