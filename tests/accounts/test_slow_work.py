"""Argon2 runs with no transaction open: checking or hashing a password takes a while, and on
SQLite a form's transaction holds the write lock from its first query, so every other form
(and every other login) would queue behind it, past the busy timeout, into "database is
locked"."""

import pytest
from argon2 import PasswordHasher
from flask import has_request_context
from support.clients import device
from support.forms import join, log_in, recover
from support.members import PASSWORD, give_recovery_codes, make_member
from support.rows import fresh

from forum.accounts import passwords
from forum.database import db
from forum.models import User

WRONG = "not my password at all"


@pytest.fixture
def argon2_calls(monkeypatch) -> list[tuple[str, bool]]:
    """Each check or hash of a password while answering a request, and whether the request's
    transaction was open then."""
    calls: list[tuple[str, bool]] = []

    def watched(name: str):
        original = getattr(passwords, name)

        def call(*args):
            if has_request_context():
                calls.append((name, db.session().in_transaction()))
            return original(*args)

        monkeypatch.setattr(passwords, name, call)

    watched("verify_password")
    watched("hash_password")
    return calls


def ran_outside_transactions(calls: list[tuple[str, bool]], *names: str) -> bool:
    assert sorted({name for name, _ in calls}) == sorted(names), calls
    return not any(in_transaction for _, in_transaction in calls)


@pytest.mark.parametrize(
    ("pseudonym", "password", "status"),
    [("Wren", PASSWORD, 303), ("Wren", WRONG, 422), ("Nobody_Here", WRONG, 422)],
    ids=["right password", "wrong password", "no such member"],
)
def test_logging_in_checks_the_password_outside_any_transaction(
    client, wren, argon2_calls, pseudonym, password, status
):
    assert log_in(client, pseudonym, password).status_code == status

    assert ran_outside_transactions(argon2_calls, "verify_password")


def test_an_outdated_hash_is_replaced_outside_any_transaction_too(client, argon2_calls):
    """A hash made with other argon2 settings is made again at login, and kept."""
    older = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    make_member("Wren", password_hash=older)

    assert log_in(client, "Wren").status_code == 303

    assert ran_outside_transactions(argon2_calls, "verify_password", "hash_password")
    renewed = fresh(User, pseudonym="Wren").password_hash
    assert renewed != older and passwords.verify_password(renewed, PASSWORD)


def test_joining_hashes_the_password_outside_any_transaction(client, argon2_calls):
    assert join(client, "Newcomer").status_code == 200

    assert ran_outside_transactions(argon2_calls, "hash_password")


def test_recovery_hashes_the_new_password_outside_any_transaction(client, wren, argon2_calls):
    codes = give_recovery_codes(wren)

    assert recover(client, "Wren", codes[0]).status_code == 303

    assert ran_outside_transactions(argon2_calls, "hash_password")


def test_a_pseudonym_taken_while_the_password_was_hashed_is_refused_calmly(app, monkeypatch):
    """Between the check that a pseudonym is free and the account being written, the hashing
    holds no lock: someone else may take the name then. The form says it is taken."""
    original = passwords.hash_password

    def meanwhile(password: str) -> str:
        monkeypatch.setattr(passwords, "hash_password", original)
        with app.app_context():  # another request, taking the name first
            make_member("Newcomer")
        return original(password)

    monkeypatch.setattr(passwords, "hash_password", meanwhile)

    response = join(device(app), "Newcomer")

    assert response.status_code == 422
    assert "That pseudonym is taken" in response.get_data(as_text=True)
