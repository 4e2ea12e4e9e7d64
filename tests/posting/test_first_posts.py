"""FIRST_POSTS_NEED_APPROVAL = N: a new member's first N posts, threads and replies counted
together, wait for a moderator; once N of theirs are approved, the next is published at once.
Each value is tried for both kinds of post, since a thread's opening post is written (and was
once counted as approved) before the rule was asked."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.forms import reply_through_form, share_story
from support.members import make_member
from support.moderation import Community, approve, community
from support.rows import fresh

from forum.database import db
from forum.models import Post, User

KINDS = ["thread", "reply"]


@pytest.fixture
def town(app: Flask) -> Community:
    return community(app)


@pytest.fixture
def newcomer(town: Community) -> User:
    return make_member("Newcomer")


def write(kind: str, device: FlaskClient, town: Community, n: int) -> Post:
    """The post `device` writes: a story's opening post, or a reply to the town's story."""
    if kind == "thread":
        thread = share_story(device, title=f"My story, part {n}", body="It was a long year.")
        return db.session.scalars(
            db.select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
        ).one()
    return reply_through_form(device, town.story.id, f"Thank you for this, {n}.")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("first_posts", [0, 1, 2])
def test_a_new_members_first_n_posts_wait_and_the_next_is_published(
    app, town, newcomer, kind, first_posts
):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = first_posts
    mine = town.device(newcomer)
    moderator = town.device(town.moderator)

    for n in range(1, first_posts + 1):
        post = write(kind, mine, town, n)
        assert post.awaiting_approval, f"{kind} {n} of {first_posts} was published unreviewed"
        approve(moderator, post)
        assert not fresh(Post, post.id).awaiting_approval

    assert not write(kind, mine, town, first_posts + 1).awaiting_approval


@pytest.mark.parametrize("kind", KINDS)
def test_with_one_a_brand_new_accounts_first_post_waits(app, town, newcomer, kind):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1

    assert write(kind, town.device(newcomer), town, 1).awaiting_approval


@pytest.mark.parametrize("kind", KINDS)
def test_posts_written_before_any_is_approved_all_wait(app, town, newcomer, kind):
    """N counts approved posts: a newcomer who writes three before a moderator looks doesn't
    get the third published unreviewed."""
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    mine = town.device(newcomer)

    assert all(write(kind, mine, town, n).awaiting_approval for n in (1, 2, 3))


def test_threads_and_replies_count_together(app, town, newcomer):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    mine = town.device(newcomer)
    moderator = town.device(town.moderator)

    for n, kind in enumerate(KINDS, start=1):
        waiting = write(kind, mine, town, n)
        assert waiting.awaiting_approval, kind
        approve(moderator, waiting)

    assert not write("thread", mine, town, 3).awaiting_approval
    assert not write("reply", mine, town, 4).awaiting_approval
