"""Few bytes and few requests: pages compressed by the app itself when the browser accepts it,
the site's files at addresses naming their content and kept for a year, one script of the
site's own, and htmx only on the pages that use it (members')."""

import gzip
import hashlib
import re

import pytest
from flask import Response, stream_with_context
from support.clients import PARTIAL, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import page, static_address

from forum.paths import HTMX_DIST, STATIC

GZIP = {"Accept-Encoding": "gzip"}
A_YEAR = 31_536_000


@pytest.fixture
def thread_page(app) -> str:
    opening = start_thread(title="A long week", body="It has been a long week. " * 40)
    for n in range(20):
        reply(opening, make_member(f"reader{n}") if n < 3 else None, f"Reply {n}. " * 30)
    return thread_url(thread_of(opening))


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}


# --- Compression -------------------------------------------------------------------------


def test_a_page_is_compressed_when_the_browser_accepts_it(client, thread_page):
    plain = client.get(thread_page)
    compressed = client.get(thread_page, headers=GZIP)

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.get_data()) == plain.get_data()
    assert len(compressed.get_data()) < len(plain.get_data()) / 3
    # One URL, bodies that differ by encoding and by shape: caches are told both.
    for response in (plain, compressed):
        assert {"accept-encoding", "hx-request-type"} <= vary(response)


def test_an_htmx_partial_is_compressed_too(client, thread_page):
    response = client.get(thread_page, headers=PARTIAL | GZIP)

    assert response.headers["Content-Encoding"] == "gzip"
    assert {"accept-encoding", "hx-request-type"} <= vary(response)
    assert "<html" not in gzip.decompress(response.get_data()).decode()


def test_members_pages_are_compressed(app, thread_page):
    member = signed_in(app, make_member("Wren"))

    response = member.get(thread_page, headers=GZIP)

    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_tiny_answer_is_not_compressed(client):
    """Under 500 bytes, compressing costs more than it saves."""
    response = client.get("/healthz", headers=GZIP)

    assert response.status_code == 200
    assert len(response.get_data()) < 500
    assert "Content-Encoding" not in response.headers


@pytest.mark.own_app
def test_an_answer_that_streams_is_not_compressed(app, client):
    """A streamed answer must reach the reader as it is made: never held back to compress."""

    def streaming():
        return Response(
            stream_with_context(f"<p>part {n}</p>\n" * 50 for n in range(10)), mimetype="text/html"
        )

    app.add_url_rule("/streaming", "streaming", streaming)

    response = client.get("/streaming", headers=GZIP)

    assert response.is_streamed
    assert "Content-Encoding" not in response.headers
    assert b"part 9" in response.get_data()


# --- The site's own files ----------------------------------------------------------------


@pytest.mark.parametrize("filename", ["css/forum.css", "js/forum.js"])
def test_files_are_linked_by_their_content_and_kept_for_a_year(app, client, filename):
    content = (STATIC / filename).read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:10]
    stem, extension = filename.rsplit(".", 1)
    address = f"/static/{stem}.{digest}.{extension}"
    tree = page(client, "/")
    linked = [e.get("href") for e in tree.iter("link")] + [
        e.get("src") for e in tree.iter("script")
    ]

    assert address in linked
    assert static_address(app, filename) == address
    response = client.get(address)
    assert response.status_code == 200
    assert response.get_data() == content
    assert response.cache_control.public
    assert response.cache_control.max_age == A_YEAR
    assert response.cache_control.immutable
    assert "Set-Cookie" not in response.headers


def test_a_members_browser_keeps_the_files_whatever_their_cookie(app, thread_page):
    """The same bytes for everyone: not kept apart by cookie, or a member's browser would
    fetch them again each time their cookie changes."""
    member = signed_in(app, make_member("Wren"))
    for address in (
        static_address(app, "css/forum.css"),
        static_address(app, "js/forum.js"),
        f"/vendor/htmx/{app.config['HTMX_VERSION']}/htmx.min.js",
    ):
        response = member.get(address, headers=GZIP)
        assert "cookie" not in vary(response), address
        assert "accept-encoding" in vary(response), address
    assert "cookie" in vary(member.get(thread_page)), "pages still say it"


@pytest.mark.parametrize("filename", ["css/forum.css", "js/forum.js"])
def test_files_are_compressed(client, filename):
    content = (STATIC / filename).read_bytes()

    response = client.get(static_address(client.application, filename), headers=GZIP)

    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == content
    assert "accept-encoding" in vary(response)


def test_a_plain_address_still_answers_with_a_short_cache(client):
    response = client.get("/static/css/forum.css")

    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css" / "forum.css").read_bytes()
    assert response.cache_control.max_age <= 3600
    assert not response.cache_control.immutable


def test_another_versions_address_gets_this_version_briefly(client):
    """While servers are updated one by one, a page may name a fingerprint this server doesn't
    have: the file comes all the same, but is not kept for a year under that name."""
    response = client.get("/static/css/forum.0123456789.css")

    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css" / "forum.css").read_bytes()
    assert not response.cache_control.immutable


def test_htmx_is_immutable_under_its_version(app, client):
    response = client.get(f"/vendor/htmx/{app.config['HTMX_VERSION']}/htmx.min.js", headers=GZIP)

    assert response.cache_control.max_age == A_YEAR
    assert response.cache_control.immutable
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == (HTMX_DIST / "htmx.min.js").read_bytes()


def test_the_icon_is_inside_the_page(client):
    """No request for it: the page carries it."""
    (icon,) = [e for e in page(client, "/").iter("link") if e.get("rel") == "icon"]

    assert icon.get("href").startswith("data:image/svg+xml,")


# --- Scripts -----------------------------------------------------------------------------


def scripts(tree) -> list[str]:
    return [e.get("src") for e in tree.iter("script")]


def test_a_guest_page_loads_the_sites_one_script_and_no_htmx(app, client, thread_page):
    app.config["THREADS_PER_PAGE"] = 1
    start_thread(title="Another")
    for url in ("/", thread_page, "/?after=" + older_cursor(client)):
        tree = page(client, url)
        assert scripts(tree) == [static_address(app, "js/forum.js")], url
        # Nothing that would need htmx to ask for anything (the "Older" link is a plain one).
        asking = ("data-hx-get", "data-hx-post", "data-hx-trigger")
        assert not [e for e in tree.iter() if any(a in asking for a in e.attrs)], url


def older_cursor(client) -> str:
    href = page(client, "/").by_id("more-threads").find("a").get("href")
    return re.search(r"after=([^&]+)", href).group(1)


def test_a_members_page_loads_htmx_after_the_sites_script(app, thread_page):
    member = signed_in(app, make_member("Wren"))
    htmx = f"/vendor/htmx/{app.config['HTMX_VERSION']}/htmx.min.js"

    assert scripts(page(member, thread_page)) == [static_address(app, "js/forum.js"), htmx]


def test_the_sites_script_holds_quick_exit_and_the_htmx_helpers(client):
    script = client.get(static_address(client.application, "js/forum.js")).get_data(as_text=True)

    assert "location.replace" in script and "Escape" in script
    assert "htmx:after:settle" in script
    # Quick exit comes first: it must work even if the rest of the file had an error.
    assert script.index("quick-exit-ready") < script.index("htmx:after:settle")
