"""Who finds what: only what the reader may see (forum/policy.py), never a tombstone's words,
not even for moderators; anonymous posts found by their words and shown by their alias alone;
a content warning in place of the words it folds away; muted members' named posts left out."""

from dataclasses import dataclass

import pytest
from support.clients import device, signed_in
from support.content import reply, start_thread
from support.members import make_member
from support.pages import ALIAS, visible_text
from support.search import found_ids, results, search

from forum.database import db
from forum.models import Mute, Post, RemovalReason, Role, ThreadKind, User
from forum.moderation.actions import remove_post


@dataclass
class Scene:
    wren: User
    hazel: User
    newt: User
    """A new member, whose posts wait for a moderator."""
    cedar: User
    """A moderator."""
    posts: dict[str, Post]


@pytest.fixture
def scene(app, unpaced) -> Scene:
    """Posts holding "harbour", in every state a post can be in."""
    wren, hazel = make_member("Wren", days_old=30), make_member("Hazel", days_old=30)
    newt, cedar = make_member("Newt"), make_member("Cedar", Role.MODERATOR, days_old=90)
    story = start_thread(ThreadKind.STORY, "Lanterns", "The harbour at night.", hazel)
    posts = {
        "story": story,
        "anonymous": reply(story, wren, "A harbour of my making.", anonymous=True),
        "waiting": reply(story, newt, "My first harbour.", awaiting_approval=True),
        "removed": reply(story, wren, "A harbour I regret."),
        "deleted": reply(story, hazel, "A harbour I took back."),
    }
    remove_post(cedar, posts["removed"], RemovalReason.HARASSMENT)
    posts["deleted"].delete_by_author()
    removed_thread = start_thread(ThreadKind.STORY, "Beacons", "A harbour, removed.", wren)
    posts["in removed thread"] = reply(removed_thread, hazel, "Its harbour reply.")
    remove_post(cedar, removed_thread, RemovalReason.SPAM)
    waiting_thread = start_thread(
        ThreadKind.STORY, "Early light", "A harbour, waiting.", newt, awaiting_approval=True
    )
    posts["waiting thread"] = waiting_thread
    posts["in waiting thread"] = reply(waiting_thread, cedar, "A staff harbour reply.")
    db.session.commit()
    return Scene(wren, hazel, newt, cedar, posts)


def ids(scene: Scene, *names: str) -> set[int]:
    return {scene.posts[name].id for name in names}


PUBLIC = ("story", "anonymous")
WAITING = ("waiting", "waiting thread", "in waiting thread")


@pytest.mark.parametrize(
    ("reader", "finds"),
    [
        (None, PUBLIC),
        ("wren", PUBLIC),
        ("newt", PUBLIC + WAITING),  # their own waiting posts, and what is in their thread
        ("cedar", PUBLIC + WAITING),  # staff see waiting posts
    ],
)
def test_a_reader_finds_what_they_may_see_and_never_a_tombstones_words(app, scene, reader, finds):
    client = device(app) if reader is None else signed_in(app, getattr(scene, reader))

    found = found_ids(search(client, "harbour"))

    assert set(found) == ids(scene, *finds)
    assert len(found) == len(set(found))


def test_a_removed_threads_title_is_not_found_even_by_staff(app, scene):
    assert found_ids(search(signed_in(app, scene.cedar), "beacons")) == []


def test_a_waiting_post_says_so_to_those_who_find_it(app, scene):
    waiting = scene.posts["waiting"]

    as_author = search(signed_in(app, scene.newt), "first harbour")
    as_staff = search(signed_in(app, scene.cedar), "first harbour")

    assert found_ids(as_author) == found_ids(as_staff) == [waiting.id]
    assert "only you and the moderators can see it for now" in visible_text(as_author)
    assert "Waiting for a moderator: not public yet." in visible_text(as_staff)


def test_an_anonymous_post_is_found_by_its_words_and_shown_by_its_alias_alone(app, scene):
    anonymous = scene.posts["anonymous"]
    html = device(app).get("/search?q=harbour+making").get_data(as_text=True)

    (result,) = results(search(device(app), "harbour making"))

    assert result.get("id") == f"p{anonymous.id}"
    assert ALIAS.fullmatch(result.find(class_="author").text)
    assert "Wren" not in html
    assert not any("/u/" in (link.get("href") or "") for link in result.iter("a"))


def test_the_author_of_an_anonymous_post_sees_it_marked_as_theirs(app, scene):
    (result,) = results(search(signed_in(app, scene.wren), "harbour making"))

    assert result.find(class_="yours").text == "(you)"
    (for_others,) = results(search(signed_in(app, scene.hazel), "harbour making"))
    assert for_others.find(class_="yours") is None


@pytest.mark.parametrize("where", ["thread", "reply"])
def test_a_warned_post_shows_its_warning_not_a_word_of_its_text(app, wren, where):
    if where == "thread":
        warned = start_thread(
            ThreadKind.STORY, "A night", "Overdose words here.", wren, content_warning="Self-harm"
        )
    else:
        story = start_thread(ThreadKind.STORY, "A night", "It was long.", wren)
        warned = reply(story, make_member("Hazel"), "Overdose words here.", content_warning="Pills")

    page = search(device(app), "overdose")

    (result,) = results(page)
    assert result.get("id") == f"p{warned.id}"
    warning = "Self-harm" if where == "thread" else "Pills"
    assert result.find(class_="warning").text == f"Content warning ({warning})"
    assert "verdose" not in everything_in(page.by_id("search-results")).lower()


def everything_in(element) -> str:
    """Every word and attribute value inside `element`."""
    return " ".join(
        [element.text] + [str(value) for inner in element.iter() for value in inner.attrs.values()]
    )


def test_a_muted_members_named_posts_are_left_out_but_never_their_anonymous_ones(app, scene):
    db.session.add(Mute(muter_id=scene.wren.id, muted_id=scene.hazel.id))
    anonymous = reply(
        scene.posts["story"], scene.hazel, "Hazel's harbour, unnamed.", anonymous=True
    )

    found = found_ids(search(signed_in(app, scene.wren), "harbour"))

    assert scene.posts["story"].id not in found
    assert anonymous.id in found
    assert scene.posts["story"].id in found_ids(search(signed_in(app, scene.cedar), "harbour"))
