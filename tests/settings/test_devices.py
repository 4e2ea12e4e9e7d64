"""Where a member is signed in: their settings list each device (by browser, never by
address), mark this one, and sign out one or all of the others; a new password renews this
device's sign-in; the export lists the devices without their tokens; deleting the account
ends them all."""

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from support.clients import device, is_logged_in
from support.forms import csrf_token, log_in, settings_post
from support.members import NEW_PASSWORD, PASSWORD, make_member
from support.pages import Element, form_posting_to, html_of, notice, page
from support.rows import all_stored_text, count, fresh

from forum.database import db
from forum.models import SignIn, User

NAME = "Marigold_77"
PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
LAPTOP = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def browser(app: Flask, user_agent: str, address: str) -> FlaskClient:
    """A device with its own browser and network address, on which NAME logs in."""
    client = device(app)
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    assert log_in(client, NAME).status_code == 303
    return client


@pytest.fixture
def devices(app) -> dict[str, FlaskClient]:
    """NAME is signed in on a phone, a laptop and a desktop; the test works on the desktop."""
    make_member(NAME)
    return {
        "phone": browser(app, PHONE, "203.0.113.5"),
        "laptop": browser(app, LAPTOP, "198.51.100.23"),
        "desktop": browser(app, DESKTOP, "192.0.2.44"),
    }


def listed(client: FlaskClient) -> list[Element]:
    section = page(client, "/settings").by_id("devices")
    assert section is not None, "no list of devices in the settings"
    return section.find("ul", class_="devices").find_all("li")


def end_form(client: FlaskClient, description: str) -> dict[str, str]:
    """What the "Sign out there" button beside a device sends."""
    item = next(li for li in listed(client) if li.find("strong").text == description)
    return {i.get("name"): i.get("value") for i in item.iter("input")}


def test_the_settings_list_every_device_and_mark_this_one(devices):
    items = listed(devices["desktop"])

    described = sorted(item.find("strong").text for item in items)
    assert described == ["Chrome on Windows", "Firefox on Android", "Safari on macOS"]
    this_one = [item for item in items if "(this device)" in item.text]
    assert [item.find("strong").text for item in this_one] == ["Chrome on Windows"]
    assert all("Logged in" in item.text and "last used" in item.text for item in items)
    # Only the other devices have a button: this one logs out with "Log out".
    assert this_one[0].find("form") is None
    assert sum(1 for item in items if item.find("form") is not None) == 2


def test_no_address_and_no_user_agent_is_shown_or_kept(devices):
    html = html_of(devices["desktop"].get("/settings"))
    stored = all_stored_text()

    for address in ("203.0.113.5", "198.51.100.23", "192.0.2.44"):
        assert address not in html and address not in stored
    for agent in (PHONE, LAPTOP, DESKTOP):
        assert agent not in html and agent not in stored
    assert "Gecko" not in stored and "AppleWebKit" not in stored


def test_signing_out_one_other_device(devices):
    desktop = devices["desktop"]

    response = desktop.post("/settings/devices/end", data=end_form(desktop, "Firefox on Android"))

    assert response.status_code == 303
    assert "That device is signed out." in notice(html_of(desktop.get("/settings")))
    assert not is_logged_in(devices["phone"])
    assert is_logged_in(devices["laptop"])
    assert is_logged_in(desktop)


def test_signing_out_everywhere_else(devices):
    desktop = devices["desktop"]
    form = form_posting_to(html_of(desktop.get("/settings")), "/settings/devices/end-others")
    data = {i.get("name"): i.get("value") for i in form.iter("input")}

    response = desktop.post("/settings/devices/end-others", data=data)

    assert response.status_code == 303
    assert "You are signed out on every other device." in notice(html_of(desktop.get("/settings")))
    assert not is_logged_in(devices["phone"])
    assert not is_logged_in(devices["laptop"])
    assert is_logged_in(desktop)
    assert [item.find("strong").text for item in listed(desktop)] == ["Chrome on Windows"]


def test_a_member_cannot_end_another_members_sign_in(app, devices):
    """The button names a sign-in by number: another member's number does nothing."""
    make_member("Harbour")
    other = device(app)
    log_in(other, "Harbour")
    theirs = fresh(SignIn, user_id=fresh(User, pseudonym=NAME).id, device="Firefox on Android")
    data = {"csrf_token": csrf_token(other, "/settings"), "sign_in": str(theirs.id)}

    response = other.post("/settings/devices/end", data=data)

    assert response.status_code == 303
    assert "That device was signed out already." in notice(html_of(other.get("/settings")))
    assert is_logged_in(devices["phone"])


def test_this_device_is_not_ended_from_the_list(devices):
    """Logging out does that, with its cookies cleared: the list's button never does."""
    desktop = devices["desktop"]
    data = end_form(desktop, "Firefox on Android")
    data["sign_in"] = str(fresh(SignIn, device="Chrome on Windows").id)

    desktop.post("/settings/devices/end", data=data)

    assert is_logged_in(desktop)


def test_ending_a_device_needs_the_csrf_token(devices):
    data = end_form(devices["desktop"], "Firefox on Android")
    del data["csrf_token"]

    assert devices["desktop"].post("/settings/devices/end", data=data).status_code == 400
    assert devices["desktop"].post("/settings/devices/end-others").status_code == 400
    assert is_logged_in(devices["phone"])


def test_a_new_password_renews_this_devices_sign_in(app, devices):
    """Every other device is out, and a copy of this device's cookie taken before the change
    is worthless too; this device stays in, under its new token."""
    desktop = devices["desktop"]
    copied = desktop.get_cookie("session").value
    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }

    assert settings_post(desktop, "password", data).status_code == 303

    assert is_logged_in(desktop)
    assert not is_logged_in(devices["phone"]) and not is_logged_in(devices["laptop"])
    thief = device(app)
    thief.set_cookie("session", copied)
    assert not is_logged_in(thief)
    assert [item.find("strong").text for item in listed(desktop)] == ["Chrome on Windows"]


def test_a_new_password_keeps_keep_me_logged_in_on_this_device(app, client):
    make_member(NAME)
    log_in(client, NAME, remember=True)
    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }

    assert settings_post(client, "password", data).status_code == 303

    client.delete_cookie("session")  # the browser closed: only the remember cookie is left
    assert is_logged_in(client)


def test_my_data_lists_the_devices_without_their_tokens(devices):
    desktop = devices["desktop"]
    with desktop.session_transaction() as session:
        token = session["_user_id"]

    text = html_of(desktop.get("/settings/export"))

    data = json.loads(text)
    exported = {entry["device"]: entry for entry in data["signed_in_devices"]}
    assert set(exported) == {"Chrome on Windows", "Firefox on Android", "Safari on macOS"}
    assert exported["Chrome on Windows"]["this_device"] is True
    assert exported["Firefox on Android"]["kept_logged_in"] is False
    assert token not in text
    digests = db.session.scalars(select(SignIn.token_digest)).all()
    assert len(digests) == 3 and not any(digest in text for digest in digests)


def test_deleting_the_account_ends_every_sign_in(devices):
    data = {"password": PASSWORD, "posts": "keep", "confirm": "y"}

    assert settings_post(devices["desktop"], "delete", data).status_code == 200

    assert count(SignIn) == 0
    assert not is_logged_in(devices["phone"])
