"""The search page: a plain GET form, and with htmx the results as the reader types.

What anyone searches for is never stored or logged: not in the database (a search writes
nothing), not in a cache (`no-store`), not in the address another page is told it came from
(`no-referrer`), and not in the browser's list of things typed into forms (autocomplete off).
The forum's logs name a request by its path alone (Flask's own error log does), and gunicorn
as `make run` starts it keeps no access log.
"""

from flask import Blueprint, abort, current_app, make_response, request
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from ..accounts.limits import wait_notice
from ..extensions import limiter
from ..web.partials import render_page
from ..web.templating import offer_htmx
from .queries import Results, search_posts
from .terms import SearchQuery, read_query

bp = Blueprint("search", __name__)

# Deep pages cost more to rank and help nobody: past this many, better words help more.
MAX_PAGES = 10

# Never kept, never passed on, never indexed by a search engine.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGES:
        abort(404)
    return page


def _answer(
    query: SearchQuery,
    results: Results | None = None,
    refused: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
):
    """The page, or with htmx its results alone (for "More results", the next ones alone)."""
    offer_htmx()
    more = results is not None and results.page > 1
    body = render_page(
        "search/search.html",
        "result_page" if more else "results",
        query=query,
        results=results,
        refused=refused,
        max_pages=MAX_PAGES,
    )
    return make_response(body, status, {**PRIVATE, **(headers or {})})


@bp.get("/search")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
def search():
    """Posts and titles holding every word of `q`, best first, a page at a time (`page`).
    With htmx, the results alone, in place, as the reader types."""
    query = read_query(request.args.get("q", ""))
    page = _page()
    if not query.asks:
        return _answer(query)
    per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
    return _answer(query, search_posts(current_user, query, page, per_page))


@bp.errorhandler(TooManyRequests)
def searching_fast(error: TooManyRequests):
    """The page with what was typed still in the box, and when to search again."""
    message, headers = wait_notice("There have been a lot of searches from here in a short time.")
    query = read_query(request.args.get("q", ""))
    return _answer(query, refused=message, status=429, headers=headers)
