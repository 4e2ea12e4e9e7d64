"""The moderation scene: a small community (members, a moderator, an admin, a story with
replies), the moderators' forms sent as a browser sends them, and the parts of the queue and
the public log a reader looks at."""

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.database import db
from forum.models import (
    ModerationAction,
    Post,
    Report,
    ReportReason,
    Role,
    Suspension,
    Thread,
    ThreadKind,
    User,
)

from .clients import PARTIAL, device, signed_in
from .content import reply, start_thread, thread_url, unpace
from .forms import csrf_token
from .members import make_member
from .pages import Element, csrf_token_in, html_of, page, parse

# Pseudonyms chosen to be their own likeness key (no i, 0, 1, 5, "rn", "vv"), so the routes
# that find a member by name find these, and unlike any alias of an anonymous post.
AUTHOR = "Hazel"
READER = "Sorrel"
ANOTHER = "Bracken"
MODERATOR = "Cedar"
SECOND_MODERATOR = "Maple"
ADMIN = "Aspen"
SECOND_ADMIN = "Rowan"

STORY_TITLE = "The winter I stopped answering the phone"
STORY_BODY = "For weeks I let every call ring out."
REPLY_BODY = "You are a waste of everyone's time."  # the reply moderators will act on
ANSWER_BODY = "Please don't talk to people like that."  # a reply to it, which must stay


@dataclass
class Community:
    """Members and staff, each with a device of their own, and a story with a reply thread:
    `story` (by the author) <- `harsh` (by the reader) <- `answer` (by another member)."""

    app: Flask
    author: User
    reader: User
    another: User
    moderator: User
    admin: User
    story: Post
    harsh: Post
    answer: Post

    def device(self, user: User | None) -> FlaskClient:
        return signed_in(self.app, user) if user is not None else device(self.app)

    @property
    def thread(self) -> Thread:
        return db.session.get(Thread, self.story.thread_id)

    @property
    def thread_url(self) -> str:
        return thread_url(self.thread)


def community(app: Flask) -> Community:
    unpace(app)
    author = make_member(AUTHOR, days_old=30)
    reader = make_member(READER, days_old=30)
    another = make_member(ANOTHER, days_old=30)
    moderator = make_member(MODERATOR, Role.MODERATOR, days_old=90)
    admin = make_member(ADMIN, Role.ADMIN, days_old=365)
    story = start_thread(ThreadKind.STORY, STORY_TITLE, STORY_BODY, author)
    harsh = reply(story, reader, REPLY_BODY)
    answer = reply(harsh, another, ANSWER_BODY)
    return Community(app, author, reader, another, moderator, admin, story, harsh, answer)


# --- Sending the moderators' forms ---------------------------------------------------------


