"""Password hashing (argon2id) and the rules a new password must meet."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 200  # long passphrases are welcome; this only stops absurd input

_hasher = PasswordHasher()
# Checked against when nobody has that pseudonym, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


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


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash (no such member) it still takes the time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
