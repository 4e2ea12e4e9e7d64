"""Getting back in with a recovery code: the code is spent, other devices are logged out."""

import pytest
from support.clients import device, is_logged_in
from support.forms import log_in, recover
from support.members import NEW_PASSWORD, PASSWORD, give_recovery_codes, make_member
from support.pages import field_error, form_inputs, form_problem

from forum.accounts import recovery
from forum.database import db
from forum.models import User

NO_MATCH = "That pseudonym and recovery code don't match, or the code was used already."


@pytest.fixture
def codes(wren) -> list[str]:
    """Wren's recovery codes."""
    return give_recovery_codes(wren)


def codes_left() -> int:
    db.session.expire_all()
    return recovery.codes_left(db.session.query(User).filter_by(pseudonym="Wren").one())


def test_a_recovery_code_and_a_new_password_get_the_member_back_in(client, app, codes):
    """The forgotten password is replaced; the member is in and told how many codes remain."""
    response = recover(client, "Wren", codes[3])

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "You have 9 recovery codes left." in client.get("/").get_data(as_text=True)
    assert is_logged_in(client)
    assert log_in(device(app), "Wren", NEW_PASSWORD).status_code == 303
    assert log_in(device(app), "Wren", PASSWORD).status_code == 422


@pytest.mark.parametrize(
    "typing",
    [
        str.lower,
        lambda code: code.replace("-", " "),
        lambda code: code.replace("-", ""),
        lambda code: f"  {code.lower().replace('-', '')}  ",
    ],
    ids=["lower case", "spaces", "no dashes", "padded"],
)
def test_a_code_may_be_typed_loosely(client, codes, typing):
    """Case, spaces and dashes don't matter: people copy codes from paper."""
    assert recover(client, "Wren", typing(codes[0])).status_code == 303
    assert codes_left() == 9


def test_letters_that_look_like_digits_are_read_as_the_digits(client):
    """An O typed for a 0 or an I for a 1 still works."""
    user = make_member("Wren")
    codes = give_recovery_codes(user)
    while not any("0" in code or "1" in code for code in codes):  # almost every set has one
        codes = recovery.issue_codes(user)
        db.session.commit()
    code = next(code for code in codes if "0" in code or "1" in code)
    misread = code.replace("0", "O").replace("1", "I")

    assert recover(client, "Wren", misread).status_code == 303


def test_a_code_works_only_once(client, app, codes):
    """A code written on paper that someone else finds after it was used is worthless."""
    assert recover(client, "Wren", codes[0]).status_code == 303

    again = recover(device(app), "Wren", codes[0], "yet another good password")

    assert again.status_code == 422
    assert form_problem(again.get_data(as_text=True)) == NO_MATCH
    assert log_in(device(app), "Wren", NEW_PASSWORD).status_code == 303


def test_wrong_codes_and_unknown_pseudonyms_get_one_message(client, codes):
    """The form tells nobody whether a pseudonym exists or which part was wrong."""
    other_codes = give_recovery_codes(make_member("Heron"))
    answers = [
        recover(client, "Wren", "AAAAA-BBBBB-CCCCC-DDDDD"),
        recover(client, "Wren", other_codes[0]),  # someone else's code
        recover(client, "Wren", "too short"),
        recover(client, "Nobody_Here", codes[0]),
    ]

    for response in answers:
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert form_problem(html) == NO_MATCH
        assert NEW_PASSWORD not in html
    assert codes_left() == 10
    assert not is_logged_in(client)


def test_absurdly_long_input_is_answered_calmly(client, codes):
    """A pasted page in every field: messages, not an error page, and nothing is spent."""
    response = recover(client, "W" * 10_000, "A" * 10_000, "p" * 10_000)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "20 letters and digits" in field_error(html, "code")
    assert "at most 200 characters" in field_error(html, "new_password")
    assert codes_left() == 10


def test_a_refused_recovery_keeps_what_was_typed_but_no_password(client, codes):
    html = recover(client, "Wren", "AAAAA-BBBBB-CCCCC-DDDDD").get_data(as_text=True)

    inputs = form_inputs(html)
    assert inputs["pseudonym"].get("value") == "Wren"
    assert inputs["code"].get("value") == "AAAAA-BBBBB-CCCCC-DDDDD"
    assert inputs["new_password"].get("value") in (None, "")
    assert NEW_PASSWORD not in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw", "Choose a password of at least 10 characters."),
        ("password123", "That password is too easy to guess"),
    ],
)
def test_a_weak_new_password_is_refused_and_the_code_is_not_spent(client, codes, password, message):
    """Fixing the password afterwards still works with the same code."""
    response = recover(client, "Wren", codes[0], password)

    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "new_password")
    assert codes_left() == 10
    assert recover(client, "Wren", codes[0]).status_code == 303


def test_a_new_password_containing_the_pseudonym_is_refused_as_at_joining(client, codes):
    response = recover(client, "Wren", codes[0], "wren is my name")

    assert response.status_code == 422
    assert "too easy to guess" in field_error(response.get_data(as_text=True), "new_password")


def test_recovery_logs_out_every_other_device(client, app, codes):
    """Whoever had the old password, and their "remember me" cookie, is out."""
    other_device = device(app)
    log_in(other_device, "Wren", remember=True)
    assert is_logged_in(other_device)

    assert recover(client, "Wren", codes[0]).status_code == 303

    assert not is_logged_in(other_device)
    other_device.delete_cookie("session")  # only the remember cookie is left
    assert not is_logged_in(other_device)
    assert is_logged_in(client)


def test_recovery_without_the_csrf_token_is_refused(client, codes):
    data = {"pseudonym": "Wren", "code": codes[0]}
    data |= {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}

    assert client.post("/recover", data=data).status_code == 400
    assert codes_left() == 10


def test_guessing_codes_is_limited(client, app, codes):
    """After 5 wrong codes for one pseudonym from one address, even a right code waits there."""
    for _ in range(5):
        assert recover(client, "Wren", "AAAAA-BBBBB-CCCCC-DDDDD").status_code == 422

    response = recover(client, "Wren", codes[0])

    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Please try again in" in form_problem(html)
    assert form_inputs(html)["pseudonym"].get("value") == "Wren"
    assert NEW_PASSWORD not in html
    assert codes_left() == 10
    assert not is_logged_in(client)
    # The wait is for the guesser's address: the member, elsewhere, gets back in.
    elsewhere = device(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert recover(elsewhere, "Wren", codes[0]).status_code == 303
