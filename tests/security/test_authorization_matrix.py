"""Who may do what, route by route: an authorization matrix read from the app's own URL map.

Every rule and method of `app.url_map` is requested by each kind of reader (a guest, a member,
a suspended member, a moderator, a suspended moderator and an admin) on their own content,
another member's and an admin's, in the states a post or thread can be in: published, waiting
for approval, removed by moderators, in a thread the moderators removed, in a locked thread,
deleted by its author, and flagged as its writer may be at risk. An admin's posts are asked
about in the states where who wrote a post can count (published, waiting, removed, in a
removed thread), and an admin's anonymous post by the staff, who could act on it: who wrote an
anonymous post must never change their answer. What each reader should get is the table
`EXPECTED` below, one row per endpoint, written from the forum's visibility and action policy
(forum/policy.py). A route without a row fails `test_every_route_has_a_row`: whoever adds a
route decides here who may use it.

What an answer counts as:
- "ok": 2xx, or a redirect anywhere but the login page (a 200 page, a 303 after a form, a 301
  to a thread's one address, a member sent on from /login...);
- "login": a redirect to /login (a guest on a member's route);
- a status: 400, 403, 404 (not there for this reader), 410 (a removed thread); a 422 means the
  form sent was wrong (a mistake in `FORMS`) and is never expected.
A moderator's plain (no-JS) form that is refused goes back where it came from with the refusal
flashed, as moderation/test_roles.py expects: a redirect flashing one of `REFUSALS` counts as
403. The moderators' actions on a post answer htmx with the post as it stands, or 403 when
refused, so they are sent as htmx sends them.

Every POST carries the device's CSRF token and a form that can succeed (a reply's text, a
report's reason, a suspension's length...), so that a missing refusal is never hidden behind a
400 or a 422. A POST that succeeds changes the world (a post removed, a thread locked, an
author suspended), so the rows it may have touched are put back after it; accounts' own forms
(log out, change the password, delete the account) are sent by a twin of the reader made for
that one request.

Where the policy leaves a cell open, its row accepts either answer (`either(OK, 403)`):
- staff replying, reacting or reporting in a removed thread, or editing their own post there;
- staff locking or pinning their own thread, or a moderator an admin's (a thread, not a post);
- an admin opening the reveal form of a post that isn't anonymous (sending it is refused);
- a suspended member's preview and bio (neither is a post); muting oneself (400 or 403).
Two readings are this table's own: a waiting thread is 404 at /t/<id> too, as at
/t/<id>-<slug> (a redirect there would show its title, in the slug, to anyone); and a suspended
member is refused the page of a form they may not send (compose, reply) as well as the sending,
the policy's order (log in, see, suspension, state) putting the suspension first.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, bindparam, select
from support.clients import PARTIAL, device, signed_in
from support.content import unpace
from support.forms import csrf_token
from support.members import NEW_PASSWORD, PASSWORD, give_recovery_codes, make_member
from werkzeug.routing import Rule

from forum.database import db, utcnow
from forum.models import (
    INDEFINITELY,
    Post,
    RevealRequest,
    Role,
    Suspension,
    Thread,
    ThreadKind,
    User,
)

# --- Who asks, whose content, in which state ----------------------------------------------

GUEST = "guest"
MEMBER = "member"
SUSPENDED = "suspended member"
MODERATOR = "moderator"
SUSPENDED_MODERATOR = "suspended moderator"
ADMIN = "admin"
ACTORS = (GUEST, MEMBER, SUSPENDED, MODERATOR, SUSPENDED_MODERATOR, ADMIN)
# Each signed-in reader's account: pseudonym, role, suspended or not.
ACCOUNTS = {
    MEMBER: ("Hazel", Role.MEMBER, False),
    SUSPENDED: ("Sorrel", Role.MEMBER, True),
    MODERATOR: ("Cedar", Role.MODERATOR, False),
    SUSPENDED_MODERATOR: ("Maple", Role.MODERATOR, True),
    ADMIN: ("Aspen", Role.ADMIN, False),
}

OWN = "own"
MEMBERS = "member's"
ADMINS = "admin's"
ANONYMOUS_ADMINS = "admin's anonymous"
OWNERS = (OWN, MEMBERS, ADMINS, ANONYMOUS_ADMINS)
# Whose content "a member's" and "an admin's" is (for the admin reader, a second admin's).
OTHERS = {MEMBERS: ("Bracken", Role.MEMBER), ADMINS: ("Rowan", Role.ADMIN)}

PUBLISHED = "published"
WAITING = "waiting"
REMOVED = "removed"
THREAD_REMOVED = "thread removed"
LOCKED = "locked"
DELETED = "deleted"
AT_RISK = "at risk"
STATES = (PUBLISHED, WAITING, REMOVED, THREAD_REMOVED, LOCKED, DELETED, AT_RISK)
# The states each owner's posts are asked about: an admin's where who wrote it may count.
OWNER_STATES = {
    OWN: STATES,
    MEMBERS: STATES,
    ADMINS: (PUBLISHED, WAITING, REMOVED, THREAD_REMOVED),
    ANONYMOUS_ADMINS: (PUBLISHED, WAITING, REMOVED, THREAD_REMOVED),
}
# The states of a thread itself (the others are its reply's, and leave the thread as it is).
THREAD_STATES = (PUBLISHED, WAITING, THREAD_REMOVED, LOCKED)

# --- Answers -------------------------------------------------------------------------------

OK = "ok"
LOGIN = "login"
Answer = str | int
Expected = Answer | frozenset[Answer]


def either(*answers: Answer) -> frozenset[Answer]:
    """A cell the policy leaves open: any of these answers is right."""
    return frozenset(answers)


def is_staff(actor: str) -> bool:
    """Moderators and admins who may moderate now: a suspended moderator is a suspended member."""
    return actor in (MODERATOR, ADMIN)


def is_suspended(actor: str) -> bool:
    return actor in (SUSPENDED, SUSPENDED_MODERATOR)


def owners_for(actor: str) -> tuple[str, ...]:
    """Whose posts a reader is asked about: a guest has none of their own, and an admin's
    anonymous post is asked about by those who could act on it (for everyone else, who wrote
    another's post never counts, named or not)."""
    owners = OWNERS if is_staff(actor) else (OWN, MEMBERS, ADMINS)
    return owners[1:] if actor == GUEST else owners


def unseen(actor: str, owner: str | None, state: str | None) -> int | None:
    """410 in a removed thread, 404 for a waiting post, to whoever may not see them; None when
    the reader may see the post."""
    if state == THREAD_REMOVED and not is_staff(actor):
        return 410
    if state == WAITING and owner != OWN and not is_staff(actor):
        return 404
    return None


# --- Rows: (actor, owner, state) -> the expected answer --------------------------------------

Row = Callable[[str, str | None, str | None], Expected]


def anyone(actor, owner, state) -> Expected:
    return OK


def signed_in_only(actor, owner, state) -> Expected:
    """A member's own pages, which a suspended member keeps (settings, export, log out...)."""
    return LOGIN if actor == GUEST else OK


def active_members(actor, owner, state) -> Expected:
    """Writing a new post: not while suspended."""
    if actor == GUEST:
        return LOGIN
    return 403 if is_suspended(actor) else OK


def members_writing_nothing(actor, owner, state) -> Expected:
    """Members' tools that publish no post (the policy doesn't say for suspended members)."""
    if actor == GUEST:
        return LOGIN
    return either(OK, 403) if is_suspended(actor) else OK


def staff_only(actor, owner, state) -> Expected:
    if actor == GUEST:
        return LOGIN
    return OK if is_staff(actor) else 403


def public_read(actor, owner, state) -> Expected:
    """A page anyone may read, if they may see what it names."""
    return unseen(actor, owner, state) or OK


def guests_read(actor, owner, state) -> Expected:
    """A feed of a thread: what a guest may read, the same whoever asks (staff and a waiting
    thread's author too)."""
    return unseen(GUEST, None, state) or OK


def members_read(actor, owner, state) -> Expected:
    """A member's page about a post they may see (the take-care page after posting), or their
    choice about a thread they may open (following it)."""
    return LOGIN if actor == GUEST else unseen(actor, owner, state) or OK


def act_on_post(*refused: str, authors_only: bool = False, not_authors: bool = False) -> Row:
    """A member's action on a post, in the policy's order: log in, see it, not suspended, then
    whose post it is and the `refused` states say no with 403."""

    def row(actor, owner, state) -> Expected:
        if actor == GUEST:
            return LOGIN
        if hidden := unseen(actor, owner, state):
            return hidden
        if is_suspended(actor):
            return 403
        if (authors_only and owner != OWN) or (not_authors and owner == OWN):
            return 403
        if state in refused:
            return 403
        if state == THREAD_REMOVED:  # only staff get this far; the policy doesn't say
            return either(OK, 403)
        return OK

    return row


def moderation(actor, owner, state) -> Expected:
    """Moderating a post or an account: staff only; never one's own; a moderator never an
    admin's named post or account. Who wrote an anonymous post is never consulted."""
    if actor == GUEST:
        return LOGIN
    if not is_staff(actor) or owner == OWN:
        return 403
    if owner == ADMINS and actor == MODERATOR:
        return 403
    return OK


def thread_moderation(actor, owner, state) -> Expected:
    """Locking or pinning: staff only; whether the opening post's author counts is open."""
    answer = moderation(actor, owner, state)
    return either(OK, 403) if answer == 403 and is_staff(actor) else answer


def reveal_form(actor, owner, state) -> Expected:
    """Only an admin asks who wrote an anonymous post."""
    if actor == GUEST:
        return LOGIN
    if actor != ADMIN:
        return 403
    return OK if owner == ANONYMOUS_ADMINS else either(OK, 403)


def reveal_sent(actor, owner, state) -> Expected:
    """Sent, the request is refused unless the post is anonymous."""
    if actor == ADMIN and owner != ANONYMOUS_ADMINS:
        return 403
    return reveal_form(actor, owner, state)


def reveal_answer(actor, owner, state) -> Expected:
    """A reveal request's answer: for the admin who asked, and nobody else."""
    if actor == GUEST:
        return LOGIN
    return OK if is_staff(actor) and owner == OWN else 403


def reveal_approval(actor, owner, state) -> Expected:
    """A second moderator or admin approves; never the one who asked."""
    if actor == GUEST:
        return LOGIN
    return OK if is_staff(actor) and owner != OWN else 403


def mute(actor, owner, state) -> Expected:
    if actor == GUEST:
        return LOGIN
    return either(400, 403) if owner == OWN else OK


# Every endpoint, and what each reader gets from it; a dict by method when its methods differ.
EXPECTED: dict[str, Row | dict[str, Row]] = {
    # Reading
    "reading.home": anyone,
    "reading.stories": anyone,
    "reading.unanswered": signed_in_only,
    "reading.thread": public_read,
    "reading.post_in_context": public_read,
    "reading.profile": anyone,
    "reading.healthz": anyone,
    "feeds.conversations": anyone,
    "feeds.stories": anyone,
    "feeds.replies": guests_read,
    "moderation_public.log": anyone,
    "safety.help": anyone,
    "safety.privacy": anyone,
    "safety.take_care": members_read,
    "search.search": anyone,
    "static": anyone,
    "vendor.htmx": anyone,
    # Writing
    "posting.new_story": active_members,
    "posting.new_discussion": active_members,
    "posting.preview": members_writing_nothing,
    "posting.reply": act_on_post(LOCKED, REMOVED, DELETED, WAITING),
    "posting.react": act_on_post(LOCKED, REMOVED, DELETED, WAITING, AT_RISK),
    "moderation_public.report": act_on_post(REMOVED, DELETED, WAITING, not_authors=True),
    "posting.edit": act_on_post(REMOVED, DELETED, authors_only=True),
    "posting.delete": act_on_post(REMOVED, DELETED, authors_only=True),
    "posting.unlink": act_on_post(REMOVED, DELETED, authors_only=True),
    "safety.mute": mute,
    # Following
    "following.follow": members_read,  # a suspended member may follow: it publishes nothing
    "following.conversations": signed_in_only,
    # Moderating
    "moderation.queue": staff_only,
    "moderation.waiting": staff_only,
    "moderation.remove": moderation,
    "moderation.restore": moderation,
    "moderation.dismiss": moderation,
    "moderation.approve": moderation,
    "moderation.suspend_author": moderation,
    "moderation.lift_suspension": moderation,
    "moderation.lock": thread_moderation,
    "moderation.pin": thread_moderation,
    "moderation.request_reveal": {"GET": reveal_form, "POST": reveal_sent},
    "moderation.reveal": reveal_answer,
    "moderation.approve_reveal": reveal_approval,
    # Notifications: a member's own (a suspended member keeps reading them)
    "notifications.index": signed_in_only,
    "notifications.bell": signed_in_only,  # asked for as a page: sent to the notifications
    "notifications.mark_read": signed_in_only,
    "notifications.mark_all_read": signed_in_only,
    # Accounts and settings
    "accounts.join": anyone,  # a member is sent home
    "accounts.login": anyone,  # a member is sent on
    "accounts.logout": anyone,
    "accounts.recover": anyone,
    "accounts.codes_kept": signed_in_only,
    "accounts.codes": signed_in_only,  # with none waiting, a member is sent to their settings
    "accounts.download_codes": signed_in_only,
    "settings.index": signed_in_only,
    "settings.export": signed_in_only,
    "settings.change_password": signed_in_only,
    "settings.delete_account": signed_in_only,
    "settings.preferences": signed_in_only,
    "settings.regenerate_codes": signed_in_only,
    "settings.edit_bio": members_writing_nothing,
    "settings.end_other_sign_ins": signed_in_only,
    # Sent without the device to sign out (FORMS has none to give): 400 for every member.
    "settings.end_sign_in": lambda actor, owner, state: LOGIN if actor == GUEST else 400,
}


# --- What the forms send -------------------------------------------------------------------


@dataclass
class Target:
    """What a request names and sends: the values of its URL's arguments (a post, a thread, a
    member, a suspension, a reveal request), and for accounts' own forms the twin sending it."""

    values: dict[str, Any] = field(default_factory=dict)
    user: User | None = None
    codes: list[str] = field(default_factory=list)
    number: int = 0


def token() -> str:
    """A writing form's one-time token, new for each form sent."""
    return uuid.uuid4().hex


FORMS: dict[str, dict | Callable[[Target], dict]] = {
    "accounts.join": lambda t: {
        "pseudonym": f"Newcomer-{t.number}",
        "password": PASSWORD,
        "password_again": PASSWORD,
    },
    "accounts.login": lambda t: {"pseudonym": t.user.pseudonym, "password": PASSWORD},
    "accounts.recover": lambda t: {
        "pseudonym": t.user.pseudonym,
        "code": t.codes[0],
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    },
    "accounts.codes_kept": lambda t: {
        **{f"codes-{i}": code for i, code in enumerate(t.codes)},
        "kept": "y",
    },
    "accounts.download_codes": lambda t: {f"codes-{i}": code for i, code in enumerate(t.codes)},
    "posting.new_story": lambda t: {
        "title": "A long winter",
        "body": "I finally talked to someone.",
        "intent": "listening",
        "token": token(),
    },
    "posting.new_discussion": lambda t: {
        "title": "What helps you sleep?",
        "body": "Small things that helped.",
        "token": token(),
    },
    "posting.preview": {"body": "*gently*"},
    "posting.reply": lambda t: {
        f"reply-{t.values['post_id']}-body": "You are not alone.",
        f"reply-{t.values['post_id']}-token": token(),
    },
    "posting.edit": lambda t: {"body": "Something that happened, told better.", "token": token()},
    "posting.react": {"kind": "support"},
    "following.follow": {"follow": "yes"},
    "moderation_public.report": {"reason": "harassment", "note": ""},
    "moderation.remove": {"reason": "harassment"},
    "moderation.suspend_author": {"duration": "1", "reason": "Please be kind."},
    "moderation.lock": {"reason": "Heated."},
    "moderation.request_reveal": {"reason": "Someone's safety may depend on knowing this."},
    "settings.change_password": {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    },
    "notifications.mark_read": {"entry": "replies-1", "upto": "1"},
    "notifications.mark_all_read": {"upto": "1", "waiting": "1"},
    "settings.edit_bio": {"bio": "I like long walks."},
    "settings.preferences": {"unfold_content_warnings": "y"},
    "settings.regenerate_codes": {"codes-password": PASSWORD},
    "settings.delete_account": {
        "delete-password": PASSWORD,
        "delete-posts": "keep",
        "delete-confirm": "y",
    },
}
# The twin sending these needs recovery codes of its own.
NEEDS_CODES = {"accounts.recover", "accounts.codes_kept", "accounts.download_codes"}
# Sent as htmx sends them: these answer with the post as it stands, or 403 when refused.
AS_HTMX = {
    "moderation.remove",
    "moderation.restore",
    "moderation.dismiss",
    "moderation.approve",
    "moderation.suspend_author",
}
# What a moderator's refused plain form flashes on its way back (forum/moderation/actions.py,
# forum/policy.py).
REFUSALS = (
    "You can't take this action on your own account or posts.",
    "This needs an admin.",
    "A second moderator or admin must approve your own request.",
    "Only an admin can ask who wrote an anonymous post.",
    "This post isn't anonymous.",
    "account no longer exists.",
)


# --- The world: members, staff, and a thread for each owner and state ---------------------


@dataclass
class Cell:
    """What one request names: a thread (an opening post and one reply, by one author, in one
    state; requests name the reply or the thread), a member, a suspension or a reveal request.
    `rows` are put back after a POST that succeeded."""

    values: dict[str, Any]
    rows: list[tuple[Table, dict]] = field(default_factory=list)


@dataclass
class World:
    app: Flask
    users: dict[str, User]
    others: dict[str, User]
    cells: dict[tuple[str, str], Cell]
    """By (owner, state); a reader's own cells under (their pseudonym, state)."""
    reveals: dict[str, Cell]
    """Reveal requests by who asked: "own" (the admin reader) or "admin's" (a second admin)."""
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    twins: count = field(default_factory=lambda: count(1))

    def cell(self, actor: str, owner: str, state: str) -> Cell:
        return self.cells[ACCOUNTS[actor][0] if owner == OWN else owner, state]


def snapshot(model, *ids: int) -> list[tuple[Table, dict]]:
    table = model.__table__
    rows = db.session.execute(select(table).where(table.c.id.in_(ids))).mappings()
    return [(table, dict(row)) for row in rows]


def put_back(rows: list[tuple[Table, dict]]) -> None:
    """The rows as they were, each table's in one statement."""
    by_table: dict[Table, list[dict]] = {}
    for table, row in rows:
        by_table.setdefault(table, []).append({f"old_{key}": value for key, value in row.items()})
    for table, values in by_table.items():
        db.session.execute(restoring(table), values)
    db.session.commit()


@cache
def restoring(table: Table):
    return (
        table.update()
        .where(table.c.id == bindparam("old_id"))
        .values({column.name: bindparam(f"old_{column.name}") for column in table.c})
    )


def write_cell(author: User, anonymous: bool, state: str, number: int, remover: User) -> Cell:
    opening = Thread.start(
        ThreadKind.DISCUSSION, f"Thread {number}", "Something that happened.", author,
        anonymous=anonymous,
    )  # fmt: skip
    thread = opening.thread
    post = opening.reply(author, "A reply of my own.", anonymous=anonymous)
    now = utcnow()
    if state == WAITING:  # a new member's first posts: the thread and the reply both wait
        opening.awaiting_approval = post.awaiting_approval = True
    elif state == REMOVED:
        post.removed_at, post.removed_by_id, post.removal_reason = now, remover.id, "spam"
    elif state == THREAD_REMOVED:
        opening.removed_at, opening.removed_by_id, opening.removal_reason = now, remover.id, "spam"
        thread.removed_at = now
    elif state == LOCKED:
        thread.locked = True
    elif state == DELETED:
        post.delete_by_author()
    elif state == AT_RISK:
        post.may_be_at_risk = True
    db.session.flush()
    values = {"thread_id": thread.id, "slug": thread.slug, "post_id": post.id}
    return Cell(
        values, [(Thread, thread.id), (Post, post.id), (Post, opening.id), (User, author.id)]
    )


def build_world(app: Flask, readers: tuple[str, ...] = ACTORS) -> World:
    """The accounts, every reader's device, the threads of other members and admins, and the
    own threads of `readers`."""
    unpace(app)
    users = {}
    for actor, (name, role, suspended) in ACCOUNTS.items():
        suspension = {"suspended_until": INDEFINITELY, "suspension_reason": "A pause."}
        users[actor] = make_member(name, role, days_old=30, **(suspension if suspended else {}))
    others = {owner: make_member(name, role, days_old=30) for owner, (name, role) in OTHERS.items()}
    authors = {
        ACCOUNTS[actor][0]: (users[actor], False, STATES) for actor in readers if actor != GUEST
    }
    authors |= {
        MEMBERS: (others[MEMBERS], False, OWNER_STATES[MEMBERS]),
        ADMINS: (others[ADMINS], False, OWNER_STATES[ADMINS]),
        ANONYMOUS_ADMINS: (others[ADMINS], True, OWNER_STATES[ANONYMOUS_ADMINS]),
    }
    cells = {}
    for key, (author, anonymous, states) in authors.items():
        for state in states:
            cells[key, state] = write_cell(
                author, anonymous, state, len(cells) + 1, users[MODERATOR]
            )
    # Reveal requests on a member's anonymous reply: one from a second admin, waiting for
    # approval; one from the admin reader, approved.
    answered = db.session.get(Post, cells[MEMBERS, PUBLISHED].values["post_id"])
    hidden = answered.reply(others[MEMBERS], "Said without my name.", anonymous=True)
    db.session.flush()
    asked = {
        ADMINS: RevealRequest(
            post_id=hidden.id, requested_by_id=others[ADMINS].id, reason="x" * 30,
        ),
        OWN: RevealRequest(
            post_id=hidden.id, requested_by_id=users[ADMIN].id, reason="y" * 30,
            approved_by_id=users[MODERATOR].id, approved_at=utcnow(),
        ),
    }  # fmt: skip
    db.session.add_all(asked.values())
    db.session.commit()
    for cell in cells.values():
        cell.rows = [row for model, ident in cell.rows for row in snapshot(model, ident)]
    reveals = {
        owner: Cell({"request_id": r.id}, snapshot(RevealRequest, r.id))
        for owner, r in asked.items()
    }
    world = World(app, users, others, cells, reveals)
    for actor in ACTORS:
        world.clients[actor] = device(app) if actor == GUEST else signed_in(app, users[actor])
        world.tokens[actor] = csrf_token(
            world.clients[actor], "/login" if actor == GUEST else "/settings"
        )
    return world


# --- Asking, and comparing -----------------------------------------------------------------


@dataclass
class Mismatch:
    endpoint: str
    method: str
    rule: str
    actor: str
    owner: str
    state: str
    expected: Expected
    observed: str


class Matrix:
    """Requests, each compared with its row; every mismatch is kept for one report."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.mismatches: list[Mismatch] = []
        self.asked = 0

    def ask(
        self,
        rule: Rule,
        method: str,
        actor: str,
        owner: str = "",
        state: str = "",
        target: Target | None = None,
        client: FlaskClient | None = None,
        csrf: str | None = None,
    ) -> Answer:
        target = target or Target()
        expected = expectation(rule.endpoint, method)(actor, owner or None, state or None)
        client = client or self.world.clients[actor]
        data = None
        if method == "POST":
            form = FORMS.get(rule.endpoint, {})
            data = {
                "csrf_token": csrf or self.world.tokens[actor],
                **(form(target) if callable(form) else form),
            }
        headers = PARTIAL if rule.endpoint in AS_HTMX else None
        response = client.open(
            url_for_rule(rule, target.values), method=method, data=data, headers=headers
        )
        response.close()
        observed, detail = answer_of(client, response)
        self.asked += 1
        allowed = expected if isinstance(expected, frozenset) else {expected}
        if observed not in allowed:
            self.mismatches.append(
                Mismatch(rule.endpoint, method, rule.rule, actor, owner, state, expected, detail)
            )
        return observed

    def check(self) -> None:
        if self.mismatches:
            pytest.fail(report(self.mismatches, self.asked), pytrace=False)


def answer_of(client: FlaskClient, response) -> tuple[Answer, str]:
    """What the answer counts as, and what it was."""
    status = response.status_code
    if not 300 <= status < 400:
        return (OK if 200 <= status < 300 else status), str(status)
    where = response.headers.get("Location", "")
    with client.session_transaction() as session:  # read, and forget, what it flashed
        flashes = [message for _, message in session.pop("_flashes", [])]
    detail = f"{status} to {where}" + (f", flashing {flashes}" if flashes else "")
    if urlsplit(where).path == "/login":
        return LOGIN, detail
    if any(refusal in message for message in flashes for refusal in REFUSALS):
        return 403, detail
    return OK, detail


def report(mismatches: list[Mismatch], asked: int) -> str:
    header = ("endpoint", "route", "reader", "whose", "state", "expected", "got")
    lines = [
        (m.endpoint, f"{m.method} {m.rule}", m.actor, m.owner or "-", m.state or "-",
         shown(m.expected), m.observed)
        for m in sorted(mismatches, key=lambda m: (m.endpoint, m.rule, m.method))
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    table = "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *lines]
    )
    return (
        f"{len(mismatches)} of {asked} requests were answered otherwise than EXPECTED says "
        f"(tests/security/test_authorization_matrix.py):\n{table}"
    )


def shown(expected: Expected) -> str:
    if isinstance(expected, frozenset):
        return " or ".join(sorted(str(answer) for answer in expected))
    return str(expected)


def expectation(endpoint: str, method: str) -> Row:
    row = EXPECTED[endpoint]
    return row[method] if isinstance(row, dict) else row


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def url_for_rule(rule: Rule, values: dict[str, Any]) -> str:
    built = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
    assert built is not None, (rule.rule, values)
    return built[1]


# What a rule's URL names, by its arguments; a rule naming none of these is one of the site's
# own pages or files (whose arguments `files` fills).
NAMES = {
    "post_id": "post",
    "thread_id": "thread",
    "pseudonym": "member",
    "suspension_id": "suspension",
    "request_id": "reveal",
}
SLUG = {"slug"}


def files(app: Flask) -> dict[str, str]:
    return {
        "filename": "css/forum.css",
        "version": app.config["HTMX_VERSION"],
        "name": "htmx.min.js",
    }


def kind_of(rule: Rule) -> str:
    return next((kind for name, kind in NAMES.items() if name in rule.arguments), "site")


def rules_naming(app: Flask, kind: str) -> list[Rule]:
    """The app's rules that name `kind` and have a row (one without a row fails
    test_every_route_has_a_row)."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if kind_of(rule) == kind and rule.endpoint in EXPECTED
    ]


