"""How many wrong passwords (and recovery codes) the forms allow, and the limiters that keep
count. The privacy page words its promises from these.

Only a real failure counts: a password or code the view found wrong (`record_failure`), never
a server error, a refusal (429), a form sent without its token or half filled in. So a member
who gets it right is never slowed down, and nothing the forum gets wrong is held against
anyone. Once a limit is reached, even the right password waits, which is what stops guessing.
"""

import math
import time
from collections.abc import Callable

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter
from ..web.wording import plural
from . import pseudonyms

# Wrong passwords for one pseudonym from one address: the guesser there waits, and nobody else.
LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
# For one pseudonym from everywhere: ten times higher, so that a stranger's guesses can't keep
# the member out (to do it, they must send 50 wrong passwords every 15 minutes, from at least
# 10 addresses), while a guesser with many addresses still gets no more than 4,800 tries a day
# at one account, hopeless against a password of 10 characters or more that isn't a common one.
LOGIN_LIMIT_PER_ACCOUNT = "50 per 15 minutes"
# From one address, whatever the pseudonym: one password tried on many accounts.
LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
JOIN_LIMIT_PER_ADDRESS = "10 per day"
# A signed-in member's password asked again in settings (a new password, new recovery codes,
# deleting the account): a cookie taken from an unlocked device must not become a way to guess
# the password, or to lock its owner out of logging in elsewhere.
PASSWORD_RECHECK_LIMIT = "5 per 15 minutes"


def record_failure() -> None:
    """Count this request as a failed attempt: the password or code sent was wrong."""
    g.failed_attempt = True


def _failed(response) -> bool:
    # A page that failed to render after a wrong password is still the forum's error.
    return g.get("failed_attempt", False) and response.status_code < 500


def _named_account() -> str:
    """Every way of writing a pseudonym that reaches one account counts as that account."""
    name = pseudonyms.normalise(request.form.get("pseudonym", ""))[:60]
    return "account:" + pseudonyms.likeness_key(name)


def _named_account_here() -> str:
    return f"{_named_account()} from:{get_remote_address()}"


def _signed_in_account() -> str:
    return f"member:{current_user.id}"


def failures_limited(view: Callable) -> Callable:
    """Limit the failed attempts at a form that names an account (POSTs only): per account and
    address, per account, and per address."""
    limits = [
        limiter.limit(LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS, key_func=_named_account_here,
                      methods=["POST"], deduct_when=_failed),
        limiter.limit(LOGIN_LIMIT_PER_ACCOUNT, key_func=_named_account, methods=["POST"],
                      deduct_when=_failed),
        limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_failed),
    ]  # fmt: skip
    for limit in limits:
        view = limit(view)
    return view


# One count for every form of a member's settings that asks for their password.
rechecks_limited = limiter.shared_limit(
    PASSWORD_RECHECK_LIMIT,
    scope="password-recheck",
    key_func=_signed_in_account,
    methods=["POST"],
    deduct_when=_failed,
)


def wait_notice(what: str) -> tuple[str, dict[str, str]]:
    """After a limit is reached: `what` happened, when to try again, and the header saying it."""
    limit = limiter.current_limit
    # reset_at is the second after the window closes.
    minutes = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60)) if limit else 15
    message = f"{what} Please try again in {plural(minutes, 'minute')}."
    return message, {"Retry-After": str(minutes * 60)}
