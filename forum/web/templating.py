"""Every template global and filter, registered here and nowhere else."""

from flask import Flask
from flask_login import current_user

from ..models import Post, ReactionKind, Thread
from ..policy import Act, is_staff, may
from .forms import remove_form
from .sent import just_sent
from .urls import post_url
from .wording import (
    exact_time,
    iso_time,
    month_year,
    relative_time,
    suspension_end,
    suspension_notice,
    tel_href,
)


def may_act(act: str, post: Post, thread: Thread) -> bool:
    """Whether to offer the reader `act` on `post`: `forum.policy.may`, for templates."""
    return may(current_user, Act(act), post, thread)


def reader_is_staff() -> bool:
    return is_staff(current_user)


GLOBALS = {
    "post_url": post_url,
    "suspension_notice": suspension_notice,
    "tel_href": tel_href,
    "reaction_kinds": list(ReactionKind),
    "remove_form": remove_form,
    "may": may_act,
    "is_staff": reader_is_staff,
    "just_sent": just_sent,
}
FILTERS = {
    "relative_time": relative_time,
    "exact_time": exact_time,
    "iso_time": iso_time,
    "month_year": month_year,
    "suspension_end": suspension_end,
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.filters.update(FILTERS)
