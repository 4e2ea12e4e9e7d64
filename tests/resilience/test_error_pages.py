"""The page about a failure on our side asks the database nothing, not even who is reading:
whatever failed, it can still be made. (The pages about an outage itself are in
test_postgresql_outage.py.)"""

import pytest
from flask import Flask
from support.clients import PARTIAL, signed_in
from support.pages import html_of, parse

from forum.extensions import csrf
from forum.models import User

pytestmark = pytest.mark.own_app  # adds a route


@pytest.fixture
def broken_route(app: Flask) -> str:
    """A page, or a form's answer, that fails as a bug would, answered as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken, methods=["GET", "POST"])
    csrf.exempt(broken)  # the failure is the subject, not the form's token
    return "/broken"


def test_a_server_error_page_for_a_member_runs_no_query(
    app: Flask, broken_route: str, wren: User, count_queries
):
    phone = signed_in(app, wren)

    with count_queries() as statements:
        response = phone.get(broken_route)

    assert response.status_code == 500
    assert statements == []
    assert parse(html_of(response)).find("h1").text == "Something went wrong on our side"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_server_error_answering_a_form_says_the_text_may_still_be_there(
    app: Flask, broken_route: str, wren: User
):
    phone = signed_in(app, wren)

    page = phone.post(broken_route, data={"body": "A long reply"})
    partial = phone.post(broken_route, data={"body": "A long reply"}, headers=PARTIAL)

    assert page.status_code == partial.status_code == 500
    assert "your text may still be there" in parse(html_of(page)).find("main").text
    assert "your text may still be there" in html_of(partial)
    assert partial.headers["HX-Reswap"] == "beforebegin"
