"""Guests' pages kept rendered, so that a page many guests read is rendered once per change.

The validator of forum.web.conditional names everything a guest's page shows: the thread's or
the site's last change, the code, the settings shown, the page's shape and the moment its
relative times were worded in. Two guests asking for the same address under the same
validator get the same bytes, so the rendered page is kept, in the worker's own memory, up to
a budget of bytes (the least recently read go first). The next guest's page costs the
validator's query and a look-up; any change moves the validator, and the guest after it gets a
fresh render, which takes the old one's place (a validator moves on, and the page kept under
the old one would only take room). A member's page is never kept: it shows them their own
things.

A kept page's compressed bytes are kept with it (flask-compress's cache, `CompressedCopies`):
a browser's guest gets the page compressed once per encoding, not once per guest.
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from flask import Flask, Request, current_app, g, request

from .partials import wants_partial

Slot = tuple[str, bool]
"""A page's address, and whether it is the htmx part of it (`wants_partial`)."""
Kept = tuple[str, bytes]
"""A page's content type and body."""


@dataclass(frozen=True)
class _Shelved:
    """A guest's page on the shelf: the validator it was rendered under, the page, and its
    body compressed, by the encodings the browsers that asked for it accept."""

    etag: str
    page: Kept
    compressed: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.page[1]) + sum(map(len, self.compressed.values()))


class PageShelf:
    """Rendered pages (or parts of pages) by key, least recently read first out, within a
    budget of bytes. Shared by the threads of one worker."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._pages: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            self._pages.move_to_end(key)
            return kept[0]

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0

    def put(self, key: Hashable, page: object, size: int) -> None:
        """Keep `page` under `key`: `size`, about the bytes it holds."""
        if size > self.budget // 4:  # one page never pushes out most of the others
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self.size += size - (old[1] if old is not None else 0)
            self._pages[key] = (page, size)
            while self.size > self.budget:
                _, (_, dropped) = self._pages.popitem(last=False)
                self.size -= dropped


def _shelf() -> PageShelf | None:
    return current_app.extensions.get("guest_pages")


def _slot() -> Slot:
    # The whole address as asked: the host, should the site answer under more than one name,
    # the path and the query (another page of replies is another page). Read raw, as the
    # request brought it: building `request.url` would cost more than the look-up. The page and
    # its htmx part have validators of their own at the same time: each has a slot.
    environ = request.environ
    address = (environ.get(name, "") for name in ("HTTP_HOST", "PATH_INFO", "QUERY_STRING"))
    return ("\n".join(address), wants_partial())


def _shelved(shelf: PageShelf, slot: Slot, etag: str) -> _Shelved | None:
    found = shelf.get(slot)
    return found if found is not None and found.etag == etag else None


def kept_page(etag: str) -> Kept | None:
    """The page a guest asked for (a feed too), rendered before under the same validator, if it
    is kept: its content type and body."""
    shelf = _shelf()
    if shelf is None or request.method != "GET":
        return None
    slot = _slot()
    found = _shelved(shelf, slot, etag)
    if found is None:
        return None
    g.kept_page = (slot, etag)  # the answer is this kept page (CompressedCopies)
    return found.page


def keep_page(etag: str, content_type: str, body: bytes) -> None:
    shelf = _shelf()
    if shelf is not None and request.method == "GET":
        slot = _slot()
        shelf.put(slot, _Shelved(etag, (content_type, body)), len(body))
        g.kept_page = (slot, etag)


class CompressedCopies:
    """flask-compress's cache (its COMPRESS_CACHE_BACKEND): the compressed bodies of kept
    pages, on the shelf with them. It holds nothing else: it answers, and keeps, only when this
    request's answer is a kept page (`g.kept_page`), under that page's slot and validator;
    any other answer is compressed afresh, as without a cache."""

    def _kept(self) -> tuple[PageShelf, Slot, _Shelved] | None:
        kept, shelf = g.get("kept_page"), _shelf()
        if kept is None or shelf is None:
            return None
        slot, etag = kept
        found = _shelved(shelf, slot, etag)
        return (shelf, slot, found) if found is not None else None

    def get(self, key: str) -> bytes | None:
        kept = self._kept()
        return kept[2].compressed.get(key) if kept is not None else None

    def set(self, key: str, value: bytes) -> None:
        kept = self._kept()
        if kept is not None and key not in kept[2].compressed:
            shelf, slot, found = kept
            copied = _Shelved(found.etag, found.page, {**found.compressed, key: value})
            shelf.put(slot, copied, copied.size)


def compressed_copy_key(request: Request) -> str:
    """flask-compress's COMPRESS_CACHE_KEY: the encodings the browser accepts, which decide the
    one it gets (flask-compress adds its name to the key, as well)."""
    return request.headers.get("Accept-Encoding", "")


def init_app(app: Flask) -> None:
    budget = app.config["GUEST_PAGES_KEPT_BYTES"]
    if budget > 0:
        app.extensions["guest_pages"] = PageShelf(budget)