# --- The tests -----------------------------------------------------------------------------


def test_every_route_has_a_row(app):
    """A new route fails here until a row in EXPECTED says who may use it."""
    known = set(NAMES) | SLUG | set(files(app))
    missing, unknown = [], []
    for rule in app.url_map.iter_rules():
        row = EXPECTED.get(rule.endpoint)
        missing += [
            f"{method} {rule.rule} (endpoint {rule.endpoint!r})"
            for method in methods_of(rule)
            if row is None or (isinstance(row, dict) and method not in row)
        ]
        unknown += [f"<{name}> in {rule.rule}" for name in rule.arguments - known]
    assert not missing, (
        "Routes with no row in EXPECTED (tests/security/test_authorization_matrix.py): add one "
        "saying what each reader gets, and, for a POST, what its form sends in FORMS:\n"
        + "\n".join(missing)
    )
    assert not unknown, f"URL arguments the matrix can't fill yet (see NAMES): {unknown}"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(EXPECTED) <= endpoints, f"rows for no route: {sorted(set(EXPECTED) - endpoints)}"


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.replace(" ", "-"))
def test_routes_naming_a_post_or_a_thread(app, actor):
    """One reader on their own posts, a member's and an admin's (named and anonymous), in
    every state, through every route that names a post or a thread."""
    world = build_world(app, readers=(actor,))
    matrix = Matrix(world)
    rules = [(rule, STATES) for rule in rules_naming(app, "post")]
    rules += [(rule, THREAD_STATES) for rule in rules_naming(app, "thread")]
    for owner in owners_for(actor):
        for state in OWNER_STATES[owner]:
            cell = world.cell(actor, owner, state)
            for rule, states in rules:
                for method in methods_of(rule) if state in states else ():
                    answer = matrix.ask(rule, method, actor, owner, state, Target(cell.values))
                    if method == "POST" and answer == OK:
                        put_back(cell.rows)
    matrix.check()


