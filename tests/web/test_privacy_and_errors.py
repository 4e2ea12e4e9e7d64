"""Privacy and robustness a guest relies on: no cookie, nothing loaded from elsewhere, strict
headers, and calm, styled pages when something is missing or broken."""

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from support.clients import PARTIAL, device
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import Element, page, parse, static_address

from forum.database import db
from forum.models import Thread, ThreadKind
from forum.paths import CHECKOUT, HTMX_DIST

GUEST_PAGES = ["home", "older", "thread", "article", "post", "search", "missing"]
ALL_PAGES = [*GUEST_PAGES, "broken", "htmx", "stylesheet", "script", "healthz"]
NOT_FOUND = [
    "/t/4242",
    "/t/4242-a-story",
    "/t/abc",
    "/t/0",
    "/t/-1",
    "/t/99999999999999999999",
    "/t/99999999999999999999-a-story",
    "/p/123456",
    "/p/0",
    "/p/abc",
    "/p/99999999999999999999",
    "/nope",
    "/static/nope.css",
    "/static/css/nope.0123456789.css",
]


@pytest.fixture
def broken_route(app):
    """A page that fails, as a bug would: registered before any request, with exceptions
    handled as in production instead of raised into the test. (A test using it is marked
    `own_app`: routes can't be added to the app the other tests share.)"""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        Thread.start(ThreadKind.STORY, "Half-written", "Never saved.", None)
        db.session.flush()
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken", "broken", broken)
    return "/broken"


@pytest.fixture
def pages(app, broken_route) -> dict[str, str]:
    """Every kind of page a guest can reach, by name, with content on them."""
    app.config["THREADS_PER_PAGE"] = 1
    article = start_thread(
        ThreadKind.ARTICLE, "Seeking help", "## Why\n\n1. **Step:** do it", pinned=True
    )
    story = start_thread(ThreadKind.STORY, "My story", "It was *hard*.", make_member("wren"))
    start_thread(ThreadKind.DISCUSSION, "A question", "Anyone else?")
    answer = reply(story, make_member("harbour"), "See [a guide](https://example.org/guide).")
    reply(answer, None, "Thank you.")
    # Read on a device of its own, so the tested client has made no request yet.
    older = page(device(app), "/").by_id("more-threads").find("a").get("href")
    return {
        "home": "/",
        "older": older,
        "thread": thread_url(thread_of(story)),
        "article": thread_url(thread_of(article)),
        "post": f"/p/{answer.id}",
        "search": "/search?q=story",
        "missing": "/t/4242",
        "broken": broken_route,
        "htmx": f"/vendor/htmx/{app.config['HTMX_VERSION']}/htmx.min.js",
        "stylesheet": static_address(app, "css/forum.css"),
        "script": static_address(app, "js/forum.js"),
        "healthz": "/healthz",
    }


def stylesheets(page: Element) -> list[str]:
    return [
        link.get("href")
        for link in page.find_all("link")
        if "stylesheet" in (link.get("rel") or "").split()
    ]


@pytest.mark.own_app
@pytest.mark.parametrize("name", GUEST_PAGES)
def test_guests_get_no_cookie(client, pages, name):
    """Reading leaves nothing behind on a shared or watched device."""
    response = client.get(pages[name])

    assert response.status_code in (200, 404)
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


@pytest.mark.own_app
@pytest.mark.parametrize("name", GUEST_PAGES)
def test_every_page_describes_itself_to_search_engines(client, pages, name):
    """A meta description, so a search result says what the forum is (Lighthouse's SEO)."""
    page = parse(client.get(pages[name]).get_data(as_text=True))

    descriptions = [m for m in page.iter("meta") if m.get("name") == "description"]
    assert len(descriptions) == 1
    assert "peer-support community" in descriptions[0].get("content")


@pytest.mark.own_app
def test_a_server_error_sets_no_cookie_either(client, pages):
    response = client.get(pages["broken"])

    assert response.status_code == 500
    assert "Set-Cookie" not in response.headers


@pytest.mark.own_app
@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_response_carries_the_security_headers(client, pages, name):
    """A strict policy: only this site's own files run, nothing inline, no framing."""
    with client.get(pages[name]) as response:
        headers = response.headers
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["Content-Security-Policy"].split(";")
        if directive.strip()
    }

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for sources in policy.values():
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert not any("://" in source or source == "*" for source in sources)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.own_app
@pytest.mark.parametrize("name", [*GUEST_PAGES, "broken"])
def test_pages_load_nothing_from_another_host(client, pages, name):
    """No CDN, font or tracker learns that someone is reading a peer-support forum."""
    page = parse(client.get(pages[name]).get_data(as_text=True))
    references = []
    for element in page.iter():
        for attribute in ("src", "srcset", "data", "poster", "action", "formaction"):
            if element.get(attribute):
                references.append((element.tag, element.get(attribute)))
        if element.tag == "link" and element.get("href"):
            references.append((element.tag, element.get("href")))

    assert ("script", pages["script"]) in references
    assert ("link", pages["stylesheet"]) in references
    for tag, url in references:
        parts = urlsplit(url)
        if parts.scheme == "data":  # the icon, inside the page itself
            continue
        assert parts.scheme == "" and parts.netloc == "", f"<{tag}> loads {url}"


