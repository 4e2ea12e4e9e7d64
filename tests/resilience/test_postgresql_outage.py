"""PostgreSQL stopped, frozen, back again: a member gets a calm 503 page that asks the database
nothing (never gunicorn's bare "Internal Server Error"), a frozen server costs a request a few
seconds instead of hanging it, and once the server answers again the forum does too, with no
restart."""

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from support.clients import PARTIAL, signed_in
from support.config import forum_config
from support.forms import compose_form
from support.members import make_member
from support.pages import Element, html_of, parse
from support.throwaway import Gunicorn, ThrowawayPostgreSQL

from forum.database import db
from forum.models import User

OUTAGE_TITLE = "We can't reach our storage right now"
YOUR_TEXT = "your text may still be there"
# A frozen server: the pool's connection fails its pre-ping (2 s), and connecting afresh
# fails too (2 s). Allow for a slow machine, but not for anything like a hang.
FROZEN_ANSWER_WITHIN = 6.0


@pytest.fixture
def wren(forum: Flask) -> User:
    return make_member("Wren", days_old=30)


@pytest.fixture
def wrens_phone(forum: Flask, wren: User) -> FlaskClient:
    """Wren's phone, signed in, having read the home page: the pool holds a connection, as a
    serving app's does."""
    phone = signed_in(forum, wren)
    assert phone.get("/").status_code == 200
    return phone


def timed(request: Callable[[], object]) -> tuple[object, float]:
    start = time.monotonic()
    answer = request()
    return answer, time.monotonic() - start


def calm_outage_page(html: str) -> Element:
    """The 503 page, checked for what it must say and what it must not."""
    page = parse(html)
    assert page.find("h1").text == OUTAGE_TITLE
    assert "It isn't anything you did." in page.find("main").text
    assert page.find("a", class_="help-now") is not None
    assert page.find("a", class_="quick-exit") is not None
    assert "Internal Server Error" not in html
    assert "Traceback" not in html
    # Nothing about the reader: who they are is in the database that didn't answer.
    assert "Wren" not in html
    return page


def assert_outage_answer(response) -> None:
    assert response.status_code == 503, html_of(response)
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/", id="a page that queries"),
        pytest.param("/settings", id="a page that loads the member first"),
        pytest.param("/u/Wren", id="a profile"),
        pytest.param("/no-such-page", id="the not-found page, which loads the member"),
    ],
)
def test_with_postgresql_stopped_a_member_gets_the_calm_503_page(
    database: ThrowawayPostgreSQL, wrens_phone: FlaskClient, url: str
):
    database.stop()
    response = wrens_phone.get(url)

    assert_outage_answer(response)
    calm_outage_page(html_of(response))

    database.start()
    assert wrens_phone.get(url).status_code in (200, 404)  # no restart needed


def test_with_postgresql_stopped_a_member_still_finds_help_now(
    database: ThrowawayPostgreSQL, wrens_phone: FlaskClient
):
    """Where to find help needs no data: someone in crisis must reach it whatever our storage
    is doing, signed in or not."""
    database.stop()
    in_the_outage = wrens_phone.get("/help")
    database.start()
    as_usual = wrens_phone.get("/help")

    assert in_the_outage.status_code == 200
    page = parse(html_of(in_the_outage))
    assert page.find("h1").text == parse(html_of(as_usual)).find("h1").text
    assert 'href="tel:' in html_of(in_the_outage)


def test_a_story_sent_while_postgresql_is_stopped_is_not_lost(
    database: ThrowawayPostgreSQL, wrens_phone: FlaskClient
):
    """The page answering a form says what they wrote can still be on the page they left."""
    values = {**compose_form(wrens_phone, "story"), "title": "Tonight", "body": "It helps."}
    database.stop()

    page_response = wrens_phone.post("/stories/new", data=values)
    htmx_response = wrens_phone.post("/stories/new", data=values, headers=PARTIAL)

    assert_outage_answer(page_response)
    assert YOUR_TEXT in calm_outage_page(html_of(page_response)).find("main").text
    # htmx would swap the message in place of the form: it goes before the form instead.
    assert_outage_answer(htmx_response)
    assert htmx_response.headers["HX-Reswap"] == "beforebegin"
    partial = html_of(htmx_response)
    assert "<html" not in partial
    assert OUTAGE_TITLE in parse(partial).find("h1").text
    assert YOUR_TEXT in partial


def test_with_postgresql_frozen_the_503_page_comes_within_seconds(
    database: ThrowawayPostgreSQL, wrens_phone: FlaskClient
):
    database.freeze()
    response, took = timed(lambda: wrens_phone.get("/"))

    assert_outage_answer(response)
    calm_outage_page(html_of(response))
    assert took < FROZEN_ANSWER_WITHIN, f"the 503 page took {took:.1f} s"

    database.thaw()
    response, took = timed(lambda: wrens_phone.get("/"))
    assert response.status_code == 200
    assert took < 2, f"the first page after the thaw took {took:.1f} s"


def test_healthz_answers_503_while_postgresql_is_down_and_ok_when_it_is_back(
    database: ThrowawayPostgreSQL, forum: Flask
):
    """Load balancers take a server out of rotation only while the database doesn't answer."""
    client = forum.test_client()
    database.stop()

    down = client.get("/healthz")

    assert down.status_code == 503
    assert down.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert down.headers["Retry-After"] == "30"

    database.start()
    back = client.get("/healthz")
    assert back.status_code == 200
    assert back.get_json() == {"status": "ok"}


def test_postgresql_cancels_a_statement_that_runs_too_long(
    forum_on_postgresql: Callable[..., Flask],
):
    """statement_timeout: the server gives up on the statement, and the connection stays
    good for the next one."""
    forum_on_postgresql(DATABASE_STATEMENT_TIMEOUT=0.3)
    start = time.monotonic()

    with pytest.raises(OperationalError, match="statement timeout"):
        db.session.execute(text("SELECT pg_sleep(5)"))

    assert time.monotonic() - start < 2
    db.session.rollback()
    assert db.session.scalar(select(1)) == 1


def test_gunicorn_answers_the_calm_page_not_its_bare_error(
    database: ThrowawayPostgreSQL, wrens_phone: FlaskClient
):
    """The forum as deployed, from the environment, in gunicorn: the error page asked the
    database for the member, and its own failure left gunicorn's bare text."""
    served = Gunicorn(
        {
            "DATABASE_URL": database.url,
            "REDIS_URL": "",
            # The suite's key: the test client's session cookie opens Wren's session there too.
            "SECRET_KEY": forum_config(database.url)["SECRET_KEY"],
        }
    )
    cookie = {"Cookie": f"session={wrens_phone.get_cookie('session').value}"}
    served.start()
    try:
        response, html = served.get("/", cookie)
        assert response.status == 200
        assert "Wren" in html  # signed in, so the outage page's silence about them means something

        database.stop()
        response, html = served.get("/", cookie)
        assert response.status == 503
        calm_outage_page(html)

        database.start()
        assert served.get("/", cookie)[0].status == 200

        database.freeze()
        (response, html), took = timed(lambda: served.get("/", cookie))
        assert response.status == 503
        calm_outage_page(html)
        assert took < FROZEN_ANSWER_WITHIN, f"the 503 page took {took:.1f} s"

        database.thaw()
        assert served.get("/", cookie)[0].status == 200
    finally:
        served.stop()
