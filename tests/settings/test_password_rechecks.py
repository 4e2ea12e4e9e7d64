"""The password asked again in settings (a new password, new recovery codes, deleting the
account): wrong ones are limited, together, per account, so a cookie taken from an unlocked
device is no way to guess the password; and each check runs with no transaction open."""

import re

import pytest
from flask import has_request_context
from support.clients import device, is_logged_in
from support.forms import log_in, settings_post
from support.members import NEW_PASSWORD, PASSWORD, make_member
from support.pages import form_posting_to, form_problem, html_of
from support.rows import fresh

from forum.accounts import passwords
from forum.database import db
from forum.models import User

NAME = "Marigold_77"
WRONG = "not what it is"
TRY_AGAIN = re.compile(
    r"Too many wrong passwords in a short time\. Please try again in \d+ minutes?\."
)


def change_password(client, current: str):
    data = {"current_password": current, "new_password": NEW_PASSWORD}
    return settings_post(client, "password", data | {"new_password_again": NEW_PASSWORD})


def new_codes(client, password: str):
    return settings_post(client, "recovery-codes", {"password": password}, follow_redirects=True)


def delete_account(client, password: str, **fields):
    return settings_post(client, "delete", {"password": password, "posts": "keep"} | fields)


@pytest.fixture
def member(client):
    """NAME, logged in on `client`."""
    make_member(NAME)
    log_in(client, NAME)
    return client


def assert_waits(response, action: str) -> None:
    html = html_of(response)
    assert response.status_code == 429
    assert TRY_AGAIN.fullmatch(form_problem(form_posting_to(html, action)))
    assert 60 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert response.headers["Cache-Control"] == "no-store"
    assert PASSWORD not in html


def test_five_wrong_passwords_and_even_the_right_one_waits(member):
    for _ in range(5):
        assert change_password(member, WRONG).status_code == 422

    assert_waits(change_password(member, PASSWORD), "/settings/password")
    assert passwords.verify_password(fresh(User, pseudonym=NAME).password_hash, PASSWORD)
    assert is_logged_in(member)


def test_the_forms_that_ask_for_the_password_share_one_count(member):
    """Guessing can't go on by moving from one form to the next."""
    for _ in range(2):
        assert change_password(member, WRONG).status_code == 422
        assert new_codes(member, WRONG).status_code == 422
    assert delete_account(member, WRONG, confirm="y").status_code == 422

    assert_waits(delete_account(member, PASSWORD, confirm="y"), "/settings/delete")
    assert_waits(new_codes(member, PASSWORD), "/settings/recovery-codes")
    assert fresh(User, pseudonym=NAME) is not None


def test_right_passwords_and_half_filled_forms_dont_count(member):
    """Only a wrong password counts: a member who makes new codes often, or forgets to tick
    the box, is never slowed down."""
    for _ in range(6):
        assert new_codes(member, PASSWORD).status_code == 200
        assert delete_account(member, WRONG).status_code == 422  # the box is unticked

    assert change_password(member, PASSWORD).status_code == 303


def test_the_count_is_the_accounts_own(app, member):
    for _ in range(5):
        change_password(member, WRONG)
    make_member("Harbour")
    neighbour = device(app)
    log_in(neighbour, "Harbour")

    assert new_codes(neighbour, PASSWORD).status_code == 200


def test_the_wait_in_settings_doesnt_stop_logging_in(app, member):
    """The re-checks have a count of their own: the owner still logs in elsewhere."""
    for _ in range(6):
        change_password(member, WRONG)

    assert log_in(device(app), NAME).status_code == 303


@pytest.fixture
def argon2_calls(monkeypatch) -> list[bool]:
    """Whether the request's transaction was open each time argon2 ran."""
    calls: list[bool] = []
    for name in ("verify_password", "hash_password"):
        original = getattr(passwords, name)

        def call(*args, _original=original):
            if has_request_context():
                calls.append(db.session().in_transaction())
            return _original(*args)

        monkeypatch.setattr(passwords, name, call)
    return calls


@pytest.mark.parametrize(
    "send",
    [
        lambda client: change_password(client, PASSWORD),
        lambda client: change_password(client, WRONG),
        lambda client: new_codes(client, PASSWORD),
        lambda client: delete_account(client, PASSWORD, confirm="y"),
    ],
    ids=["new password", "wrong current password", "new recovery codes", "delete account"],
)
def test_passwords_are_checked_and_hashed_with_no_transaction_open(member, argon2_calls, send):
    assert send(member).status_code in (200, 303, 422)

    assert argon2_calls and not any(argon2_calls)
