"""The forms that send someone back (log in's `next`, mute's `back`) send them only to a path
on this site, however the address is spelt."""

from urllib.parse import quote

import pytest
from support.forms import csrf_token, log_in
from support.members import make_member
from support.pages import html_of

from forum.web.urls import safe_next

OFF_SITE = [
    "//evil.example",
    "/%09/evil.example",  # browsers drop the tab: "//evil.example"
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "/%5C/evil.example",  # a backslash, which browsers read as a slash
    "/%00/evil.example",
    "/%E2%80%A8/evil.example",  # a line separator
    "https://evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/ /evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_sends_nobody_off_the_site_whatever_the_spelling(client, target):
    make_member("Wren")

    response = log_in(client, "Wren", url="/login?next=" + target)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_mute_sends_nobody_off_the_site_whatever_the_spelling(app, client, target):
    make_member("Wren")
    make_member("Sorrel")
    log_in(client, "Wren")

    # Sent as a browser sends a form: the percent-escapes above arrive decoded.
    answer = client.post(
        "/u/Sorrel/mute",
        data=f"csrf_token={csrf_token(client)}&back={quote(target, safe='%/:')}",
        content_type="application/x-www-form-urlencoded",
    )

    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/settings", "/t/12-a-title", "/p/3?after=x#p3"])
def test_a_path_on_the_site_is_kept(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


@pytest.mark.parametrize("path", ["/settings", "/stories/new", "/p/1/reply", "/stories/unanswered"])
def test_a_guest_sent_to_log_in_gets_no_cookie_and_is_told_why(client, path):
    """The "log in to do that" message travels in the address, not in a session cookie:
    reading, and following a link that needs an account, leave no cookie."""
    response = client.get(path)

    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers
    login = client.get(response.headers["Location"])
    assert "Please log in, or join with just a pseudonym, to do that." in html_of(login)
    assert "to do that" not in html_of(client.get("/login"))
