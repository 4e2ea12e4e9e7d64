"""The community every moderation test starts from (see support/moderation.py)."""

import pytest
from flask import Flask
from support.members import make_member
from support.moderation import Community, community

from forum.models import User


@pytest.fixture
def town(app: Flask) -> Community:
    return community(app)


@pytest.fixture
def first_posts_wait(app: Flask) -> None:
    """A new member's first two posts wait for a moderator (the tests of approval use it)."""
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2


@pytest.fixture
def newcomer(town: Community) -> User:
    """A member who joined just now: their first posts wait, with `first_posts_wait`."""
    return make_member("Newcomer")
