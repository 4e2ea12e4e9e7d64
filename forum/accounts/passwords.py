"""Password hashing (argon2id) and the rules a new password must meet.

The argon2 profile comes from the configuration (`PASSWORD_HASH_PROFILE`): the library's own
defaults in production, its cheapest profile in tests, where hashing at full cost would make
the suite many times slower while proving nothing more.
"""

from functools import cache

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 200  # long passphrases are welcome; this only stops absurd input


@cache
def _common_passwords() -> frozenset[str]:
    # 30,000 most common passwords, shipped inside the zxcvbn package (nothing is fetched).
    return frozenset(FREQUENCY_LISTS["passwords"])


def problem_with(password: str, pseudonym: str = "") -> str | None:
    """What to change about a new password, or None when it is good to use."""
    if len(password) < MIN_LENGTH:
        return (
            f"Choose a password of at least {MIN_LENGTH} characters. "
            "A few words together work well."
        )
    if len(password) > MAX_LENGTH:
        return f"Choose a password of at most {MAX_LENGTH} characters."
    if password.casefold() in _common_passwords() or (
        pseudonym and pseudonym.casefold() in password.casefold()
    ):
        return (
            "That password is too easy to guess: it is one of the most common passwords, "
            "or it contains your pseudonym. Please choose another."
        )
    return None


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def hasher() -> PasswordHasher:
    """The hasher for the app's configured argon2 profile."""
    return _hasher(current_app.config["PASSWORD_HASH_PROFILE"])


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Made the first time someone logs in with a pseudonym nobody has, not at every start.
    return hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash (no such member) it still takes the time, so
    a wrong name takes as long as a wrong password."""
    checker = hasher()
    try:
        return checker.verify(password_hash or _dummy_hash(checker), password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)
