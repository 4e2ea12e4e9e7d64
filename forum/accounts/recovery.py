"""Recovery codes: the only way back into an account that has no email address.

A code is 20 characters from Crockford's base-32 alphabet (no I, L, O or U to misread), shown
in groups of five: 100 random bits, so a fast hash is safe to store (guessing one from its hash
would take about 2**99 tries). Input is forgiving: case, spaces and dashes are ignored, and the
letters people confuse with digits are read as those digits.
"""

import hashlib
import secrets

from sqlalchemy import delete, select

from ..database import db
from ..models import RecoveryCode, User

CODES_PER_SET = 10
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUP, _GROUPS = 5, 4
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP * _GROUPS))
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def normalise(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum()).translate(_READ_AS)


def _digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def issue_codes(user: User) -> list[str]:
    """A fresh set of codes for `user`, replacing any earlier set; returned once, stored hashed."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(CODES_PER_SET)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    user.recovery_codes_confirmed = False
    return codes


def are_current(user: User, codes: list[str]) -> bool:
    """True when `codes` are exactly `user`'s current, unused set (as shown to them once)."""
    stored = set(
        db.session.scalars(
            select(RecoveryCode.code_hash).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
    )
    return len(codes) == CODES_PER_SET and {_digest(code) for code in codes} == stored


def spend_code(user: User, code: str) -> bool:
    """Use up one of `user`'s codes; False when it isn't one of theirs or was used before.

    A used code is deleted, not kept: the privacy page says codes are kept until used. One
    statement finds and deletes it, so the same code sent twice at once opens the account once.
    """
    if len(normalise(code)) != _GROUP * _GROUPS:
        return False
    spent = db.session.execute(
        delete(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    return spent.rowcount == 1


def codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )
