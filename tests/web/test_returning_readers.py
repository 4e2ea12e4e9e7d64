"""Returning readers: a guest whose copy of a page is still current hears so in a `304` with no
body, decided before the page is rendered; after any change to what the page shows, the page
comes whole again. A stale page after a change would be far worse than no 304 at all, so each
kind of change is made here as the forum makes it (its forms, its commands) and must bring the
page back. Members' pages are never answered so: they are private (`no-store`)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from support.apps import renders
from support.clients import PARTIAL, device
from support.clock import validators_hold_still  # noqa: F401 (a fixture)
from support.content import start_thread
from support.forms import confirm, fill, send_reply, settings_post
from support.members import PASSWORD, make_member
from support.moderation import Community, approve, community, lock, pin, remove, restore, send
from support.pages import page, writing_form

from forum.database import db, utcnow
from forum.models import Post, Reaction, ReactionKind, Thread, ThreadKind
from forum.web import conditional

pytestmark = pytest.mark.usefixtures("validators_hold_still")


@pytest.fixture
def town(app) -> Community:
    """A story by Hazel, Sorrel's reply to it, Bracken's answer to that; a moderator."""
    return community(app)


def copy_of(client, url: str, headers: dict | None = None) -> str:
    """Read `url` as a guest's browser first does; the validator its copy keeps."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    etag, weak = response.get_etag()
    assert etag and weak, f"{url}: no validator"
    assert response.cache_control.no_cache, "a guest's copy is checked at every view"
    return response.headers["ETag"]


def current(client, url: str, etag: str, headers: dict | None = None) -> bool:
    """Whether the forum tells the browser holding `etag` that its copy is current."""
    response = client.get(url, headers={"If-None-Match": etag, **(headers or {})})
    assert response.status_code in (200, 304), (url, response.status_code)
    if response.status_code == 304:
        assert response.get_data() == b""
        assert response.headers["ETag"] == etag
        assert "Set-Cookie" not in response.headers
        return True
    assert response.headers.get("ETag") != etag
    return False


def thread_page(town: Community) -> str:
    db.session.expire_all()
    return town.thread_url


# --- A current copy ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["thread", "post", "home", "stories", "profile"])
def test_a_guests_current_copy_gets_304_without_a_body(town, client, which):
    url = {
        "thread": thread_page(town),
        "post": f"/p/{town.harsh.id}",
        "home": "/",
        "stories": "/stories",
        "profile": f"/u/{town.reader.pseudonym}",
    }[which]
    etag = copy_of(client, url)

    assert current(client, url, etag)
    response = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert response.status_code == 304
    vary = response.headers["Vary"].lower()
    assert "accept-encoding" in vary and "hx-request-type" in vary
    assert client.get_cookie("session") is None


def test_a_304_is_decided_without_rendering_and_with_few_queries(app, town, client, count_queries):
    """The thread's row (which any answer reads first) and the site's counters: no page."""
    for url, most in ((thread_page(town), 2), ("/", 1)):
        app.extensions["guest_pages"].clear()  # the first view renders, here
        with renders(app) as rendered:
            etag = copy_of(client, url)
        assert rendered, "the first view renders the page"
        with renders(app) as rendered, count_queries() as statements:
            assert current(client, url, etag)
        queries = [s for s in statements if s.split()[0] not in ("BEGIN", "COMMIT", "ROLLBACK")]
        assert rendered == [], url
        assert len(queries) <= most, (url, queries)


def test_a_page_and_its_htmx_part_are_told_apart(town, client):
    url = thread_page(town)
    whole = copy_of(client, url)

    assert not current(client, url, whole, headers=PARTIAL)


# --- Every kind of change brings the page back ---------------------------------------------


def edit_body(town: Community, post: Post, author, body: str) -> None:
    client = town.device(author)
    url = f"/p/{post.id}/edit"
    form = writing_form(page(client, url))
    response = client.post(url, data=fill(form, body=body))
    assert response.status_code == 303


def react(town: Community, post: Post, member) -> None:
    client = town.device(member)
    response = send(client, f"/p/{post.id}/react", {"kind": ReactionKind.SUPPORT.value})
    assert response.status_code == 303


def delete_account(town: Community, member) -> None:
    client = town.device(member)
    response = settings_post(
        client, "delete", {"password": PASSWORD, "posts": "keep", "confirm": "y"}
    )
    assert "Your account is deleted" in response.get_data(as_text=True)


