"""The page of new recovery codes: the form that makes them is answered with a redirect, so
reloading never sends it again; the page shows them once, and nothing keeps them (no address,
no readable cookie, no cache); they can be downloaded as a text file, without JavaScript."""

import pytest
from flask.testing import FlaskClient
from support.clients import signed_in
from support.forms import settings_post, submit
from support.members import PASSWORD, make_member
from support.pages import form_posting_to, form_values, html_of, parse, shown_codes

from forum.accounts.views import NOT_SHOWN_AGAIN


def join_without_following(client: FlaskClient):
    data = {"pseudonym": "Kestrel", "password": PASSWORD, "password_again": PASSWORD}
    return submit(client, "/join", data)


def make_new_set(client: FlaskClient):
    return settings_post(client, "recovery-codes", {"password": PASSWORD})


def session_as_sent(client: FlaskClient) -> str:
    """The session cookie, and what it says once its signature is checked."""
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    serializer = client.application.session_interface.get_signing_serializer(client.application)
    return f"{cookie.value} {serializer.loads(cookie.value)}"


@pytest.fixture
def member(app) -> FlaskClient:
    return signed_in(app, make_member("Linnet"))


@pytest.mark.parametrize("made_by", ["joining", "a new set in settings"])
def test_the_codes_are_shown_after_a_redirect_once_and_kept_nowhere(client, member, made_by):
    device = client if made_by == "joining" else member
    made = join_without_following(device) if made_by == "joining" else make_new_set(device)

    assert made.status_code == 303
    assert made.headers["Location"] == "/recovery-codes"
    waiting = session_as_sent(device)
    shown = device.get("/recovery-codes")
    codes = shown_codes(html_of(shown))
    assert shown.status_code == 200 and len(codes) == 10
    assert shown.headers["Cache-Control"] == "no-store"
    # While they waited, the cookie held them sealed: neither it nor its content shows one.
    assert not [code for code in codes if code in waiting or code.replace("-", "") in waiting]

    again = device.get("/recovery-codes")
    assert again.status_code == 303
    assert again.headers["Location"] == "/settings#recovery"
    page = html_of(device.get("/settings"))
    assert NOT_SHOWN_AGAIN in page.replace("&#39;", "'")
    assert not [code for code in codes if code in page]


def test_the_codes_page_is_for_members(client):
    response = client.get("/recovery-codes")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_codes_download_as_a_text_file_from_the_pages_own_form(member):
    make_new_set(member)
    html = html_of(member.get("/recovery-codes"))
    codes = shown_codes(html)
    form = form_posting_to(html, "/recovery-codes/download")

    response = member.post("/recovery-codes/download", data=form_values(form))

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="recovery-codes-Linnet.txt"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert [line for line in text.splitlines() if line in codes] == codes
    assert "Linnet" in text
    # The download form repeats no id of the page's other form.
    ids = [e.get("id") for e in parse(html).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_codes_that_are_no_longer_current_do_not_download(member):
    make_new_set(member)
    html = html_of(member.get("/recovery-codes"))
    data = form_values(form_posting_to(html, "/recovery-codes/download"))
    make_new_set(member)  # a newer set replaces this one

    response = member.post("/recovery-codes/download", data=data)

    assert response.status_code == 303
    assert response.headers["Location"] == "/settings#recovery"
