"""Sessions that end: each device's login is a sign-in on the server, which logging out ends,
so a session or "keep me logged in" cookie copied before opens nothing after; sign-ins expire
on the server too, and their last use is written down at most once an hour."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.clients import device, is_logged_in
from support.clock import move_clock
from support.forms import csrf_token, log_in
from support.rows import count, fresh

from forum.accounts import sign_ins
from forum.models import SignIn

SESSION = "session"
REMEMBER = "remember_token"


def cookie(client: FlaskClient, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def copy_of(app: Flask, name: str, value: str) -> FlaskClient:
    """Another device carrying a copy of one cookie, as whoever copied it would use it."""
    other = device(app)
    other.set_cookie(name, value)
    return other


def log_out(client: FlaskClient):
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    return response


@pytest.fixture
def clock(monkeypatch):
    """Move the sign-ins' clock on: `clock(hours=25)` is 25 hours from the real now."""

    return lambda **later: move_clock(monkeypatch, sign_ins, **later)


# --- Logging out ---------------------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_opens_nothing_after(client, app, wren):
    log_in(client, "Wren")
    copied = cookie(client, SESSION)
    assert is_logged_in(copy_of(app, SESSION, copied))  # a faithful copy, while it lasts

    log_out(client)

    assert not is_logged_in(copy_of(app, SESSION, copied))
    assert count(SignIn) == 0


def test_a_remember_cookie_copied_before_logout_opens_nothing_after(client, app, wren):
    """The "keep me logged in" cookie names the same sign-in, and ends with it."""
    log_in(client, "Wren", remember=True)
    copied = cookie(client, REMEMBER)
    assert is_logged_in(copy_of(app, REMEMBER, copied))

    log_out(client)

    thief = copy_of(app, REMEMBER, copied)
    assert not is_logged_in(thief)
    assert thief.get_cookie(REMEMBER) is None  # a dead cookie is deleted, not sent for ever


def test_logging_out_on_one_device_leaves_the_others_logged_in(app, wren):
    phone, laptop = device(app), device(app)
    log_in(phone, "Wren")
    log_in(laptop, "Wren", remember=True)

    log_out(phone)

    assert not is_logged_in(phone)
    assert is_logged_in(laptop)
    assert count(SignIn) == 1


def test_the_cookies_carry_a_random_token_not_the_account(client, app, wren):
    """Knowing a member's id (or name) and the cookie format opens nothing."""
    log_in(client, "Wren", remember=True)

    with client.session_transaction() as session:
        token = session["_user_id"]
    assert token not in (str(wren.id), "Wren") and len(token) >= 40
    stored = fresh(SignIn, user_id=wren.id)
    assert token not in (stored.token_digest, str(stored.id))  # only its hash is kept


# --- Expiry on the server ------------------------------------------------------------------


def test_keep_me_logged_in_ends_on_the_server_when_its_time_is_up(client, app, wren, clock):
    """Not a day unused, but REMEMBER_COOKIE_DURATION after logging in, as the cookie says."""
    log_in(client, "Wren", remember=True)
    copied = cookie(client, REMEMBER)

    clock(days=29)
    assert is_logged_in(copy_of(app, REMEMBER, copied))

    clock(days=30, minutes=1)
    thief = copy_of(app, REMEMBER, copied)
    assert not is_logged_in(thief)
    assert thief.get_cookie(REMEMBER) is None


def test_keep_me_logged_in_lasts_as_the_configuration_says(client, app, wren, clock):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=7)
    log_in(client, "Wren", remember=True)
    copied = cookie(client, REMEMBER)

    clock(days=7, minutes=1)

    assert not is_logged_in(copy_of(app, REMEMBER, copied))


def test_a_session_without_keep_me_logged_in_ends_after_a_day_unused(client, app, wren, clock):
    """A shared computer's browser that restores its last session a day later opens nobody's
    account."""
    log_in(client, "Wren")
    copied = cookie(client, SESSION)

    clock(hours=25)

    assert not is_logged_in(client)
    assert not is_logged_in(copy_of(app, SESSION, copied))


def test_a_session_in_use_goes_on(client, wren, clock):
    """Each day of use moves the end a day on: someone reading every evening stays in."""
    log_in(client, "Wren")

    for day in range(1, 4):
        clock(hours=23 * day)
        assert is_logged_in(client), f"logged out on day {day}"


# --- Last use ------------------------------------------------------------------------------


def sign_in_writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE SIGN_IN")]


def test_last_use_is_written_down_at_most_once_an_hour(client, wren, clock, count_queries):
    """Reading pages rarely writes: within the hour, a member's page asks only to read."""
    log_in(client, "Wren")
    signed_in_at = fresh(SignIn, user_id=wren.id).last_seen_at

    clock(minutes=50)
    with count_queries() as within_the_hour:
        assert is_logged_in(client)
    assert sign_in_writes(within_the_hour) == []
    assert fresh(SignIn, user_id=wren.id).last_seen_at == signed_in_at

    clock(minutes=70)
    with count_queries() as after_an_hour:
        assert is_logged_in(client)
        assert is_logged_in(client)
    assert len(sign_in_writes(after_an_hour)) == 1
    assert fresh(SignIn, user_id=wren.id).last_seen_at > signed_in_at


def test_a_form_never_writes_down_last_use(client, wren, clock, count_queries):
    """A form's request holds SQLite's write lock: it writes nothing extra (the next page
    does)."""
    log_in(client, "Wren")
    token = csrf_token(client, "/settings")
    clock(hours=2)

    with count_queries() as posted:
        client.post("/settings/preferences", data={"csrf_token": token})

    assert sign_in_writes(posted) == []


# --- What a sign-in records ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
            "Firefox on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_a_device_is_described_by_its_browser_and_system_only(user_agent, described):
    assert sign_ins.describe_device(user_agent) == described


def test_a_sign_in_keeps_no_address_and_no_user_agent(app, wren):
    user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    phone = device(app)
    phone.environ_base.update(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=user_agent)

    log_in(phone, "Wren")

    stored = fresh(SignIn, user_id=wren.id)
    assert stored.device == "Firefox on Linux"
    row = " ".join(str(getattr(stored, column.key)) for column in SignIn.__table__.columns)
    # Not the bare version number: a token's hash may hold "128" by chance (once in about 70).
    assert "203.0.113.77" not in row and "Gecko" not in row and "Firefox/128" not in row


def test_expired_sign_ins_are_deleted_when_anyone_logs_in(app, wren, clock):
    log_in(device(app), "Wren")
    clock(days=2)

    log_in(device(app), "Wren")

    assert count(SignIn) == 1
