"""Members' devices for the posting tests: Wren's phone, and Harbour's."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.clients import signed_in
from support.members import make_member

from forum.models import User


@pytest.fixture
def phone(app: Flask, wren: User) -> FlaskClient:
    """Wren's phone, logged in."""
    return signed_in(app, wren)


@pytest.fixture
def harbour(app: Flask) -> User:
    return make_member("Harbour")


@pytest.fixture
def harbours_phone(app: Flask, harbour: User) -> FlaskClient:
    """Harbour's phone, logged in."""
    return signed_in(app, harbour)
