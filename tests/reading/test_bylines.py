"""Staff bylines: a moderator's or an admin's named post shows their role beside their name,
so a member's name can't pass for staff; an anonymous post never does, whoever wrote it."""

import pytest
from flask import Flask
from support.clients import device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import Element, card, page

from forum.database import db
from forum.models import Post, RemovalReason, Role, ThreadKind
from forum.moderation.actions import remove_post


@pytest.fixture
def scene(app: Flask) -> dict:
    member = make_member("Hazel", days_old=30)
    moderator = make_member("Cedar", Role.MODERATOR, days_old=90)
    admin = make_member("Aspen", Role.ADMIN, days_old=365)
    story = start_thread(ThreadKind.STORY, "A long winter", "It was hard.", member)
    return {
        "member": member,
        "moderator": moderator,
        "admin": admin,
        "story": story,
        "by_member": reply(story, member, "Thank you all."),
        "by_moderator": reply(story, moderator, "Welcome, and thank you for sharing."),
        "by_admin": reply(story, admin, "We are glad you are here."),
        "anonymous_moderator": reply(story, moderator, "Me too, once.", anonymous=True),
        "anonymous_admin": reply(story, admin, "I know that feeling.", anonymous=True),
    }


def byline(tree: Element, post: Post) -> Element:
    article = card(tree, post.id)
    assert article is not None, f"post {post.id} is not on the page"
    return article.find("p", class_="byline")


def role_tags(tree: Element, post: Post) -> list[str]:
    return [tag.text for tag in byline(tree, post).find_all("span", class_="staff")]


def test_staff_bylines_show_the_role_to_every_reader(app, scene):
    url = thread_url(thread_of(scene["story"]))
    for reader in (device(app), signed_in(app, scene["member"])):
        tree = page(reader, url)

        assert role_tags(tree, scene["by_moderator"]) == ["moderator"]
        assert role_tags(tree, scene["by_admin"]) == ["admin"]
        assert role_tags(tree, scene["by_member"]) == []
        name = byline(tree, scene["by_moderator"]).find("a", class_="author")
        assert name.text == "Cedar"  # the role sits beside the name, not in it


def test_an_anonymous_post_by_staff_shows_no_role(app, scene):
    """A role beside an alias would tell everyone that a moderator or an admin wrote it."""
    tree = page(device(app), thread_url(thread_of(scene["story"])))

    for post in (scene["anonymous_moderator"], scene["anonymous_admin"]):
        shown = byline(tree, post)
        assert shown.find_all("span", class_="tag") == []
        assert "moderator" not in shown.text and "admin" not in shown.text


def test_the_post_in_context_shows_the_role_too(app, scene):
    tree = page(device(app), f"/p/{scene['by_moderator'].id}")

    assert role_tags(tree, scene["by_moderator"]) == ["moderator"]


def test_a_staff_members_opening_post_shows_the_role(app, scene):
    opening = start_thread(ThreadKind.DISCUSSION, "House rules", "Be kind.", scene["moderator"])

    tree = page(device(app), thread_url(thread_of(opening)))

    head = next(p for p in tree.iter("p") if "byline" in p.classes)
    assert [tag.text for tag in head.find_all("span", class_="staff")] == ["moderator"]


def test_a_readers_own_anonymous_post_is_marked_for_them_alone(app, scene):
    """ "(you)" lets a member find their own words; nobody else may see it, or they would learn
    whose the alias is."""
    url = thread_url(thread_of(scene["story"]))
    post = scene["anonymous_moderator"]

    own = byline(page(signed_in(app, scene["moderator"]), url), post)
    assert own.find("span", class_="yours").text == "(you)"
    for reader in (device(app), signed_in(app, scene["member"]), signed_in(app, scene["admin"])):
        assert byline(page(reader, url), post).find("span", class_="yours") is None
    # A named post needs no mark: the name says it.
    assert (
        byline(page(signed_in(app, scene["member"]), url), scene["by_member"]).find(
            "span", class_="yours"
        )
        is None
    )


def test_each_reply_is_named_for_whom_and_when(app, scene):
    """A screen reader's list of articles reads "Reply by NAME, TIME": nothing else from the
    byline (the permalink's hidden words) and, for a removed reply, that it was removed."""
    tree = page(device(app), thread_url(thread_of(scene["story"])))
    named = card(tree, scene["by_member"].id).get("aria-label")
    assert named.startswith("Reply by Hazel, ") and "link" not in named
    alias = scene["anonymous_admin"].anon_alias
    assert (
        card(tree, scene["anonymous_admin"].id).get("aria-label").startswith(f"Reply by {alias}, ")
    )

    remove_post(scene["moderator"], scene["by_member"], RemovalReason.HARMFUL)
    db.session.commit()
    tree = page(device(app), thread_url(thread_of(scene["story"])))
    gone = card(tree, scene["by_member"].id)
    assert gone.get("aria-label").startswith("Removed reply, ")
    assert "Hazel" not in gone.text and "Reply" not in byline(tree, scene["by_member"]).text


def test_actions_say_whose_post_they_act_on(app, scene):
    tree = page(signed_in(app, scene["member"]), thread_url(thread_of(scene["story"])))
    actions = card(tree, scene["by_moderator"].id).find("div", class_="actions")
    names = [a.text for a in actions.iter("a")]
    assert names == ["Reply to the reply by Cedar", "Report the reply by Cedar"]
    assert [a.visible_text for a in actions.iter("a")] == ["Reply", "Report"]
    group = card(tree, scene["by_moderator"].id).find("div", class_="reactions")
    assert (
        group.get("role") == "group"
        and group.get("aria-label") == "Reactions to the reply by Cedar"
    )
