"""Logging in and out: one message for any mistake, limits on guessing, a fresh session."""

import re
from urllib.parse import urlsplit

import pytest
from support.clients import device, is_logged_in
from support.forms import csrf_token, log_in
from support.members import PASSWORD, make_member
from support.pages import field_error, form_inputs, form_problem, parse

from forum.accounts import sign_ins

NO_MATCH = "That pseudonym and password don't match. Please try again."
WRONG = "not my password at all"
TRY_AGAIN = re.compile(r"Please try again in (\d+) minutes?\.")


def from_address(app, address: str):
    other = device(app)
    other.environ_base["REMOTE_ADDR"] = address
    return other


def test_logging_in_opens_the_members_pages(client, wren):
    """With the right pseudonym and password, the member is in and sees their name."""
    response = log_in(client, "Wren")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert is_logged_in(client)
    header = parse(client.get("/").get_data(as_text=True)).find("header")
    assert "/u/Wren" in [a.get("href") for a in header.iter("a")]


def test_the_pseudonym_may_be_typed_in_any_case(client, wren):
    assert log_in(client, "wREN").status_code == 303
    assert is_logged_in(client)


def test_login_without_the_csrf_token_is_refused(client, wren):
    """A page elsewhere cannot log someone's browser into an account of its choosing."""
    response = client.post("/login", data={"pseudonym": "Wren", "password": PASSWORD})

    assert response.status_code == 400
    assert not is_logged_in(client)


def test_without_remember_me_there_is_no_lasting_cookie(client, wren):
    """On a shared computer, closing the browser ends the session."""
    response = log_in(client, "Wren")

    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    client.delete_cookie("session")
    assert not is_logged_in(client)


def test_remember_me_keeps_the_member_logged_in_after_the_browser_closes(client, wren):
    """With "remember me", a new browser session (no session cookie) is still logged in."""
    response = log_in(client, "Wren", remember=True)

    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "Expires=" in remember
    client.delete_cookie("session")
    assert is_logged_in(client)


def test_the_session_is_renewed_at_login(client, app, wren):
    """Nothing placed in a visitor's session before login survives it (no session fixation)."""
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        before = dict(session)

    log_in(client, "Wren")

    with client.session_transaction() as session:
        after = dict(session)
    assert "planted" not in after
    assert after.get("csrf_token") != before.get("csrf_token")
    # The session names a new sign-in of Wren's (its token, not the account's id).
    assert sign_ins.signed_in_member(after["_user_id"]).id == wren.id
    assert after["_user_id"] != str(wren.id)


def test_unknown_pseudonym_and_wrong_password_get_the_same_answer(client, wren):
    """The login form can't be used to find out who is a member."""
    unknown = log_in(client, "Nobody_Here", WRONG)
    wrong = log_in(client, "Wren", WRONG)

    assert unknown.status_code == wrong.status_code == 422
    assert form_problem(unknown.get_data(as_text=True)) == NO_MATCH
    assert form_problem(wrong.get_data(as_text=True)) == NO_MATCH

    def anonymised(response, typed: str) -> str:
        html = response.get_data(as_text=True).replace(f'value="{typed}"', 'value="…"')
        return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)

    assert anonymised(unknown, "Nobody_Here") == anonymised(wrong, "Wren")
    assert not is_logged_in(client)


def test_a_refused_login_keeps_the_pseudonym_and_never_shows_the_password(client, wren):
    html = log_in(client, "Wren", WRONG).get_data(as_text=True)

    assert form_inputs(html)["pseudonym"].get("value") == "Wren"
    assert form_inputs(html)["password"].get("value") in (None, "")
    assert WRONG not in html


def test_empty_fields_say_what_is_missing(client):
    html = log_in(client, "", "").get_data(as_text=True)

    assert field_error(html, "pseudonym") == "Enter your pseudonym."
    assert field_error(html, "password") == "Enter your password."


def test_absurdly_long_input_gets_the_usual_answer(client, wren):
    """Pasting a whole page into the form is answered calmly, never with an error page."""
    response = log_in(client, "W" * 10_000, "p" * 10_000)

    assert response.status_code == 422
    assert form_problem(response.get_data(as_text=True)) == NO_MATCH


