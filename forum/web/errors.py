"""Error pages in the site's own style; never a traceback."""

from flask import Flask
from werkzeug.exceptions import HTTPException, InternalServerError

from ..database import db
from .partials import render_page

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
}  # fmt: skip


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description or ""))
    if error.description and error.description != type(error).description:
        message = error.description  # a view said something more specific
    return render_page(
        "errors/error.html", "content", code=code, title=title, message=message
    ), code


def render_server_error(error: Exception):
    # The failed request may have left the session mid-transaction; the page itself needs no data.
    db.session.rollback()
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, render_server_error)
