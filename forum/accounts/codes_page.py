"""The page that shows a new set of recovery codes, once: after joining, or after making a new
set in settings."""

from flask import render_template
from flask.typing import ResponseReturnValue

from ..web.forms import form_status
from ..web.urls import safe_next
from .forms import KeepCodesForm


def show_codes(
    codes: list[str],
    welcome: bool = False,
    form: KeepCodesForm | None = None,
    then: str | None = None,
) -> ResponseReturnValue:
    """The recovery codes, shown this once, with the box to say they were kept; `then` is
    where to go once they are (the page a guest was on when asked to join)."""
    if form is None:
        # formdata=None: on the POST that made the codes, the request's own fields aren't ours.
        form = KeepCodesForm(formdata=None, data={"codes": codes})
    page = render_template(
        "accounts/codes.html", form=form, codes=codes, welcome=welcome, then=safe_next(then)
    )
    return page, form_status(form), {"Cache-Control": "no-store"}
