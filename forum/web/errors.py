"""Error pages in the site's own style; never a traceback.

A page about a failure on our side (500, or 503 when the database can't be reached) asks
nothing of the database, not even who is reading: base.html would load the member for its
header, and when the database is what failed, that second failure used to leave the reader
with the server's bare "Internal Server Error". Those pages are made for nobody
(`read_as_nobody`), so base.html shows its guest's header and asks nothing.
"""

from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..database import db, is_outage
from .partials import render_page, wants_partial

MESSAGES = {
    400: ("Something in that request didn't make sense",
          "Please go back and try again. If you were writing something, it may still be there."),
    403: ("That isn't open to you", "This page or action needs a different account or role."),
    404: ("We couldn't find that page",
          "It may have been moved or removed, or the address may have a typo."),
    405: ("That didn't work", "This address doesn't accept that kind of request."),
    410: ("This is no longer here", "The moderators took it down."),
    413: ("That was too much to send at once",
          "Nothing was saved. A post holds up to 20,000 characters: please go back, shorten "
          "it, and send it again."),
    429: ("Let's slow down a little", "Too many requests in a short time. Please wait a moment."),
    500: ("Something went wrong on our side",
          "It isn't anything you did. Please try again in a little while."),
    503: ("We can't reach our storage right now",
          "It isn't anything you did. Please try again in a minute."),
}  # fmt: skip

# Said on a failure on our side to anyone who sent a form: what they wrote is not lost.
YOUR_TEXT = "If you were writing something, go back: your text may still be there, ready to send."

# A database restarting or failing over is usually back within this many seconds.
RETRY_AFTER_SECONDS = 30


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description or ""))
    if error.description and error.description != type(error).description:
        message = error.description  # a view said something more specific
    return render_page(
        "errors/error.html", "content", code=code, title=title, message=message,
        swapped=wants_partial(),
    ), code  # fmt: skip


def render_server_error(error: InternalServerError):
    """A bug, or an outage that surfaced somewhere no other handler saw it (in another
    error page, say): the calm page either way."""
    if is_outage(error.original_exception):
        return render_outage(error.original_exception)
    return render_without_database(500)


def render_database_error(error: SQLAlchemyError):
    if not is_outage(error):
        raise error  # a bug: logged, and answered with the 500 page, as any other is
    return render_outage(error)


def render_outage(error: BaseException):
    """The database is down, frozen or overloaded: 503, and a time to come back."""
    current_app.logger.error("The database did not answer; the reader gets a 503: %s", error)
    body, code, headers = render_without_database(503)
    headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return body, code, headers


def render_without_database(code: int):
    """A page about a failure on our side, made and sent without asking the database anything."""
    let_go_of_the_database()
    read_as_nobody()
    title, message = MESSAGES[code]
    if request.method == "POST":
        message = f"{message} {YOUR_TEXT}"
    body = render_page(
        "errors/error.html",
        "content",
        code=code,
        title=title,
        message=message,
        swapped=wants_partial(),
    )
    # Never kept: once we are back, the page must not be.
    headers = {"Cache-Control": "no-store"}
    if wants_partial():
        # htmx swaps error answers in place of their target, which for a form being sent is
        # the form itself: put the message before it instead, so the text stays on the page.
        headers["HX-Reswap"] = "beforebegin"
    return body, code, headers


def let_go_of_the_database() -> None:
    """End the failed request's transaction, whatever state it is in: the page needs no data,
    and a connection that fails again must not take the page down with it."""
    try:
        db.session.rollback()
    except Exception as error:  # the page matters more than a tidy session
        current_app.logger.warning("Rolling back after a failure failed too: %s", error)


def read_as_nobody() -> None:
    """For the rest of this request, nobody is signed in: base.html and the response headers
    ask Flask-Login for the reader, and it would load them from the database. (Flask-Login
    keeps the request's reader in g._login_user and loads one only when it is missing.) The
    session is untouched: the member is still signed in on their next page."""
    g._login_user = current_app.login_manager.anonymous_user()


def served_in_an_outage(view: Callable) -> Callable:
    """For a page that needs no data, above all where to find help now: if the database fails
    while the page asks who is reading (for its header), it is made again for nobody, instead
    of the 503 page. Someone in crisis must reach the numbers whatever our storage is doing."""

    @wraps(view)
    def page(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except SQLAlchemyError as error:
            if not is_outage(error):
                raise
            let_go_of_the_database()
            read_as_nobody()
            return view(*args, **kwargs)

    return page


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, render_server_error)
    app.register_error_handler(SQLAlchemyError, render_database_error)
