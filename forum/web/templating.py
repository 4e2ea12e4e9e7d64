"""Every template global and filter, registered here and nowhere else."""

from flask import Flask

from ..models import ReactionKind
from .forms import remove_form
from .urls import post_url
from .wording import (
    exact_time,
    iso_time,
    month_year,
    relative_time,
    suspension_notice,
    tel_href,
)

GLOBALS = {
    "post_url": post_url,
    "suspension_notice": suspension_notice,
    "tel_href": tel_href,
    "reaction_kinds": list(ReactionKind),
    "remove_form": remove_form,
}
FILTERS = {
    "relative_time": relative_time,
    "exact_time": exact_time,
    "iso_time": iso_time,
    "month_year": month_year,
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.filters.update(FILTERS)
