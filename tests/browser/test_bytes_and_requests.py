"""What a reader's phone fetches, in a real browser: a guest's first view of a thread with 20
replies is the page, the stylesheet and the site's one script (no htmx, the icon inside the
page), 30 KB at most as they travel (compressed); a second view is one request, answered
`304` when nothing changed; the files come from the browser's cache, never asked for again."""

from dataclasses import dataclass

import pytest
from flask import Flask, request, request_finished
from playwright.sync_api import Page, Request
from support.content import thread_url
from support.members import make_member

from forum.database import db
from forum.models import Thread, ThreadKind

FIRST_VIEW_MOST_REQUESTS = 3
FIRST_VIEW_MOST_BYTES = 30 * 1024

# Replies as people write them here: a few sentences to a short paragraph or two.
SENTENCES = [
    "I read your story twice this morning, and I wanted you to know it stayed with me.",
    "The part about not answering the phone for weeks is exactly what happened to me last year.",
    "Nobody around me noticed, and I think I was relieved and hurt at the same time.",
    "What helped, slowly, was one friend who kept sending small messages that asked nothing.",
    "You don't have to have the words ready; saying that it is hard is already something.",
    "Thank you for writing this down, it cannot have been easy to put into sentences.",
    "If you can, tell one person today, even just a little of it.",
    "I'm glad you're still here, and I'm glad you found this place.",
]


def reply_text(n: int) -> str:
    count = 2 + n % 5
    return " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(count))


def thread_with_replies(count: int) -> Thread:
    members = [make_member(name, days_old=30) for name in ("Hazel", "Sorrel", "Bracken", "Fern")]
    opening = Thread.start(
        ThreadKind.STORY,
        "The winter I stopped answering the phone",
        "\n\n".join(reply_text(n) for n in range(4)),
        members[0],
    )
    posts = [opening]
    for n in range(count):
        # Half answer the story, the others answer an earlier reply: a tree, as threads are.
        parent = opening if n % 2 == 0 else posts[n]
        posts.append(parent.reply(members[n % 4], reply_text(n), anonymous=n % 3 == 0))
    db.session.commit()
    return db.session.get(Thread, opening.thread_id)


@dataclass
class Fetched:
    url: str
    status: int
    encoding: str | None
    body_bytes: int


@pytest.fixture
def served(app: Flask) -> list[Fetched]:
    """What the server answered, as it went on the wire (after compression)."""
    answers: list[Fetched] = []

    def record(sender, response, **extra) -> None:
        answers.append(
            Fetched(
                request.full_path.rstrip("?"),
                response.status_code,
                response.headers.get("Content-Encoding"),
                len(response.get_data()) if not response.is_streamed else -1,
            )
        )

    request_finished.connect(record, app)
    yield answers
    request_finished.disconnect(record, app)


def test_a_guests_first_and_second_view_of_a_thread(
    app: Flask, live_server: str, page: Page, served: list[Fetched]
) -> None:
    url = live_server + thread_url(thread_with_replies(20))
    asked: list[Request] = []
    page.on("request", lambda request: asked.append(request))

    page.goto(url)
    page.wait_for_load_state("networkidle")

    first = [request.url for request in asked]
    assert len(first) <= FIRST_VIEW_MOST_REQUESTS, first
    assert len(served) == len(first), served
    assert not any("htmx" in u for u in first), "a guest downloads no htmx"
    assert page.evaluate("typeof htmx") == "undefined"
    sizes = {r.url: r.sizes()["responseBodySize"] for r in asked}
    assert sum(sizes.values()) <= FIRST_VIEW_MOST_BYTES, sizes
    assert all(f.encoding for f in served), [(f.url, f.encoding) for f in served]
    assert sum(f.body_bytes for f in served) <= FIRST_VIEW_MOST_BYTES, served

    # A second view: the page alone, found unchanged; the files from the browser's cache.
    # (Chromium reports the files it takes from its cache as requests too: what reached the
    # server is what travelled.)
    asked.clear()
    served.clear()
    page.goto(url)
    page.wait_for_load_state("networkidle")

    assert [(f.url.split("?")[0], f.status) for f in served] == [
        (url.removeprefix(live_server), 304)
    ]
    assert page.get_by_role("heading", name="20 replies").is_visible()