def suspensions_of(world: World) -> dict[tuple[str, str], Cell]:
    """A suspension of each owner's account, made through their published reply, by (reader,
    owner). A reader's own is the one they are under, or, for a reader who isn't suspended, one
    that has ended (a standing one would make a moderator a suspended moderator)."""
    made = {}
    for actor in ACTORS:
        for owner in owners_for(actor):
            cell = world.cell(actor, owner, PUBLISHED)
            author = next(row["id"] for table, row in cell.rows if table.name == "user")
            ended = owner == OWN and not is_suspended(actor)
            until = utcnow() - timedelta(days=1) if ended else INDEFINITELY
            made[actor, owner] = Suspension(
                user_id=author, post_id=cell.values["post_id"], until=until, reason="A pause."
            )
    db.session.add_all(made.values())
    db.session.commit()
    return {
        key: Cell(
            {"suspension_id": suspension.id},
            snapshot(Suspension, suspension.id) + snapshot(User, suspension.user_id),
        )
        for key, suspension in made.items()
    }


def test_routes_naming_a_member_a_suspension_or_a_reveal_request(app):
    """Every reader on their own account, a member's and an admin's (profiles, mutes), on the
    suspensions made through their posts (named and anonymous), and on reveal requests: their
    own (only an admin asks) and another admin's."""
    world = build_world(app)
    suspensions = suspensions_of(world)
    matrix = Matrix(world)
    for actor in ACTORS:
        targets = [("suspension", owner, suspensions[actor, owner]) for owner in owners_for(actor)]
        for owner in (owner for owner in owners_for(actor) if owner != ANONYMOUS_ADMINS):
            member = world.users[actor] if owner == OWN else world.others[owner]
            cell = Cell({"pseudonym": member.pseudonym}, snapshot(User, member.id))
            targets.append(("member", owner, cell))
        targets += [
            ("reveal", owner, world.reveals[owner])
            for owner in ((OWN, ADMINS) if actor == ADMIN else (ADMINS,))
        ]
        for kind, owner, cell in targets:
            for rule in rules_naming(app, kind):
                for method in methods_of(rule):
                    answer = matrix.ask(rule, method, actor, owner, "", Target(cell.values))
                    if method == "POST" and answer == OK:
                        put_back(cell.rows)
    matrix.check()


