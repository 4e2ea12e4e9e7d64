"""Helpers for the account tests: members with real passwords and recovery codes, a client
that behaves like a separate device, and the CSRF token a form page hands out."""

import re
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from htmltree import Element, parse
from sqlalchemy import select

from forum.accounts import members, recovery
from forum.database import db
from forum.models import Role, User

PASSWORD = "quiet river at dawn"
NEW_PASSWORD = "lanterns over the bay"
CODE_FORMAT = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}")


class DeviceClient(FlaskClient):
    """A test client whose every request runs in an application context of its own.

    The `app` fixture keeps one context pushed for the whole test, and Flask reuses it for each
    request: `g` (where Flask-Login keeps the member it loaded) and the database session would
    then be shared by every request and every client, so one device could look logged in
    because another one was. Here each request starts clean, as it does in production.
    """

    def open(self, *args, **kwargs):
        # The test's own transaction would hold SQLite's write lock against the request's.
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def device(app: Flask) -> FlaskClient:
    """A new browser on a new device: no cookies, requests isolated as in production."""
    app.test_client_class = DeviceClient
    return app.test_client()


def make_member(
    pseudonym: str, password: str = PASSWORD, role: Role = Role.MEMBER
) -> tuple[User, list[str]]:
    """A member who can log in, with their recovery codes (as the app makes them)."""
    user = members.add_member(pseudonym, password, role)
    codes = recovery.issue_codes(user)
    user.recovery_codes_confirmed = True
    db.session.commit()
    return user, codes


def member_named(pseudonym: str) -> User | None:
    """The member as the database has them now (not as the test's session remembers)."""
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.pseudonym == pseudonym))


def form_inputs(html: str) -> dict[str, Element]:
    return {element.get("name"): element for element in parse(html).iter("input")}


def csrf_token_in(html: str) -> str:
    token = form_inputs(html)["csrf_token"].get("value")
    assert token
    return token


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The token a form page gives this client."""
    return csrf_token_in(client.get(url).get_data(as_text=True))


def submit(client: FlaskClient, url: str, data: dict, form_url: str | None = None, **kwargs):
    """POST `data` to `url` as the form on `form_url` (default: `url`) would."""
    token = csrf_token(client, form_url or url.split("?")[0])
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def log_in(
    client: FlaskClient,
    pseudonym: str,
    password: str = PASSWORD,
    remember: bool = False,
    url: str = "/login",
    **kwargs,
):
    data = {"pseudonym": pseudonym, "password": password}
    if remember:
        data["remember"] = "y"
    return submit(client, url, data, **kwargs)


def join(client: FlaskClient, pseudonym: str, password: str = PASSWORD, again: str | None = None):
    return submit(
        client,
        "/join",
        {
            "pseudonym": pseudonym,
            "password": password,
            "password_again": password if again is None else again,
        },
    )


def recover(client: FlaskClient, pseudonym: str, code: str, password: str = NEW_PASSWORD):
    return submit(
        client,
        "/recover",
        {
            "pseudonym": pseudonym,
            "code": code,
            "new_password": password,
            "new_password_again": password,
        },
    )


def form_posting_to(html: str, path: str) -> Element:
    """The form on a page whose action is `path` (an #anchor after it doesn't matter)."""
    return next(
        form for form in parse(html).iter("form") if urlsplit(form.get("action")).path == path
    )


def settings_post(client: FlaskClient, path: str, values: dict, **kwargs):
    """Send one form of the settings page as the page renders it: its hidden fields as they
    are, and `values` under the names its fields have there (a form's prefix, such as
    "delete-password" for "password", is found on the page)."""
    action = f"/settings/{path}"
    form = form_posting_to(client.get("/settings").get_data(as_text=True), action)
    inputs = list(form.iter("input")) + list(form.iter("textarea"))
    data = {i.get("name"): i.get("value") or "" for i in inputs if i.get("type") == "hidden"}
    names = {i.get("name") for i in inputs}
    for key, value in values.items():
        data[next(n for n in names if n == key or n.endswith("-" + key))] = value
    return client.post(action, data=data, **kwargs)


def is_logged_in(client: FlaskClient) -> bool:
    """Whether the settings page opens for this client (a guest is sent to log in)."""
    response = client.get("/settings")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False


def shown_codes(html: str) -> list[str]:
    """The recovery codes listed on a codes page."""
    listing = parse(html).find("ol", class_="codes")
    assert listing is not None, "no list of recovery codes on the page"
    return [code.text for code in listing.find_all("code")]


def form_problem(html: str) -> str:
    """The message for the whole form ("" when there is none)."""
    box = parse(html).find("div", class_="form-problem")
    return box.text if box else ""


def field_error(html: str, field_id: str) -> str:
    """The message under one field ("" when there is none)."""
    error = parse(html).by_id(f"{field_id}-error")
    return error.text if error else ""


def errors_in_form(html: str, action: str) -> str:
    """Every message in the form that posts to `action` (several forms share a page)."""
    return " ".join(p.text for p in form_posting_to(html, action).find_all(class_="error"))


def all_stored_text() -> str:
    """Every value of every row of every table, as one string, to search for leaks."""
    db.session.expire_all()
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)
