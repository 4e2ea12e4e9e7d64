"""The scene every hostile-corpus test starts from (see support/hostile.py), a stopwatch for
the answers, and, for the one browser test here, the browser tests' own fixtures: Debian's
Chromium and a live server."""

import pytest
from browser.conftest import base_url, browser_type_launch_args, live_server  # noqa: F401
from flask import Flask
from support.hostile import Answers, Scene, scene_in


@pytest.fixture
def scene(app: Flask) -> Scene:
    return scene_in(app)


@pytest.fixture
def answers() -> Answers:
    return Answers()
