"""One view, two shapes: the whole page, or only the block htmx asked for."""

from flask import Flask, Response, g, render_template, request
from jinja2_fragments.flask import render_block
from markupsafe import Markup


def wants_partial() -> bool:
    """True for an htmx request that swaps part of the page.

    htmx 4 sends `HX-Request-Type: full` for boosted links and history restores, which need the
    whole page, and `partial` for everything else.
    """
    return request.headers.get("HX-Request-Type") == "partial"


def render_page(template: str, block: str, **context) -> str:
    """The whole `template`, or only its `block` when htmx wants a partial."""
    g.answers_both_shapes = True
    if wants_partial():
        return render_block(template, block, **context)
    return render_template(template, **context)


def render_part(template: str, block: str, **context) -> Markup:
    """One block of a page template, for an answer made of several pieces (out-of-band swaps).
    The block is rendered by Jinja with autoescaping, so it is markup already."""
    return Markup(render_block(template, block, **context))


def vary_on_request_type(response: Response) -> Response:
    # One URL, two bodies: tell caches the body depends on this header.
    if g.get("answers_both_shapes"):
        response.vary.add("HX-Request-Type")
    return response


def init_app(app: Flask) -> None:
    app.after_request(vary_on_request_type)