@pytest.mark.own_app
@pytest.mark.parametrize("name", [*GUEST_PAGES, "broken"])
def test_pages_need_nothing_the_policy_would_block(client, pages, name):
    """Inline script, inline style or on* handlers would be silently blocked by the CSP."""
    page = parse(client.get(pages[name]).get_data(as_text=True))

    for element in page.iter():
        assert not (element.tag == "script" and not element.get("src")), "inline script"
        assert element.tag != "style", "inline <style>"
        assert "style" not in element.attrs, f"style attribute on <{element.tag}>"
        assert not any(name.startswith("on") for name in element.attrs), element
        assert not any(name.startswith(("hx-on", "data-hx-on")) for name in element.attrs), element


@pytest.mark.parametrize("url", NOT_FOUND)
def test_missing_things_get_the_site_styled_not_found_page(app, client, url):
    """A broken or mistyped link lands on a calm page of the site, with a way back."""
    response = client.get(url)

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    page = parse(html)
    assert "Test Forum" in page.find("title").text
    assert page.find("h1").text == "We couldn't find that page"
    assert static_address(app, "css/forum.css") in stylesheets(page)
    assert page.find("main").find("a").get("href") == "/"
    assert "Traceback" not in html
    # Neutral, not an alarm: no alert for a screen reader to shout, no red "error" style.
    main = page.find("main")
    assert not [e for e in main.iter() if e.get("role") in ("alert", "alertdialog")]
    assert not [e for e in main.iter() if "error" in e.classes]


def test_an_htmx_request_for_a_missing_page_gets_a_small_error_partial(client):
    """htmx 4 swaps error responses in: it must get the message, not a page in a page."""
    response = client.get("/nope", headers=PARTIAL)

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in html
    assert "We couldn&#39;t find that page" in html or "We couldn't find that page" in html
    assert 'role="status"' in html, "swapped into a page, it is announced, politely"


@pytest.mark.parametrize("suffix", ["", "-wrong-slug", "-my", "-MY-STORY"])
def test_thread_addresses_redirect_permanently_to_the_canonical_one(client, app, suffix):
    """Old or shortened links still work, and search engines learn the one true address."""
    thread = thread_of(start_thread(title="My story"))
    canonical = thread_url(thread)
    assert canonical == f"/t/{thread.id}-my-story"

    response = client.get(f"/t/{thread.id}{suffix}")

    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == canonical
    assert client.get(canonical).status_code == 200


@pytest.mark.own_app
def test_a_server_error_shows_the_styled_page_without_details(app, client, pages):
    """A bug shows a kind, styled apology: no traceback, no internals, nothing half-saved."""
    response = client.get(pages["broken"])

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    page = parse(html)
    assert page.find("h1").text == "Something went wrong on our side"
    assert "Test Forum" in page.find("title").text
    assert static_address(app, "css/forum.css") in stylesheets(page)
    assert "Traceback" not in html
    assert "secret internal detail" not in html
    assert "RuntimeError" not in html
    assert db.session.scalar(select(func.count()).where(Thread.title == "Half-written")) == 0
    assert "Half-written" not in client.get("/").get_data(as_text=True)


def test_htmx_is_served_by_the_forum_at_its_versioned_address(app, client):
    """The page's one script comes from here, cached for a year under its version."""
    version = app.config["HTMX_VERSION"]
    pinned = json.loads((CHECKOUT / "package.json").read_text())["dependencies"]["htmx.org"]

    with client.get(f"/vendor/htmx/{version}/htmx.min.js") as response:
        body = response.get_data()

    assert version == pinned
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert body == (HTMX_DIST / "htmx.min.js").read_bytes()
    assert response.cache_control.max_age == 31_536_000
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "2.0.4/htmx.min.js",
        "latest/htmx.min.js",
        "{version}/htmx.js",
        "{version}/htmx.esm.js",
        "{version}/package.json",
        "{version}/..%2Fpackage.json",
        "{version}/scripts",
        "{version}/",
    ],
)
def test_vendor_route_serves_nothing_else(app, client, path):
    """Only the one pinned file is public; the rest of node_modules stays private."""
    url = "/vendor/htmx/" + path.format(version=app.config["HTMX_VERSION"])

    response = client.get(url)

    assert response.status_code == 404
    assert "We couldn't find that page" in response.get_data(as_text=True).replace("&#39;", "'")


def test_healthz_reports_ok(client):
    """The load balancer's check: the app and its database answer."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