def send(client: FlaskClient, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
    """POST a form with this device's CSRF token, as the page's form (or htmx) sends it."""
    # A session keeps one token, so each device reads it once.
    if not hasattr(client, "csrf_token"):
        client.csrf_token = csrf_token(client, "/settings")
    values = {"csrf_token": client.csrf_token, **(data or {})}
    return client.post(url, data=values, headers=PARTIAL if htmx else None, **kwargs)


def remove(client, post: Post, reason: str = "harassment", note: str = "", **kwargs):
    return send(client, f"/mod/posts/{post.id}/remove", {"reason": reason, "note": note}, **kwargs)


def restore(client, post: Post, **kwargs):
    return send(client, f"/mod/posts/{post.id}/restore", **kwargs)


def dismiss(client, post: Post, **kwargs):
    return send(client, f"/mod/posts/{post.id}/dismiss", {"from": "queue"}, **kwargs)


def approve(client, post: Post, **kwargs):
    return send(client, f"/mod/posts/{post.id}/approve", {"from": "queue"}, **kwargs)


def suspend_author(
    client, post: Post, duration: str = "1", reason: str = "Please be kind.", **kwargs
):
    data = {"duration": duration, "reason": reason, **kwargs.pop("data", {})}
    return send(client, f"/mod/posts/{post.id}/suspend-author", data, **kwargs)


def lock(client, thread: Thread, reason: str = "", **kwargs):
    return send(client, f"/mod/threads/{thread.id}/lock", {"reason": reason}, **kwargs)


def pin(client, thread: Thread, **kwargs):
    return send(client, f"/mod/threads/{thread.id}/pin", **kwargs)


def standing_suspension(post: Post) -> Suspension:
    """The suspension made through `post` that still stands."""
    return db.session.scalars(
        select(Suspension).where(Suspension.post_id == post.id, Suspension.lifted_at.is_(None))
    ).one()


def lift_suspension(client, post: Post, **kwargs):
    """Lift the suspension made through `post`, as the queue's button does."""
    return send(client, f"/mod/suspensions/{standing_suspension(post).id}/lift", **kwargs)


def report(client, post: Post, reason: str = "harassment", note: str = ""):
    """A member's report, through the report page's own form."""
    url = f"/p/{post.id}/report"
    form_page = client.get(url)
    assert form_page.status_code == 200, form_page.status_code
    token = csrf_token_in(html_of(form_page))
    return client.post(url, data={"csrf_token": token, "reason": reason, "note": note})


def file_reports(post: Post, *reasons: ReportReason) -> None:
    """Reports on `post` from new members, one per reason."""
    for number, reason in enumerate(reasons):
        reporter = make_member(f"reporter_{chr(ord('a') + number)}_{post.id}", days_old=10)
        db.session.add(Report(post_id=post.id, reporter_id=reporter.id, reason=reason))
    db.session.commit()


def flashed(client: FlaskClient, response) -> str:
    """The page a plain form's redirect leads to, as text (with its flashed message)."""
    assert response.status_code == 303, (response.status_code, html_of(response)[:500])
    return html_of(client.get(response.headers["Location"]))


def told_at_post(client: FlaskClient, response, post: Post) -> str:
    """What a plain form's redirect to `post` says on the post itself, where the page opens;
    asserting that nothing is said at the top of the page, out of sight."""
    assert response.status_code == 303, (response.status_code, html_of(response)[:500])
    assert response.headers["Location"].endswith(f"#p{post.id}"), response.headers["Location"]
    tree = parse(html_of(client.get(response.headers["Location"])))
    assert tree.find("div", class_="notice") is None, tree.find("div", class_="notice").text
    said = tree.by_id(f"p{post.id}").find("p", class_="notice")
    return said.text if said else ""


# --- Reading the results -------------------------------------------------------------------


def actions() -> list[ModerationAction]:
    db.session.expire_all()
    return list(db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)))


def open_reports(post: Post) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Report.id)).where(Report.post_id == post.id, Report.resolved_at.is_(None))
    )


def queue_section(tree: Element, title_id: str) -> Element:
    """A section of /mod: "reports-title" or "waiting-title"."""
    section = next((s for s in tree.iter("section") if s.get("aria-labelledby") == title_id), None)
    assert section is not None, f"no section {title_id}"
    return section


def reported_items(client: FlaskClient) -> list[Element]:
    """The reports in the moderation queue, in the order shown."""
    tree = page(client, "/mod")
    return queue_section(tree, "reports-title").find_all("li", class_="queue-item")


def waiting_items(client: FlaskClient) -> list[Element]:
    tree = page(client, "/mod")
    return queue_section(tree, "waiting-title").find_all("li", class_="queue-item")


def item_post_id(item: Element) -> int:
    """The post a queue card is about, from the card's id: "report-12" in the reports,
    "waiting-12" among the waiting posts, with "-after-..." on a later page."""
    section, post_id, *_ = item.get("id").split("-")
    assert section in ("report", "waiting"), item.get("id")
    return int(post_id)


def log_entries(html: str) -> list[Element]:
    listing = parse(html).by_id("log-entries")
    if listing is None:
        return []
    return [li for li in listing.elements if li.tag == "li" and "more" not in li.classes]


def tombstone(tree: Element, post: Post) -> str:
    stone = tree.by_id(f"p{post.id}").find("p", class_="tombstone")
    return stone.text if stone else ""
