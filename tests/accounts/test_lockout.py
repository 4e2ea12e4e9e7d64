"""Limits that can't be turned against members: a stranger's wrong passwords don't lock the
owner out, and only a real wrong password (or recovery code) counts, never the forum's own
errors, a form sent half filled or without its token."""

import pytest
from sqlalchemy.exc import OperationalError
from support.clients import device, is_logged_in
from support.forms import log_in, recover
from support.members import give_recovery_codes
from support.pages import form_problem, html_of

from forum.accounts import members

WRONG = "not my password at all"


def from_address(app, address: str):
    other = device(app)
    other.environ_base["REMOTE_ADDR"] = address
    return other


def stranger_guesses(app, addresses: int, tries: int = 5) -> None:
    """Wrong passwords for Wren's account, `tries` from each of `addresses` addresses, until
    each address is made to wait."""
    for number in range(addresses):
        stranger = from_address(app, f"198.51.100.{number + 1}")
        for _ in range(tries):
            assert log_in(stranger, "Wren", WRONG).status_code == 422
        assert log_in(stranger, "Wren", WRONG).status_code == 429


def test_a_strangers_wrong_passwords_from_many_addresses_dont_lock_the_owner_out(app, wren):
    """45 wrong passwords from 9 addresses: each of them waits, and Wren, at home, logs in."""
    stranger_guesses(app, addresses=9)

    home = from_address(app, "203.0.113.10")
    assert log_in(home, "Wren").status_code == 303
    assert is_logged_in(home)


def test_the_owners_own_address_waits_only_for_its_own_failures(client, app, wren):
    """Wren's typos at home count at home: a stranger's don't add to them."""
    stranger_guesses(app, addresses=2)
    for _ in range(4):
        assert log_in(client, "Wren", WRONG).status_code == 422

    assert log_in(client, "Wren").status_code == 303


def test_the_account_has_a_ceiling_of_its_own_far_above_an_address(app, wren):
    """50 failures in 15 minutes from anywhere: guessing from many addresses stops too."""
    stranger_guesses(app, addresses=10)

    response = log_in(from_address(app, "203.0.113.10"), "Wren")

    assert response.status_code == 429
    assert "Please try again in" in form_problem(html_of(response))


def test_recovery_codes_are_limited_the_same_way(app, wren):
    """A stranger's wrong codes don't keep the member from using theirs."""
    codes = give_recovery_codes(wren)
    stranger = from_address(app, "198.51.100.1")
    for _ in range(5):
        assert recover(stranger, "Wren", "AAAAA-BBBBB-CCCCC-DDDDD").status_code == 422
    assert recover(stranger, "Wren", codes[0]).status_code == 429

    assert recover(from_address(app, "203.0.113.10"), "Wren", codes[0]).status_code == 303


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT ...", {}, Exception("database is locked")),
        RuntimeError("a bug"),
    ],
    ids=["database locked", "a bug"],
)
def test_server_errors_never_count_as_failed_attempts(client, app, wren, monkeypatch, error):
    """22 errors from one address, on one account: the forum's trouble, not guesses. The
    member is let in as soon as the forum works again."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error page, as in production

    def failing(pseudonym: str):
        raise error

    with monkeypatch.context() as broken:
        broken.setattr(members, "find_member", failing)
        for _ in range(22):
            assert log_in(client, "Wren").status_code >= 500

    assert log_in(client, "Wren").status_code == 303
    assert is_logged_in(client)


def test_forms_sent_half_filled_or_without_their_token_dont_count(client, wren):
    """Nothing was checked, so nothing was guessed: 400s and half-filled 422s don't count."""
    for _ in range(6):
        assert log_in(client, "Wren", "").status_code == 422
        without_token = {"pseudonym": "Wren", "password": WRONG}
        assert client.post("/login", data=without_token).status_code == 400

    assert log_in(client, "Wren").status_code == 303
