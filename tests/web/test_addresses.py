"""Addresses built once per request and filled in per post (forum.web.urls.address) are the
addresses Flask builds."""

import pytest
from flask import url_for

from forum.web.urls import address

IDS = [1, 7, 10, 99, 12345, 2**31 - 1]


def test_an_address_with_an_id_is_the_one_flask_builds(app):
    with app.test_request_context("/", base_url="http://forum.test/sub"):
        for endpoint in ("posting.react", "posting.reply", "reading.post_in_context"):
            for post_id in IDS:
                assert address(endpoint, post_id=post_id) == url_for(endpoint, post_id=post_id)
        assert address("reading.thread", thread_id=5, slug="a-b") == "/sub/t/5-a-b"
        assert address("reading.profile", pseudonym="W ren/ü") == url_for(
            "reading.profile", pseudonym="W ren/ü"
        )
        assert address("reading.home") == url_for("reading.home")


@pytest.mark.own_app
def test_an_id_written_otherwise_is_built_each_time(app):
    """A route that pads its ids can't be filled in: each address is built in full."""
    app.add_url_rule("/padded/<int(fixed_digits=4):number>", "padded", lambda number: "")
    with app.test_request_context("/"):
        assert [address("padded", number=n) for n in (7, 12345)] == [
            "/padded/0007",
            "/padded/12345",
        ]
