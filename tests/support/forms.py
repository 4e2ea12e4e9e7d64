"""Sending forms as a browser sends them: the page's own form, with its CSRF token and hidden
fields, and what the person typed."""

import re

from flask.testing import FlaskClient

from forum.models import Post, Thread

from .clients import PARTIAL
from .members import NEW_PASSWORD, PASSWORD
from .pages import (
    Element,
    csrf_token_in,
    form_posting_to,
    form_values,
    html_of,
    location,
    page,
    writing_form,
)
from .rows import fresh


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token this client's session is given (on a member's page, when the login page
    sends a member on)."""
    return csrf_token_in(html_of(client.get(url, follow_redirects=True)))


def fill(form: Element, prefix: str = "", **fields) -> dict[str, str]:
    """The form's values with `fields` typed in; True/False tick or untick a box."""
    values = form_values(form)
    for name, value in fields.items():
        key = prefix + name
        if value is True:
            values[key] = "y"
        elif value is False:
            values.pop(key, None)
        else:
            values[key] = value
    return values


def submit(client: FlaskClient, url: str, data: dict, form_url: str | None = None, **kwargs):
    """POST `data` to `url` as the form on `form_url` (default: `url`) would."""
    token = csrf_token(client, form_url or url.split("?")[0])
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def confirm(client: FlaskClient, url: str, headers: dict | None = None):
    """Press the button of a confirmation page (delete, unlink)."""
    tree = page(client, url)
    form = next(f for f in tree.iter("form") if f.get("method") == "post" and not f.get("action"))
    return client.post(url, data=form_values(form), headers=headers)


# --- Accounts ------------------------------------------------------------------------------


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
    """Join, and land where the browser lands: the page of recovery codes (after a redirect),
    or the refused form."""
    return submit(
        client,
        "/join",
        {
            "pseudonym": pseudonym,
            "password": password,
            "password_again": password if again is None else again,
        },
        follow_redirects=True,
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


def settings_post(client: FlaskClient, path: str, values: dict, **kwargs):
    """Send one form of the settings page as the page renders it: its hidden fields as they
    are, and `values` under the names its fields have there (a form's prefix, such as
    "delete-password" for "password", is found on the page)."""
    action = f"/settings/{path}"
    form = form_posting_to(html_of(client.get("/settings")), action)
    inputs = list(form.iter("input")) + list(form.iter("textarea"))
    data = {i.get("name"): i.get("value") or "" for i in inputs if i.get("type") == "hidden"}
    names = {i.get("name") for i in inputs}
    for key, value in values.items():
        data[next(n for n in names if n == key or n.endswith("-" + key))] = value
    return client.post(action, data=data, **kwargs)


# --- Stories, discussions and replies ------------------------------------------------------

COMPOSE_URLS = {"story": "/stories/new", "discussion": "/discussions/new"}


def compose_form(client: FlaskClient, kind: str = "story") -> dict[str, str]:
    return form_values(writing_form(page(client, COMPOSE_URLS[kind])))


def compose(client: FlaskClient, kind: str = "story", values: dict | None = None, **fields):
    """Fill in the story (or discussion) form and send it. `values` resends an earlier form."""
    if values is None:
        form = writing_form(page(client, COMPOSE_URLS[kind]))
        fields.setdefault("title", "A long winter")
        fields.setdefault("body", "I finally talked to someone.")
        values = fill(form, **fields)
    return client.post(COMPOSE_URLS[kind], data=values)


def share_story(client: FlaskClient, **fields) -> Thread:
    """Share a story through the form; the thread it made."""
    response = compose(client, "story", **fields)
    assert response.status_code == 303, html_of(response)
    thread_id = int(re.match(r"/t/(\d+)-", location(response)).group(1))
    return fresh(Thread, thread_id)


def reply_url(post_id: int) -> str:
    return f"/p/{post_id}/reply"


def reply_form(client: FlaskClient, post_id: int, **fields) -> dict[str, str]:
    """The reply form for `post_id`, with `fields` typed in. It is taken from the inline form
    htmx asks for, which has the same fields as the reply page (one template block) and, unlike
    that page, opens for any post."""
    form = writing_form(page(client, reply_url(post_id), headers=PARTIAL))
    return fill(form, prefix=f"reply-{post_id}-", **fields)


def send_reply(client: FlaskClient, post_id: int, body: str = "You are not alone.", **kwargs):
    """Reply to `post_id` through its reply page. Keyword `headers` is passed on to the POST;
    other keywords are fields (anonymous=True, warning="Grief", ...)."""
    headers = kwargs.pop("headers", None)
    values = reply_form(client, post_id, body=body, **kwargs)
    return client.post(reply_url(post_id), data=values, headers=headers)


def reply_through_form(
    client: FlaskClient, post_id: int, body: str = "You are not alone.", **fields
) -> Post:
    """Reply without JavaScript; the reply it made."""
    response = send_reply(client, post_id, body, **fields)
    assert response.status_code == 303, html_of(response)
    new_id = int(location(response).rsplit("#p", 1)[1])
    return fresh(Post, new_id)
