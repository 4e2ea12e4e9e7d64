"""Every template global and filter, registered here and nowhere else."""

from flask import Flask, current_app, g
from flask_login import current_user

from ..bylines import ShownAuthor, shown_author
from ..models import Post, ReactionKind, Thread
from ..policy import GUEST, Act, is_author, is_staff, may, seeing_refusal
from .assets import data_uri, static_url
from .forms import remove_form
from .notices import just_sent, messages_at, page_messages
from .urls import address, post_url
from .wording import (
    exact_time,
    iso_time,
    month_year,
    relative_time,
    suspension_end,
    suspension_notice,
    tel_href,
)


def _reader():
    """The reader itself, not the `current_user` proxy: a thread page asks about the reader a
    few times per post, and every attribute read through the proxy finds the reader again."""
    return current_user._get_current_object()


_ACTS = {act.value: act for act in Act}


def may_act(act: str, post: Post, thread: Thread) -> bool:
    """Whether to offer the reader `act` on `post`: `forum.policy.may`, for templates."""
    return may(_reader(), _ACTS[act], post, thread)


def reader_is_staff() -> bool:
    return is_staff(_reader())


def uses_htmx() -> bool:
    """Whether pages load htmx for this reader: members reply, react and moderate in place;
    a guest's page has nothing htmx would do that a plain link doesn't, so guests never
    download it (it would be most of a guest's page weight), but for a page that offers it
    to everyone (`offer_htmx`)."""
    return bool(current_user.is_authenticated) or g.get("htmx_for_everyone", False)


def offer_htmx() -> None:
    """This page has something htmx does for guests too (search results as they type): it
    loads htmx whoever reads it."""
    g.htmx_for_everyone = True


def reader_wrote(post: Post) -> bool:
    return is_author(_reader(), post)


def author_for_reader(post: Post, thread: Thread, opening: Post) -> ShownAuthor:
    """How `post` is signed for the reader: `forum.bylines.shown_author`, for templates."""
    return shown_author(post, thread, opening, _reader(), current_app.config["SITE_NAME"])


def open_to_guests(post: Post, thread: Thread) -> bool:
    """Whether a guest may see `post` of `thread` (`forum.policy.seeing_refusal`): a page names
    a feed only of what guests may read."""
    return seeing_refusal(GUEST, post, thread) is None


GLOBALS = {
    "static_url": static_url,
    "data_uri": data_uri,
    "uses_htmx": uses_htmx,
    "url_for": address,
    "post_url": post_url,
    "suspension_notice": suspension_notice,
    "tel_href": tel_href,
    "reaction_kinds": list(ReactionKind),
    "remove_form": remove_form,
    "may": may_act,
    "is_staff": reader_is_staff,
    "open_to_guests": open_to_guests,
    "shown_author": author_for_reader,
    "wrote": reader_wrote,
    "page_messages": page_messages,
    "messages_at": messages_at,
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
