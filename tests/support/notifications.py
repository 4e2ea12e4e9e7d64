"""Notifications as a member sees them (the bell, the list's entries), and the reading places
another part of the forum keeps (following a thread, how far a member has read it), written
straight into the database."""

import re
from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import select

from forum.database import db
from forum.models import Notification, Post, ThreadReader, User
from forum.notifications import telling

from .pages import Element, page, parse


def place(user: User, thread_id: int) -> ThreadReader:
    found = db.session.get(ThreadReader, (user.id, thread_id))
    if found is None:
        found = ThreadReader(user_id=user.id, thread_id=thread_id)
        db.session.add(found)
    return found


def follow(user: User, thread_id: int) -> None:
    """`user` follows the thread, as its Follow button leaves it."""
    place(user, thread_id).following = True
    db.session.commit()


def read_up_to(user: User, post: Post) -> None:
    """`user` read `post`'s thread up to `post`, as their visit to the thread leaves it."""
    place(user, post.thread_id).last_seen_post_id = post.id
    db.session.commit()


def told_replies(post: Post, *writers: User, body: str = "A reply.") -> list[Post]:
    """A reply to `post` by each of `writers`, told as the reply form tells them."""
    made = []
    for writer in writers:
        made.append(post.reply(writer, body))
        telling.reply_published(made[-1])
    db.session.commit()
    return made


def notifications_of(user: User) -> list[Notification]:
    """The member's notification rows, oldest first, as the database has them now."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def kinds_of(user: User) -> list[tuple[str, int | None]]:
    """(kind, post id) of each of the member's notifications, oldest first."""
    return [(n.kind, n.post_id) for n in notifications_of(user)]


def everyone_told(post: Post) -> dict[str, str]:
    """Who was told about `post`, by pseudonym, and what kind of notification they got."""
    db.session.expire_all()
    rows = db.session.execute(
        select(User.pseudonym, Notification.kind)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.post_id == post.id)
    )
    return dict(rows.all())


# --- The bell ----------------------------------------------------------------------------


def bell_of(tree: Element) -> Element | None:
    return tree.by_id("notifications-link")


def bell(client: FlaskClient, url: str = "/") -> Element:
    found = bell_of(page(client, url))
    assert found is not None, "no bell"
    return found


def unread_shown(bell_item: Element) -> int | None:
    """The number the bell shows (None when it shows none)."""
    count = bell_item.find("span", class_="count")
    return int(re.search(r"\d+", count.visible_text).group()) if count is not None else None


# --- The list ----------------------------------------------------------------------------


@dataclass
class Shown:
    """One line of /notifications, as a reader sees it."""

    element: Element

    @property
    def id(self) -> str:
        return self.element.get("id") or ""

    @property
    def text(self) -> str:
        """What it says, without its "New" mark (see `unread`)."""
        return self.element.find("p", class_="what").visible_text.removeprefix("New ")

    @property
    def marked_new(self) -> bool:
        """Marked "New" in words, not by colour alone."""
        tag = self.element.find("span", class_="new")
        return tag is not None and tag.text == "New"

    @property
    def unread(self) -> bool:
        return "unread" in self.element.classes

    @property
    def links(self) -> list[str]:
        return [a.get("href") for a in self.element.find("p", class_="what").iter("a")]

    @property
    def form(self) -> Element | None:
        return next(iter(self.element.iter("form")), None)


def entries_in(tree: Element | str) -> list[Shown]:
    """The lines of the notifications list (not the waiting stories), in order."""
    tree = tree if isinstance(tree, Element) else parse(tree)
    listing = tree.by_id("notification-list")
    if listing is None:
        return []
    return [Shown(li) for li in listing.elements if "notification" in li.classes]


def entries(client: FlaskClient, url: str = "/notifications") -> list[Shown]:
    return entries_in(page(client, url))


def waiting_in(tree: Element) -> list[Shown] | None:
    """The waiting stories a listener is shown (None: no such section)."""
    section = next(
        (s for s in tree.iter("section") if s.get("aria-labelledby") == "waiting-title"), None
    )
    if section is None:
        return None
    return [Shown(li) for li in section.find_all("li", class_="notification")]