def assert_waits(response, pseudonym: str, password: str) -> None:
    """Refused for now, with when to try again, the pseudonym kept and no password shown."""
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    minutes = int(TRY_AGAIN.search(form_problem(html)).group(1))
    assert 1 <= minutes <= 15
    assert (minutes - 1) * 60 < int(response.headers["Retry-After"]) <= minutes * 60
    assert form_inputs(html)["pseudonym"].get("value") == pseudonym
    assert password not in html


def test_failed_attempts_are_limited_per_account_and_address(client, app, wren):
    """After 5 wrong passwords for an account from one address, even the right one waits
    there: guessing gets nowhere. From elsewhere, the member logs in as usual
    (test_lockout.py)."""
    for _ in range(5):
        assert log_in(client, "Wren", WRONG).status_code == 422

    assert_waits(log_in(client, "Wren", WRONG), "Wren", WRONG)
    assert_waits(log_in(client, "Wren", PASSWORD), "Wren", PASSWORD)
    assert not is_logged_in(client)
    elsewhere = from_address(app, "198.51.100.9")
    assert log_in(elsewhere, "Wren", PASSWORD).status_code == 303
    assert is_logged_in(elsewhere)


def test_the_account_limit_counts_every_way_of_writing_the_pseudonym(client, wren):
    """ "wren", "WREN" and "VVren" all reach Wren's account, so they share one count."""
    for typed in ("wren", "WREN", "VVren", "Wren", "vvren"):
        assert log_in(client, typed, WRONG).status_code == 422

    assert log_in(client, "Wren", PASSWORD).status_code == 429


def test_another_account_is_not_locked_by_someone_guessing_at_mine(client, app, wren):
    make_member("Heron")
    for _ in range(6):
        log_in(client, "Wren", WRONG)

    neighbour = device(app)
    assert log_in(neighbour, "Heron").status_code == 303
    assert is_logged_in(neighbour)


def test_successful_logins_do_not_count_towards_the_limit(client, app, wren):
    """Only failures count: a member who logs in often is never slowed down."""
    for _ in range(4):
        log_in(client, "Wren", WRONG)
    assert log_in(device(app), "Wren").status_code == 303

    assert log_in(client, "Wren", WRONG).status_code == 422  # the fifth failure
    assert log_in(client, "Wren", WRONG).status_code == 429


def test_many_logins_from_one_address_are_fine_when_they_succeed(app, wren):
    """A shared library computer or a family's connection: successes never add up."""
    for _ in range(22):
        assert log_in(device(app), "Wren").status_code == 303


def test_failed_attempts_are_limited_per_address(client, app, wren):
    """Trying one password on many pseudonyms from one address stops after 20 failures."""
    for number in range(20):
        assert log_in(client, f"someone_{number}", WRONG).status_code == 422

    assert_waits(log_in(client, "someone_else", WRONG), "someone_else", WRONG)
    # Wren's own account has no failures, but this address has to wait.
    assert log_in(device(app), "Wren").status_code == 429
    # Wren elsewhere is not affected.
    elsewhere = from_address(app, "203.0.113.4")
    assert log_in(elsewhere, "Wren").status_code == 303


def test_logout_is_a_post_only(client, wren):
    """A link, an image or a prefetch can't log anyone out: GET is not allowed."""
    log_in(client, "Wren")

    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_without_the_csrf_token_is_refused(client, wren):
    log_in(client, "Wren")

    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "remember",
    [
        False,
        True,
    ],
)
def test_logging_out_ends_the_session_and_clears_the_device(client, wren, remember):
    """After logging out, the settings page needs a login again, even with "remember me"."""
    log_in(client, "Wren", remember=remember)

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert client.get_cookie("remember_token") is None
    assert not is_logged_in(client)


def test_the_login_page_sends_a_member_back_where_they_were(client, wren):
    """A guest asked to log in for the settings page lands on it afterwards."""
    response = client.get("/settings")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url == "/login?next=%2Fsettings"

    response = log_in(client, "Wren", url=login_url)

    assert response.status_code == 303
    assert response.headers["Location"] == "/settings"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/login",
        "https://evil.example",
        "http://evil.example/settings",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_never_sends_anyone_to_another_site(client, wren, target):
    """A crafted login link can't bounce a member to a look-alike site afterwards."""
    response = log_in(client, "Wren", url="/login", query_string={"next": target})

    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("", "", "/")
