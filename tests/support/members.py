"""Members, made as joining makes them: an argon2-hashed password (cheap in tests), the
pseudonym's likeness key, and recovery codes when a test needs them."""

import re
from datetime import timedelta

from forum.accounts import members, recovery
from forum.database import db, utcnow
from forum.models import Role, User

PASSWORD = "quiet river at dawn"
NEW_PASSWORD = "lanterns over the bay"
CODE_FORMAT = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}")


def make_member(
    pseudonym: str,
    role: Role = Role.MEMBER,
    *,
    password: str = PASSWORD,
    days_old: float = 0,
    **fields,
) -> User:
    """A member who can log in with `password`, `days_old` days after joining; `fields` sets
    anything else (`id`, `suspended_until`...). Their recovery codes count as kept, so no page
    reminds them (see `give_recovery_codes` for a test that needs the codes)."""
    user = members.add_member(pseudonym, password, role)
    user.recovery_codes_confirmed = True
    if days_old:
        user.created_at = utcnow() - timedelta(days=days_old)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def give_recovery_codes(user: User) -> list[str]:
    """A new set of recovery codes for `user`, already kept (confirmed), as the app makes them."""
    codes = recovery.issue_codes(user)
    user.recovery_codes_confirmed = True
    db.session.commit()
    return codes
