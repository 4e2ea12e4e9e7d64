"""Guests' pages kept rendered (forum.web.guest_pages): the next guest reading the same page
gets the same bytes without a render, until anything the page shows changes; a member's page
is never kept, and never handed to a guest. A kept page's compressed bytes are kept with it."""

import gzip
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from support.apps import renders
from support.clients import PARTIAL
from support.clock import validators_hold_still  # noqa: F401 (a fixture)
from support.forms import send_reply
from support.moderation import Community, community

from forum.web import guest_pages
from forum.web.guest_pages import CompressedCopies, PageShelf, keep_page, kept_page

pytestmark = pytest.mark.usefixtures("validators_hold_still")


@pytest.fixture
def town(app) -> Community:
    return community(app)


@contextmanager
def request_to(app: Flask, **options) -> Iterator[None]:
    """A request for a thread's page, in a context of its own (`g` empty), as in production."""
    with app.app_context(), app.test_request_context("/t/1-a-story", **options):
        yield


def test_the_next_guest_gets_the_page_without_a_render(app, town):
    first = town.device(None).get(town.thread_url)
    with renders(app) as rendered:
        second = town.device(None).get(town.thread_url)
    assert second.status_code == 200
    assert rendered == []
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.cache_control.no_cache
    assert "Set-Cookie" not in second.headers
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_a_change_brings_a_fresh_render(app, town):
    guest = town.device(None)
    guest.get(town.thread_url)
    send_reply(town.device(town.another), town.story.id, "Ringing out is allowed too.")
    with renders(app) as rendered:
        page = guest.get(town.thread_url)
    assert rendered
    assert "Ringing out is allowed too." in page.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/stories"])
def test_listings_show_a_new_thread_at_once(app, town, url):
    guest = town.device(None)
    guest.get(url)
    send_reply(town.device(town.another), town.story.id, "Still here with you.")
    with renders(app) as rendered:
        guest.get(url)
    assert rendered, "a listing shows reply counts: a reply is a change"


def test_a_members_page_is_never_kept_nor_given_to_a_guest(app, town):
    member = town.device(town.reader)
    with renders(app) as rendered:
        member.get(town.thread_url)
        member.get(town.thread_url)
    assert len([name for name in rendered if name == "reading/thread.html"]) == 2
    guest_page = town.device(None).get(town.thread_url).get_data(as_text=True)
    assert town.reader.pseudonym not in guest_page.split("<main", 1)[0], "the header is a guest's"
    assert "Log in" in guest_page


def test_a_kept_feed_is_still_a_feed(app, town):
    shelf = app.extensions["guest_pages"]
    shelf.clear()
    first = town.device(None).get("/feed.atom")
    assert shelf.size == len(first.get_data()), "the feed is kept"
    with renders(app) as rendered:
        second = town.device(None).get("/feed.atom")
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.mimetype == "application/atom+xml"
    assert rendered == []


def test_each_address_and_shape_is_kept_apart(app, town):
    guest = town.device(None)
    page = guest.get(town.thread_url).get_data()
    partial = guest.get(town.thread_url, headers=PARTIAL).get_data()
    assert partial != page
    assert guest.get(town.thread_url, headers=PARTIAL).get_data() == partial
    assert guest.get(town.thread_url).get_data() == page
    assert guest.get(f"{town.thread_url}?from=1").get_data() != page


def test_the_shelf_keeps_the_least_recently_read_within_its_budget():
    shelf = PageShelf(budget=400)
    page = ("text/html; charset=utf-8", b"x" * 100)
    shelf.put(("a", "/1"), page, 100)
    shelf.put(("a", "/2"), page, 100)
    shelf.put(("a", "/3"), page, 100)
    assert shelf.get(("a", "/1")) == page  # read again: now the most recent
    shelf.put(("a", "/4"), page, 100)
    shelf.put(("a", "/5"), page, 100)
    assert shelf.get(("a", "/2")) is None
    assert shelf.get(("a", "/1")) == page
    assert shelf.size <= 400
    # More than a quarter of the budget: not kept.
    shelf.put(("a", "/big"), ("text/html", b"x" * 101), 101)
    assert shelf.get(("a", "/big")) is None


def test_a_page_rendered_under_a_new_validator_takes_the_old_ones_place(app):
    shelf = app.extensions["guest_pages"]
    shelf.clear()
    with request_to(app):
        keep_page("before", "text/html", b"x" * 100)
    with request_to(app, headers=PARTIAL):
        keep_page("before, the part", "text/html", b"y" * 10)
    with request_to(app):
        keep_page("after", "text/html", b"z" * 50)
        assert kept_page("before") is None
        assert kept_page("after") == ("text/html", b"z" * 50)
    with request_to(app, headers=PARTIAL):
        assert kept_page("before, the part") == ("text/html", b"y" * 10)
    assert shelf.size == 60


def test_a_kept_page_is_compressed_once_and_its_copy_given_to_the_next_guest(
    app, town, monkeypatch
):
    shelf = app.extensions["guest_pages"]
    gzipped = {"Accept-Encoding": "gzip"}
    page = town.device(None).get(town.thread_url).get_data()  # rendered and kept
    kept = shelf.size
    copies = []
    look_up = CompressedCopies.get

    def get(self, key: str) -> bytes | None:
        copies.append(look_up(self, key))
        return copies[-1]

    monkeypatch.setattr(CompressedCopies, "get", get)
    first = town.device(None).get(town.thread_url, headers=gzipped)
    second = town.device(None).get(town.thread_url, headers=gzipped)
    assert first.headers["Content-Encoding"] == second.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.get_data()) == page
    assert copies == [None, first.get_data()], "compressed for the first guest, kept for the next"
    assert second.get_data() == first.get_data()
    assert shelf.size == kept + len(first.get_data())


def test_a_members_page_and_its_compressed_bytes_are_never_kept(app, town):
    shelf = app.extensions["guest_pages"]
    shelf.clear()
    member = town.device(town.reader)
    for _ in range(2):
        answer = member.get(town.thread_url, headers={"Accept-Encoding": "gzip"})
        assert answer.headers["Content-Encoding"] == "gzip"
    assert shelf.size == 0


def test_compressed_copies_go_with_their_page(app):
    shelf = app.extensions["guest_pages"]
    shelf.clear()
    copies = CompressedCopies()
    with request_to(app):
        keep_page("before", "text/html", b"x" * 100)
        copies.set("gzip", b"c" * 20)
    with request_to(app):
        assert kept_page("before") is not None
        assert copies.get("gzip") == b"c" * 20
        assert copies.get("br") is None
    assert shelf.size == 120
    with request_to(app):
        keep_page("after", "text/html", b"z" * 50)
        assert copies.get("gzip") is None
    assert shelf.size == 50
    with request_to(app):
        assert kept_page("before") is None
        copies.set("gzip", b"c" * 20)  # not this request's answer: nothing kept
    assert shelf.size == 50


@pytest.mark.own_app
def test_a_budget_of_nothing_keeps_nothing(app, town):
    bare = Flask(__name__)
    bare.config["GUEST_PAGES_KEPT_BYTES"] = 0
    guest_pages.init_app(bare)
    assert "guest_pages" not in bare.extensions
    app.extensions.pop("guest_pages")
    town.device(None).get(town.thread_url)
    with renders(app) as rendered:
        town.device(None).get(town.thread_url)
    assert rendered