def test_the_sites_own_routes(app):
    """Pages and forms that name nothing of anyone's: pages read on the reader's device; forms
    sent by a twin of the reader made for that one request, since one may log out, change the
    password or delete the account."""
    world = build_world(app, readers=())
    matrix = Matrix(world)
    for actor in ACTORS:
        for rule in rules_naming(app, "site"):
            for method in methods_of(rule):
                if method == "GET":
                    matrix.ask(rule, method, actor, target=Target(files(app)))
                else:
                    target, client, csrf = twin(world, actor, rule.endpoint)
                    matrix.ask(rule, method, actor, target=target, client=client, csrf=csrf)
    matrix.check()


def twin(world: World, actor: str, endpoint: str) -> tuple[Target, FlaskClient, str]:
    """A new account like the reader's (for a guest, a member to log in as), and a device on
    which the reader is signed in as that account (a guest: nobody), with its CSRF token."""
    number = next(world.twins)
    name, role, suspended = ACCOUNTS.get(actor, ("Guest", Role.MEMBER, False))
    suspension = {"suspended_until": INDEFINITELY, "suspension_reason": "A pause."}
    user = make_member(f"{name}-{number}", role, days_old=30, **(suspension if suspended else {}))
    codes = give_recovery_codes(user) if endpoint in NEEDS_CODES else []
    client = device(world.app) if actor == GUEST else signed_in(world.app, user)
    csrf = csrf_token(client, "/login" if actor == GUEST else "/settings")
    return Target(files(world.app), user, codes, number), client, csrf
