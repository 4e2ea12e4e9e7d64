"""The page that shows a new set of recovery codes, once: after joining, or after making a new
set in settings.

The form that makes the codes is answered with a redirect (303) to GET /recovery-codes, which
shows them: reloading the page, or going Back to it, never sends the form again (a new set
would replace the one just written down) and never shows the codes again. Between the two
requests the codes wait in the member's session, sealed with a key only the server has (the
session is a signed cookie, readable by whoever holds it), and the page takes them out as it
shows them. They are never in an address, a log or a cache (`no-store`).

The member can keep them as a text file (a POST of the codes on the page, so the file's
address, which browsers keep in their downloads, holds no code) or print the page, which
prints only the codes: neither needs JavaScript.
"""

import base64
import hashlib
import json
import secrets

from flask import current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from ..web.forms import form_status
from ..web.urls import safe_next
from .forms import KeepCodesForm

WAITING = "codes_to_show"
NO_STORE = {"Cache-Control": "no-store"}


def _keystream(nonce: bytes, length: int) -> bytes:
    """As many bytes as `length`, which only the server can make again: SHAKE-256 of the
    site's secret key and a nonce used once."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hashlib.shake_256(b"forum: recovery codes waiting to be shown\0" + key + nonce).digest(
        length
    )


def _seal(value: dict) -> str:
    data = json.dumps(value).encode()
    nonce = secrets.token_bytes(16)
    sealed = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _unseal(text: str) -> dict | None:
    try:
        raw = base64.urlsafe_b64decode(text.encode())
        nonce, sealed = raw[:16], raw[16:]
        data = bytes(a ^ b for a, b in zip(sealed, _keystream(nonce, len(sealed)), strict=True))
        return json.loads(data)
    except (ValueError, TypeError):  # a session from before a new secret key
        return None


def show_codes(codes: list[str], welcome: bool = False, then: str | None = None):
    """Answer the form that made `codes`: they wait, sealed, in the session, and the browser
    is sent to the page that shows them; `then` is where to go once they are kept (the page a
    guest was on when asked to join)."""
    session[WAITING] = _seal({"codes": codes, "welcome": welcome, "then": then})
    return redirect(url_for("accounts.codes"), 303)


def take_waiting_codes() -> dict | None:
    """The codes waiting to be shown, taken out of the session (None when none are waiting)."""
    sealed = session.pop(WAITING, None)
    return _unseal(sealed) if sealed else None


def render_codes(
    codes: list[str],
    welcome: bool = False,
    form: KeepCodesForm | None = None,
    then: str | None = None,
) -> ResponseReturnValue:
    """The recovery codes, with the box to say they were kept and the ways to keep them."""
    if form is None:
        form = KeepCodesForm(formdata=None, data={"codes": codes})
    page = render_template(
        "accounts/codes.html", form=form, codes=codes, welcome=welcome, then=safe_next(then)
    )
    return page, form_status(form), NO_STORE


def codes_file(pseudonym: str, codes: list[str], site_name: str) -> str:
    """The text file of a member's codes."""
    lines = [
        f"{site_name}: recovery codes for {pseudonym}",
        "",
        "Each code works once, to get back into your account if you forget your password.",
        "Keep this file somewhere private.",
        "",
        *codes,
    ]
    return "\n".join(lines) + "\n"