def set_role(app, pseudonym: str, role: str) -> None:
    result = app.test_cli_runner().invoke(args=["users", "set-role", pseudonym, role])
    assert result.exit_code == 0, result.output


def next_release(app) -> None:
    """What a deployment of other templates, scripts or code does to the pages."""
    app.extensions["code_version"] += " and the next release"


def retitle(town: Community) -> None:
    client = town.device(town.author)
    url = f"/p/{town.story.id}/edit"
    form = writing_form(page(client, url))
    response = client.post(url, data=fill(form, title="The winter I answered again"))
    assert response.status_code == 303


def give_reaction(town: Community) -> None:
    db.session.add(Reaction(post_id=town.story.id, user_id=town.another.id, kind="support"))
    db.session.commit()


CHANGES: dict[str, tuple[Callable | None, Callable]] = {
    # name: (before the guest's copy is made, the change)
    "a reply": (None, lambda t: send_reply(t.device(t.another), t.story.id, "Thinking of you.")),
    "a typo fixed at once": (
        None,
        lambda t: edit_body(t, t.answer, t.another, "Please don't talk to people like this."),
    ),
    "an edit later": (
        lambda t: t.app.config.update(EDIT_GRACE_SECONDS=0),
        lambda t: edit_body(t, t.answer, t.another, "Please, be kind here."),
    ),
    "a new title": (None, retitle),
    "a deletion by its author": (
        None,
        lambda t: confirm(t.device(t.another), f"/p/{t.answer.id}/delete"),
    ),
    "a name taken off a post": (
        None,
        lambda t: confirm(t.device(t.another), f"/p/{t.answer.id}/unlink"),
    ),
    "a reaction given": (None, lambda t: react(t, t.story, t.reader)),
    "a reaction taken back": (give_reaction, lambda t: react(t, t.story, t.another)),
    "a removal": (None, lambda t: remove(t.device(t.moderator), t.harsh)),
    "a restoration": (
        lambda t: remove(t.device(t.moderator), t.harsh),
        lambda t: restore(t.device(t.moderator), t.harsh),
    ),
    "a lock": (None, lambda t: lock(t.device(t.moderator), t.thread)),
    "an unlock": (
        lambda t: lock(t.device(t.moderator), t.thread),
        lambda t: lock(t.device(t.moderator), t.thread),
    ),
    "a pin": (None, lambda t: pin(t.device(t.moderator), t.thread)),
    "a new role for a writer": (None, lambda t: set_role(t.app, t.reader.pseudonym, "moderator")),
    "an account deleted": (None, lambda t: delete_account(t, t.another)),
    "the site's name": (None, lambda t: t.app.config.update(SITE_NAME="Harbour")),
    "the Quick exit address": (
        None,
        lambda t: t.app.config.update(QUICK_EXIT_URL="https://example.org/news"),
    ),
    "the code": (None, lambda t: next_release(t.app)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_the_thread_comes_whole_again(town, client, change):
    before, make_change = CHANGES[change]
    if before:
        before(town)
    url = thread_page(town)
    etag = copy_of(client, url)
    post_in_context = f"/p/{town.harsh.id}"
    context_etag = copy_of(client, post_in_context)
    assert current(client, url, etag)

    make_change(town)

    assert not current(client, thread_page(town), etag)
    if change != "a removal":  # the post in context is a tombstone then, its own test's matter
        assert not current(client, post_in_context, context_etag)


@pytest.mark.parametrize(
    "change", ["a reply", "a new title", "a removal", "a pin", "the site's name", "the code"]
)
def test_after_a_change_the_listings_come_whole_again(town, client, change):
    before, make_change = CHANGES[change]
    if before:
        before(town)
    copies = {url: copy_of(client, url) for url in ("/", "/stories")}

    make_change(town)

    for url, etag in copies.items():
        assert not current(client, url, etag), url


def test_a_new_thread_and_a_removed_one_change_the_listings(town, client):
    etag = copy_of(client, "/")
    start_thread(ThreadKind.DISCUSSION, "Small wins", "Share one.", town.another)
    assert not current(client, "/", etag)

    etag = copy_of(client, "/")
    remove(town.device(town.moderator), town.story)
    assert not current(client, "/", etag)


def test_a_profile_comes_whole_again_after_its_bio_or_posts_change(town, client):
    url = f"/u/{town.reader.pseudonym}"
    etag = copy_of(client, url)
    response = settings_post(town.device(town.reader), "bio", {"bio": "I listen."})
    assert response.status_code == 303
    assert not current(client, url, etag)

    etag = copy_of(client, url)
    send_reply(town.device(town.reader), town.story.id, "Another word from me.")
    assert not current(client, url, etag)


@pytest.mark.parametrize(
    "statement",
    [
        lambda t: update(Thread).where(Thread.id == t.thread.id).values(locked=True),
        lambda t: update(Post).where(Post.id == t.answer.id).values(body_html="<p>Changed</p>"),
    ],
    ids=["on threads", "on posts"],
)
def test_a_bulk_update_through_the_session_brings_pages_back_too(town, client, statement):
    """The forum's code writes some changes as one UPDATE, not object by object: those count
    as well, whoever writes the next one."""
    url = thread_page(town)
    copies = {u: copy_of(client, u) for u in (url, "/")}

    db.session.execute(statement(town))
    db.session.commit()

    for u, etag in copies.items():
        assert not current(client, u, etag), u


def test_a_change_in_another_thread_keeps_this_threads_copy_current(town, client):
    other = start_thread(ThreadKind.DISCUSSION, "Small wins", "Share one.", town.another)
    url = thread_page(town)
    etag = copy_of(client, url)
    home = copy_of(client, "/")

    send_reply(town.device(town.reader), other.id, "I went outside today.")

    assert current(client, url, etag)
    assert not current(client, "/", home)


def test_a_reply_waiting_for_a_moderator_changes_nothing_a_guest_sees(app, town, client):
    """Until it is approved, nobody but its writer and the moderators knows it is there: the
    guests' copies stay current (a change would tell that a new member's post waits)."""
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    newcomer = make_member("Newcomer")
    url = thread_page(town)
    copies = {u: copy_of(client, u) for u in (url, "/", f"/p/{town.harsh.id}")}

    assert send_reply(town.device(newcomer), town.story.id, "I'm new here.").status_code == 303

    waiting = db.session.scalars(select(Post).order_by(Post.id.desc()).limit(1)).one()
    assert waiting.awaiting_approval
    for u, etag in copies.items():
        assert current(client, u, etag), u

    approve(town.device(town.moderator), waiting)

    for u, etag in copies.items():
        assert not current(client, u, etag), u


def test_a_thread_waiting_for_a_moderator_changes_no_listing(app, town, client):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    newcomer = make_member("Newcomer")
    etag = copy_of(client, "/")

    Thread.start(ThreadKind.STORY, "My first story", "Hello.", newcomer, awaiting_approval=True)
    db.session.commit()

    assert current(client, "/", etag)


# --- Time passes -------------------------------------------------------------------------


def test_relative_moments_are_worded_anew_as_time_passes(town, client, monkeypatch):
    """ "just now" becomes "2 minutes ago": a copy made a few minutes ago is not current."""
    url = thread_page(town)
    etag = copy_of(client, url)
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(conditional, "utcnow", lambda: later)

    assert not current(client, url, etag)


def test_an_old_threads_copy_stays_current_within_the_day(town, client, monkeypatch):
    """Its moments read "3 days ago" all day: a copy made this morning is current tonight."""
    db.session.execute(
        update(Thread)
        .where(Thread.id == town.thread.id)
        .values(changed_at=utcnow() - timedelta(days=3))
    )
    db.session.commit()
    midday = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(conditional, "utcnow", lambda: midday)
    url = thread_page(town)
    etag = copy_of(client, url)

    monkeypatch.setattr(conditional, "utcnow", lambda: midday + timedelta(hours=5))
    assert current(client, url, etag)
    monkeypatch.setattr(conditional, "utcnow", lambda: midday + timedelta(hours=13))
    assert not current(client, url, etag)


# --- Only guests ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["thread", "/", "/stories"])
def test_members_pages_are_never_answered_from_a_copy(town, client, url):
    url = thread_page(town) if url == "thread" else url
    guests = copy_of(client, url)
    member = town.device(town.reader)

    response = member.get(url, headers={"If-None-Match": guests})

    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_guest_with_a_message_waiting_gets_the_page(town, client):
    url = thread_page(town)
    etag = copy_of(client, url)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "You have logged out.")]

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "You have logged out." in response.get_data(as_text=True)


def test_a_new_device_gets_the_page(town):
    """A browser without a copy (or with one of another page) gets the whole page."""
    guest = device(town.app)
    url = thread_page(town)
    home = copy_of(guest, "/")

    assert not current(device(town.app), url, home)
