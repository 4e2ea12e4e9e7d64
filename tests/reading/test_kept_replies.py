"""Members' replies kept rendered (forum.reading.kept_replies): a member gets the replies a
fresh render would show them, whoever's rendering was kept before; what is theirs alone (their
own posts, reactions, new replies, mutes, settings, CSRF token) never reaches another member;
staff and a member with a reply waiting are never served kept replies."""

import re
from datetime import timedelta

import pytest
from support.clock import move_clock, validators_hold_still  # noqa: F401 (a fixture)
from support.content import last_post, reply
from support.forms import send_reply
from support.members import make_member
from support.moderation import Community, community, send

import forum.web.wording
from forum.database import db, utcnow
from forum.models import Mute, Reaction
from forum.reading import views

pytestmark = pytest.mark.usefixtures("validators_hold_still")

# What loads a page's posts: a page whose replies were kept calls it not.
load = views.thread_page
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def town(app, monkeypatch) -> Community:
    # Pages compared side by side word "just now" alike, whatever the clock does between them.
    move_clock(monkeypatch, forum.web.wording)
    town = community(app)
    # An anonymous reply by the reader, "(you)" on it for them alone, behind a content warning
    # that members who chose so read unfolded.
    reply(
        town.story, town.reader, "I hid mine for a year.", anonymous=True, content_warning="Grief"
    )
    return town


def replies_of(page: str) -> str:
    """The page's replies (after the follow button, which is the member's own), CSRF tokens
    left out: two devices always have two."""
    section = page[page.index('<section class="replies"') :]
    return TOKEN.sub('name="csrf_token" value=""', section)


def read(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_every_member_reads_what_a_fresh_render_would_show_them(app, town):
    """Members who differ from the first of them in one thing each: the replies kept from one
    member's page never stand in for another's, and each reads what rendering the page for
    them alone gives."""
    send_reply(town.device(town.another), town.story.id, "Coming back to say: same here.")
    newest = last_post().id
    first = make_member("Heather", days_old=30)  # nothing of their own on the page
    unfolding = make_member("Fern", days_old=30)
    unfolding.unfold_content_warnings = True
    suspended = make_member("Yarrow", days_old=30)
    suspended.suspended_until = utcnow() + timedelta(days=3)
    reacting, muting = make_member("Ivy", days_old=30), make_member("Juniper", days_old=30)
    db.session.add(Reaction(post_id=town.answer.id, user_id=reacting.id, kind="me-too"))
    db.session.add(Mute(muter_id=muting.id, muted_id=town.another.id))
    db.session.commit()
    # (member, where their visit began): nothing is new to them but to the last, for whom the
    # last two replies are.
    visits = {
        "nothing of their own": (first, newest),
        "their own anonymous reply": (town.reader, newest),
        "unfolded warnings": (unfolding, newest),
        "suspended": (suspended, newest),
        "a reaction": (reacting, newest),
        "a member muted": (muting, newest),
        "new replies": (make_member("Olive", days_old=30), town.answer.id),
    }
    devices = {what: town.device(member) for what, (member, _) in visits.items()}
    addresses = {what: f"{town.thread_url}?since={since}" for what, (_, since) in visits.items()}

    kept = {what: replies_of(read(devices[what], addresses[what])) for what in visits}
    fresh = {}
    for what in visits:
        app.extensions["member_replies"].clear()
        fresh[what] = replies_of(read(devices[what], addresses[what]))

    assert kept == fresh
    assert len(set(kept.values())) == len(kept), "each one's thing makes their replies theirs"
    assert kept["their own anonymous reply"].count("(you)") == 1
    assert all(
        "(you)" not in page for what, page in kept.items() if what != "their own anonymous reply"
    )


def test_a_member_with_the_same_things_gets_the_kept_replies(app, town, monkeypatch):
    first, second = (town.device(make_member(name, days_old=30)) for name in ("Fern", "Heather"))
    page = read(first, town.thread_url)
    loaded = []
    monkeypatch.setattr(views, "thread_page", lambda *args: loaded.append(args))
    again = read(second, town.thread_url)
    assert loaded == [], "the page's posts are not loaded"
    assert replies_of(again) == replies_of(page)
    assert "Heather" in again and "Heather" not in page  # the page around them is their own


def test_kept_replies_carry_the_readers_own_csrf_token(app, town):
    first, second = (town.device(make_member(name, days_old=30)) for name in ("Fern", "Heather"))
    mine = TOKEN.findall(read(first, town.thread_url))
    theirs = TOKEN.findall(read(second, town.thread_url))
    assert mine and theirs
    assert set(mine).isdisjoint(theirs)
    reacted = second.post(
        f"/p/{town.answer.id}/react", data={"csrf_token": theirs[0], "kind": "support"}
    )
    assert reacted.status_code in (200, 303)
    assert db.session.scalar(
        db.select(Reaction.id).where(Reaction.post_id == town.answer.id, Reaction.kind == "support")
    )


def test_a_new_reply_shows_at_once(app, town):
    reader = town.device(make_member("Fern", days_old=30))
    read(reader, town.thread_url)
    send_reply(town.device(town.another), town.story.id, "Sending you warmth tonight.")
    assert "Sending you warmth tonight." in read(reader, town.thread_url)


def test_a_reply_waiting_for_a_moderator_is_only_its_writers(app, town):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1
    newcomer = town.device(make_member("Heather"))
    send_reply(newcomer, town.story.id, "My first words here.")
    others = town.device(make_member("Fern", days_old=30))
    read(others, town.thread_url)  # kept for members without replies waiting
    assert "My first words here." in read(newcomer, town.thread_url)
    assert "My first words here." not in read(others, town.thread_url)


def test_staff_pages_are_rendered_every_time(app, town, monkeypatch):
    moderator = town.device(town.moderator)
    read(moderator, town.thread_url)
    loaded = []
    monkeypatch.setattr(views, "thread_page", lambda *args: loaded.append(args) or load(*args))
    page = read(moderator, town.thread_url)
    assert len(loaded) == 1
    assert "Moderate" in page


def test_a_muted_members_reply_folds_for_the_member_who_muted_them_only(app, town):
    muting, other = (make_member(name, days_old=30) for name in ("Fern", "Heather"))
    db.session.add(Mute(muter_id=muting.id, muted_id=town.another.id))
    db.session.commit()
    read(town.device(other), town.thread_url)
    assert "someone you muted" in read(town.device(muting), town.thread_url)
    assert "someone you muted" not in read(town.device(other), town.thread_url)
    send(town.device(muting), f"/u/{town.another.pseudonym}/mute")  # unmuted: it toggles
    assert "someone you muted" not in read(town.device(muting), town.thread_url)
