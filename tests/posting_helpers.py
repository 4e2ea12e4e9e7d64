"""Helpers for the posting tests: members signed in on a device of their own, forms filled in
and sent as a browser sends them, and the parts of a page a reader looks at."""

import re
from datetime import timedelta

from accounts_helpers import device
from builders import make_user
from flask import Flask
from flask.testing import FlaskClient
from htmltree import Element, parse
from sqlalchemy import func, select

from forum.database import db, utcnow
from forum.models import Post, Role, Thread, User

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}

ALIAS = re.compile(r"Anonymous [A-Z][a-z]+( \d+)?")


def unpace(app: Flask) -> None:
    """No pause between posts and no first-day cap: for tests that aren't about pacing."""
    app.config.update(
        THREAD_INTERVAL_SECONDS=0,
        REPLY_INTERVAL_SECONDS=0,
        FIRST_DAY_MAX_THREADS=10_000,
        FIRST_DAY_MAX_REPLIES=10_000,
    )


def member(pseudonym: str, role: Role = Role.MEMBER, days_old: float = 0, **fields) -> User:
    """A member (placeholder password: they are signed in directly, see `signed_in`)."""
    user = make_user(pseudonym)
    user.role = role
    user.recovery_codes_confirmed = True
    if days_old:
        user.created_at = utcnow() - timedelta(days=days_old)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A device on which `user` is logged in, as the login form would leave it."""
    client = device(app)
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


def guest(app: Flask) -> FlaskClient:
    return device(app)


# --- Reading pages -------------------------------------------------------------------------


def html_of(response) -> str:
    return response.get_data(as_text=True)


def page(client: FlaskClient, url: str, **kwargs) -> Element:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return parse(html_of(response))


def location(response) -> str:
    return response.headers["Location"]


def fresh(model, ident):
    """A row as the database has it now, not as the test's session remembers it."""
    db.session.expire_all()
    return db.session.get(model, ident)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def last_post() -> Post | None:
    db.session.expire_all()
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def only_thread() -> Thread:
    db.session.expire_all()
    threads = list(db.session.scalars(select(Thread)))
    assert len(threads) == 1, threads
    return threads[0]


def opening_of(thread: Thread) -> Post:
    return db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
    )


def url_of(thread: Thread) -> str:
    return f"/t/{thread.id}-{thread.slug}"


def card(tree: Element, post_id: int) -> Element | None:
    """The <article> of a post on a page."""
    return tree.by_id(f"p{post_id}")


def prose(tree: Element, post_id: int) -> Element:
    """The rendered text of a post."""
    article = card(tree, post_id)
    assert article is not None, f"post {post_id} is not on the page"
    found = article.find("div", class_="prose")
    assert found is not None, f"post {post_id} shows no text"
    return found


def raw_text(element: Element) -> str:
    """The text inside, exactly (Element.text squeezes white space)."""
    return "".join(
        child if isinstance(child, str) else raw_text(child) for child in element.children
    )


def textarea_text(tree: Element, name: str) -> str:
    area = next((e for e in tree.iter("textarea") if e.get("name") == name), None)
    assert area is not None, f"no textarea {name}"
    # An HTML parser drops the newline that starts a textarea; this small one doesn't.
    return raw_text(area).removeprefix("\r\n").removeprefix("\n")


def input_named(tree: Element, name: str) -> Element:
    element = next((e for e in tree.iter("input") if e.get("name") == name), None)
    assert element is not None, f"no input {name}"
    return element


def selected(tree: Element, name: str) -> str:
    select_element = next(e for e in tree.iter("select") if e.get("name") == name)
    chosen = [o for o in select_element.iter("option") if "selected" in o.attrs]
    return chosen[0].get("value") if chosen else ""


def checked_radio(tree: Element, name: str) -> str | None:
    for element in tree.iter("input"):
        if element.get("name") == name and "checked" in element.attrs:
            return element.get("value")
    return None


def is_checked(tree: Element, name: str) -> bool:
    return "checked" in input_named(tree, name).attrs


def field_error(tree: Element, field_id: str) -> str:
    error = tree.by_id(f"{field_id}-error")
    return error.text if error else ""


def form_problem(tree: Element) -> str:
    box = tree.find("div", class_="form-problem")
    return box.text if box else ""


# --- Filling in forms ----------------------------------------------------------------------


def writing_form(tree: Element) -> Element:
    form = tree.find("form", class_="writing")
    assert form is not None, "no writing form on the page"
    return form


def form_values(form: Element) -> dict[str, str]:
    """What a browser sends for `form` as it stands (buttons left out)."""
    values: dict[str, str] = {}
    for element in form.iter():
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    values[name] = element.get("value", "on")
            elif kind not in ("submit", "button"):
                values[name] = element.get("value", "")
        elif element.tag == "textarea":
            values[name] = raw_text(element).removeprefix("\r\n").removeprefix("\n")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            values[name] = chosen[0].get("value", "") if chosen else ""
    return values


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


def confirm(client: FlaskClient, url: str, headers: dict | None = None):
    """Press the button of a confirmation page (delete, unlink)."""
    tree = page(client, url)
    form = next(f for f in tree.iter("form") if f.get("method") == "post" and not f.get("action"))
    return client.post(url, data=form_values(form), headers=headers)


def member_csrf_token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token the page gives a member (htmx sends it as a header)."""
    body = parse(html_of(client.get(url))).find("body")
    match = re.search(r'"X-CSRFToken": "([^"]+)"', body.get("hx-headers:inherited") or "")
    assert match, "the page gives this client no CSRF token"
    return match.group(1)


def visible_text(html: str) -> str:
    return parse(html).text


def depth_chain(start: Post, levels: int, author: User | None) -> list[Post]:
    """`levels` replies, each answering the one before."""
    chain = []
    parent = start
    for level in range(1, levels + 1):
        parent = parent.reply(author, f"Level {level} says hello")
        chain.append(parent)
    db.session.commit()
    return chain
