"""Mute: a member folds away the named posts of someone they muted, on their own pages only;
anonymous posts never fold (that would say who wrote them), and the muted member sees no
difference anywhere."""

import re

import pytest
from sqlalchemy import select
from support.clients import device, signed_in
from support.content import start_thread, thread_of, thread_url
from support.forms import csrf_token
from support.moderation import AUTHOR as WRITER
from support.moderation import READER
from support.pages import Element, card, form_values, html_of, location, page, reaction_forms

from forum.database import db
from forum.models import Mute, Post, ThreadKind


@pytest.fixture
def muting_scene(people):
    """A story by Bracken with a named and an anonymous reply by Hazel, and Hazel's own story."""
    opening = start_thread(ThreadKind.STORY, "Winter light", "Short days.", people["another"])
    named = opening.reply(people["writer"], "I know those days well.")
    hidden = opening.reply(people["writer"], "I never told anyone this.", anonymous=True)
    own = start_thread(ThreadKind.STORY, "My spring", "It got better.", people["writer"])
    db.session.commit()
    return {"opening": opening, "named": named, "hidden": hidden, "own": own}


def mute_from_profile(client, pseudonym: str):
    tree = page(client, f"/u/{pseudonym}")
    form = next(f for f in tree.iter("form") if f.get("action") == f"/u/{pseudonym}/mute")
    return client.post(form.get("action"), data=form_values(form))


def is_folded(tree: Element, post: Post) -> bool:
    article = card(tree, post.id)
    assert article is not None
    return article.find("details", class_="muted-post") is not None


def mutes() -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(m.muter_id, m.muted_id) for m in db.session.scalars(select(Mute))]


TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")


def as_seen(client, url: str) -> str:
    response = client.get(url)
    return TOKEN.sub("TOKEN", f"{response.status_code}\n{html_of(response)}")


def test_mute_folds_named_posts_for_the_muter_only(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    muted = signed_in(app, people["writer"])
    muted_pages = [
        thread_url(thread_of(muting_scene["opening"])),
        thread_url(thread_of(muting_scene["own"])),
        f"/u/{READER}",
        f"/u/{WRITER}",
        "/",
        "/settings",
        f"/p/{muting_scene['named'].id}",
    ]
    before = {url: as_seen(muted, url) for url in muted_pages}

    response = mute_from_profile(muter, WRITER)

    assert response.status_code == 303
    assert mutes() == [(people["reader"].id, people["writer"].id)]
    story_url = thread_url(thread_of(muting_scene["opening"]))
    tree = page(muter, story_url)
    assert is_folded(tree, muting_scene["named"])
    assert "Post by someone you muted" in card(tree, muting_scene["named"].id).text
    # An anonymous post never folds: that would tell the muter who wrote it.
    assert not is_folded(tree, muting_scene["hidden"])
    assert reaction_forms(card(tree, muting_scene["hidden"].id))
    # Everyone else sees Hazel's posts as before.
    for other in (device(app), signed_in(app, people["another"])):
        tree = page(other, story_url)
        assert not is_folded(tree, muting_scene["named"])
        assert "Post by someone you muted" not in tree.text
    # Hazel sees nothing different anywhere.
    after = {url: as_seen(muted, url) for url in muted_pages}
    assert after == before


def test_a_story_opened_by_a_muted_member_folds_too(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    mute_from_profile(muter, WRITER)
    tree = page(muter, thread_url(thread_of(muting_scene["own"])))

    assert is_folded(tree, muting_scene["own"])


def test_unmute_from_settings(app, people, muting_scene):
    muter = signed_in(app, people["reader"])
    mute_from_profile(muter, WRITER)
    settings = page(muter, "/settings")
    section = settings.by_id("muted")
    assert WRITER in section.text
    form = next(f for f in section.iter("form") if f.get("action") == f"/u/{WRITER}/mute")

    response = muter.post(form.get("action"), data=form_values(form))

    assert response.status_code == 303
    assert location(response).startswith("/settings")
    assert mutes() == []
    tree = page(muter, thread_url(thread_of(muting_scene["opening"])))
    assert not is_folded(tree, muting_scene["named"])
    assert WRITER not in page(muter, "/settings").by_id("muted").text


def test_muting_yourself_is_refused(app, people):
    client = signed_in(app, people["reader"])
    token = csrf_token(client, f"/u/{WRITER}")
    response = client.post(f"/u/{READER}/mute", data={"csrf_token": token})

    assert response.status_code == 400
    assert mutes() == []
    assert not any(
        f.get("action") == f"/u/{READER}/mute" for f in page(client, f"/u/{READER}").iter("form")
    )


def test_guests_cannot_mute(app, people):
    visitor = device(app)
    tree = page(visitor, f"/u/{WRITER}")
    assert not any("/mute" in (f.get("action") or "") for f in tree.iter("form"))

    response = visitor.post(f"/u/{WRITER}/mute", data={})

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert location(response).startswith("/login")
    assert mutes() == []


def test_mute_needs_the_csrf_token(app, people):
    response = signed_in(app, people["reader"]).post(f"/u/{WRITER}/mute", data={})

    assert response.status_code == 400
    assert mutes() == []
