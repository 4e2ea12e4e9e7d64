"""The community every moderation test starts from (see support/moderation.py)."""

import pytest
from flask import Flask
from support.moderation import Community, community


@pytest.fixture
def town(app: Flask) -> Community:
    return community(app)
