"""The cast of the following tests: Wren, who shares a story; Hazel and Sorrel, who answer it;
each on a phone of their own. The posting pace is off: these tests post often."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.clients import signed_in
from support.content import start_thread, unpace
from support.members import make_member

from forum.models import Post, ThreadKind, User


@pytest.fixture
def hazel(app: Flask) -> User:
    return make_member("Hazel", days_old=30)


@pytest.fixture
def sorrel(app: Flask) -> User:
    return make_member("Sorrel", days_old=30)


@pytest.fixture
def wrens_phone(app: Flask, wren: User) -> FlaskClient:
    unpace(app)
    return signed_in(app, wren)


@pytest.fixture
def hazels_phone(app: Flask, hazel: User) -> FlaskClient:
    unpace(app)
    return signed_in(app, hazel)


@pytest.fixture
def story(wren: User) -> Post:
    """Wren's story (its opening post), not yet answered."""
    return start_thread(ThreadKind.STORY, "A long winter", "It was hard.", wren)
