"""Joining: a pseudonym and a password, nothing else; then ten recovery codes, shown once."""

from urllib.parse import quote

import pytest
from sqlalchemy import select
from support.clients import device, is_logged_in
from support.forms import join, submit
from support.members import CODE_FORMAT, PASSWORD, give_recovery_codes, make_member
from support.pages import csrf_token_in, field_error, form_inputs, parse, shown_codes
from support.rows import all_stored_text, count, fresh

from forum.accounts import recovery
from forum.accounts.members import PSEUDONYM_TAKEN
from forum.database import db
from forum.models import RecoveryCode, User

TOO_SHORT_OR_LONG = "Choose a pseudonym of 3 to 30 characters."
ONLY_PLAIN_LETTERS = "Use only letters (a to z, A to Z), digits, “_” and “-” in your pseudonym."
KEPT_FOR_THE_SITE = "That pseudonym is kept for the site. Please choose another."
INVISIBLE = "Your pseudonym has invisible characters in it. Please type it again without them."
TOO_EASY = "That password is too easy to guess"
NOT_THE_SAME = "The two passwords are not the same."


def kept_form(html: str, kept: bool) -> dict[str, str]:
    """What the "I kept them" form on a codes page sends, box ticked or not."""
    data = {
        name: element.get("value") or ""
        for name, element in form_inputs(html).items()
        if element.get("type") == "hidden"
    }
    if kept:
        data["kept"] = "y"
    return data


def test_the_join_form_asks_only_for_a_pseudonym_and_a_password(client):
    """No email, no real name, no birthday: nothing that could identify a person."""
    html = client.get("/join").get_data(as_text=True)
    page = parse(html)
    form = next(f for f in page.iter("form") if f.get("action") == "/join")

    fields = {element.get("name") for element in form.iter("input")}
    assert fields == {"csrf_token", "pseudonym", "password", "password_again", "submit"}
    assert not form.find_all("textarea") and not form.find_all("select")
    assert "No email" in page.find("main").text


def test_joining_shows_ten_codes_once_and_logs_the_member_in(client):
    """The new member sees ten different codes with a plain explanation, and is in."""
    response = join(client, "Kestrel")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    codes = shown_codes(html)
    assert len(codes) == 10 == len(set(codes))
    assert all(CODE_FORMAT.fullmatch(code) for code in codes), codes
    assert "the only way back into" in parse(html).find("main").text
    assert is_logged_in(client)
    user = fresh(User, pseudonym="Kestrel")
    assert user.password_hash.startswith("$argon2id$")
    assert recovery.codes_left(user) == 10


def test_codes_and_password_are_stored_only_as_hashes(client):
    """Someone who copied the database could not read a code or the password from it."""
    codes = shown_codes(join(client, "Kestrel").get_data(as_text=True))

    stored = all_stored_text()
    for code in codes:
        assert code not in stored
        assert recovery.normalise(code) not in stored
    assert PASSWORD not in stored
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and all(len(digest) == 64 for digest in hashes)


def test_the_codes_are_shown_only_once(client):
    """Coming back to the site never shows the codes again."""
    codes = shown_codes(join(client, "Kestrel").get_data(as_text=True))

    for url in ("/", "/settings", "/u/Kestrel"):
        html = client.get(url).get_data(as_text=True)
        assert not any(code in html for code in codes), url


def test_the_confirmation_form_carries_the_codes_it_confirms(client):
    """Ticking "I have saved these codes" confirms exactly the codes on the page."""
    html = join(client, "Kestrel").get_data(as_text=True)

    data = kept_form(html, kept=True)

    assert [data.get(f"codes-{i}") for i in range(10)] == shown_codes(html)


def test_confirming_with_the_box_ticked_ends_the_reminder(client):
    """Until the codes are confirmed, each page reminds the member; afterwards it doesn't.
    (The page's own form and CSRF token work, though the session was renewed at joining.)"""
    html = join(client, "Kestrel").get_data(as_text=True)
    reminder = "haven't confirmed that you kept your recovery codes"
    assert reminder in client.get("/").get_data(as_text=True)

    response = client.post("/recovery-codes/kept", data=kept_form(html, kept=True))

    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/"
    assert fresh(User, pseudonym="Kestrel").recovery_codes_confirmed is True
    assert reminder not in client.get("/").get_data(as_text=True)


def test_logging_out_from_the_codes_page_works(client):
    """The page seen right after joining carries a CSRF token of the new session."""
    html = join(client, "Kestrel").get_data(as_text=True)

    response = client.post("/logout", data={"csrf_token": csrf_token_in(html)})

    assert response.status_code == 303
    assert not is_logged_in(client)


def test_confirming_needs_the_box_ticked_and_shows_the_codes_again(client):
    """Forgetting the box does not lose the codes: the same ten are there, with a message."""
    html = join(client, "Kestrel").get_data(as_text=True)

    response = client.post("/recovery-codes/kept", data=kept_form(html, kept=False))

    assert response.status_code == 422
    again = response.get_data(as_text=True)
    assert shown_codes(again) == shown_codes(html)
    assert field_error(again, "kept") == "Please tick the box once you have saved your codes."
    assert response.headers["Cache-Control"] == "no-store"
    assert fresh(User, pseudonym="Kestrel").recovery_codes_confirmed is False
    response = client.post("/recovery-codes/kept", data=kept_form(again, kept=True))
    assert fresh(User, pseudonym="Kestrel").recovery_codes_confirmed is True


@pytest.mark.parametrize(
    ("target", "landing"),
    [("/settings", "/settings"), ("//evil.example", "/"), ("https://evil.example/", "/")],
)
def test_after_confirming_a_new_member_returns_to_where_they_were(client, target, landing):
    """Asked to join while reading, they come back to that page, and only to this site."""
    response = submit(
        client,
        f"/join?next={quote(target, safe='')}",
        {"pseudonym": "Kestrel", "password": PASSWORD, "password_again": PASSWORD},
        follow_redirects=True,
    )

    kept = client.post(
        "/recovery-codes/kept", data=kept_form(response.get_data(as_text=True), True)
    )

    assert kept.headers["Location"] == landing


def test_a_tampered_code_in_the_confirmation_is_refused(client):
    """Confirming a set that isn't exactly the one shown changes nothing."""
    data = kept_form(join(client, "Kestrel").get_data(as_text=True), kept=True)
    first = data["codes-0"]
    data["codes-0"] = ("B" if first[0] != "B" else "C") + first[1:]

    response = client.post("/recovery-codes/kept", data=data)

    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/settings"
    assert fresh(User, pseudonym="Kestrel").recovery_codes_confirmed is False
    assert "no longer current" in client.get("/settings").get_data(as_text=True)


def test_another_members_codes_cannot_confirm_mine(client):
    """Codes from another account are not mine to confirm, and are never shown to me."""
    their_codes = give_recovery_codes(make_member("Heron_Watcher"))
    html = join(client, "Kestrel").get_data(as_text=True)

    for kept in (False, True):
        data = kept_form(html, kept)
        data.update({f"codes-{i}": code for i, code in enumerate(their_codes)})
        response = client.post("/recovery-codes/kept", data=data)

        assert response.status_code in (302, 303)
        assert response.headers["Location"] == "/settings"
        assert fresh(User, pseudonym="Kestrel").recovery_codes_confirmed is False


def test_join_without_the_csrf_token_is_refused(client):
    """A page elsewhere cannot make someone's browser create an account."""
    response = client.post(
        "/join", data={"pseudonym": "Kestrel", "password": PASSWORD, "password_again": PASSWORD}
    )

    assert response.status_code == 400
    assert count(User) == 0


def assert_refused(response, field: str, message: str, typed_pseudonym: str, *secrets: str):
    """Refused with `message` under `field`, the pseudonym kept, no password shown."""
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(html, field)
    assert form_inputs(html)["pseudonym"].get("value") == typed_pseudonym.strip()
    for secret in secrets:
        assert secret not in html
    for name in ("password", "password_again"):
        assert form_inputs(html)[name].get("value") in (None, "")
    assert "Traceback" not in html


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("", "Choose a pseudonym."),
        ("ab", TOO_SHORT_OR_LONG),
        ("a" * 31, TOO_SHORT_OR_LONG),
        ("a" * 10_000, TOO_SHORT_OR_LONG),
        ("wren smith", ONLY_PLAIN_LETTERS),
        ("wren!", ONLY_PLAIN_LETTERS),
        ("<b>wren</b>", ONLY_PLAIN_LETTERS),
        ("Wrén", ONLY_PLAIN_LETTERS),
        ("Wr\u0435n", ONLY_PLAIN_LETTERS),  # a Cyrillic ie, drawn like a Latin "e"
        ("\u0391lex", ONLY_PLAIN_LETTERS),  # a Greek capital alpha
        ("admin", KEPT_FOR_THE_SITE),
        ("Admin", KEPT_FOR_THE_SITE),
        ("adm1n", KEPT_FOR_THE_SITE),
        ("moderator", KEPT_FOR_THE_SITE),
        ("Moderators", KEPT_FOR_THE_SITE),
        ("mod", KEPT_FOR_THE_SITE),
        ("m0d", KEPT_FOR_THE_SITE),
        ("anonymous", KEPT_FOR_THE_SITE),
        ("deleted", KEPT_FOR_THE_SITE),
        ("system", KEPT_FOR_THE_SITE),
        ("AnonymousHeron", KEPT_FOR_THE_SITE),
        ("Anonymous-Heron", KEPT_FOR_THE_SITE),
        ("An0nymous_Heron", KEPT_FOR_THE_SITE),
        ("Wr\u200ben", INVISIBLE),  # zero-width space
        ("\u200fWren", INVISIBLE),  # right-to-left mark
        ("Wren\u202e", INVISIBLE),  # right-to-left override
        ("Wr\u00aden", INVISIBLE),  # soft hyphen
        ("\ufeffWren", INVISIBLE),  # byte order mark
    ],
)
def test_unsuitable_pseudonyms_are_refused_with_what_to_change(client, pseudonym, message):
    """Each refusal says what to change and keeps what was typed; no account is made."""
    response = join(client, pseudonym)

    assert_refused(response, "pseudonym", message, pseudonym, PASSWORD)
    assert count(User) == 0


@pytest.mark.parametrize("pseudonym", ["Wren", "wren", "WREN", "VVren", "vvREN", " Wren "])
def test_a_taken_pseudonym_or_its_look_alike_is_refused(client, pseudonym):
    """Nobody can pass as an existing member by changing case or look-alike letters."""
    make_member("Wren")

    response = join(client, pseudonym)

    assert_refused(response, "pseudonym", PSEUDONYM_TAKEN, pseudonym, PASSWORD)
    assert count(User) == 1


@pytest.mark.parametrize(
    ("existing", "look_alike"),
    [("Robin", "R0bin"), ("Robin", "Rob1n"), ("Robin", "ROBlN"), ("modern", "modem")],
)
def test_letters_drawn_alike_count_as_the_same_pseudonym(client, existing, look_alike):
    """0 and o, 1, l and i, "rn" and "m" are easy to mistake for each other."""
    make_member(existing)

    assert_refused(join(client, look_alike), "pseudonym", PSEUDONYM_TAKEN, look_alike)


def test_a_pseudonym_that_only_resembles_one_is_fine(client):
    """ "Wr3n" doesn't read as "Wren": both can exist."""
    make_member("Wren")

    response = join(client, "Wr3n")

    assert response.status_code == 200
    assert fresh(User, pseudonym="Wr3n") is not None


def test_full_width_letters_are_normalised(client):
    """Wren typed in full-width letters (a phone keyboard in CJK mode) becomes plain Wren."""
    response = join(client, "\uff37\uff52\uff45\uff4e")

    assert response.status_code == 200
    assert fresh(User, pseudonym="Wren") is not None
    assert client.get("/u/Wren").status_code == 200


def test_the_full_width_form_of_a_taken_pseudonym_is_refused(client):
    make_member("Wren")

    response = join(client, "\uff37\uff52\uff45\uff4e")

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "pseudonym") == PSEUDONYM_TAKEN


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("", "", "Choose a password."),
        ("Tiny-pw-9", "Tiny-pw-9", "Choose a password of at least 10 characters."),
        ("password123", "password123", TOO_EASY),
        ("iloveyou12", "iloveyou12", TOO_EASY),
        ("Qwertyuiop", "Qwertyuiop", TOO_EASY),
        ("my name is KESTREL!", "my name is KESTREL!", TOO_EASY),
        ("kestrel-at-dusk", "kestrel-at-dusk", TOO_EASY),
        ("x" * 10_000, "x" * 10_000, "Choose a password of at most 200 characters."),
        ("quiet river at dawn", "quiet river at dusk", NOT_THE_SAME),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(client, password, again, message):
    """The message says what to change, under the field to change (a mistyped repetition
    under the repetition); the typed pseudonym stays, the passwords don't."""
    response = join(client, "Kestrel", password, again)

    secrets = [s for s in {password, again} if s]
    field = "password_again" if message == NOT_THE_SAME else "password"
    assert_refused(response, field, message, "Kestrel", *secrets)
    assert count(User) == 0


def summary_links(html: str) -> dict[str, str]:
    """The error summary at the top of the form: where each of its links goes, and its words."""
    summary = parse(html).find("div", class_="error-summary")
    assert summary is not None, "no error summary"
    return {a.get("href"): a.text for a in summary.iter("a")}


def test_every_problem_is_said_at_once_in_a_summary_that_takes_focus(client):
    """Three problems at once: each under its field, and all three in a summary at the top of
    the form, which takes focus as the page opens (no script needed) and is an alert, each
    problem a link to its field."""
    response = join(client, "admin", "password123", "something else")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "pseudonym") == KEPT_FOR_THE_SITE
    assert TOO_EASY in field_error(html, "password")
    assert NOT_THE_SAME in field_error(html, "password_again")
    links = summary_links(html)
    assert list(links) == ["#pseudonym", "#password", "#password_again"]
    assert links["#pseudonym"] == KEPT_FOR_THE_SITE
    summary = parse(html).find("div", class_="error-summary")
    assert summary.get("role") == "alert"
    assert summary.get("tabindex") == "-1" and "autofocus" in summary.attrs
    title = parse(html).by_id(summary.get("aria-labelledby"))
    assert title.text == "Please check these 3 things"
    form = next(f for f in parse(html).iter("form") if f.get("action") == "/join")
    assert next(form.iter("div")).get("id") == "error-summary", "first in the form"


def test_a_taken_pseudonym_is_said_along_with_a_weak_password(client):
    """Not one problem, then the next once it is fixed: the name taken is said at once."""
    make_member("Wren")

    html = join(client, "Wren", "password123").get_data(as_text=True)

    assert field_error(html, "pseudonym") == PSEUDONYM_TAKEN
    assert TOO_EASY in field_error(html, "password")
    assert list(summary_links(html)) == ["#pseudonym", "#password"]


def test_a_form_refused_as_a_whole_keeps_its_one_message(client):
    """A wrong password blames no field: one message, no list."""
    make_member("Wren")

    html = submit(client, "/login", {"pseudonym": "Wren", "password": "not it at all"}).get_data(
        as_text=True
    )

    assert parse(html).find("div", class_="error-summary") is None
    assert "don't match" in parse(html).find("div", class_="form-problem").text


def test_joining_is_limited_per_address(client, app):
    """A script can't fill the forum with accounts: the 11th account in a day waits."""
    for number in range(10):
        assert join(device(app), f"member_{number}").status_code == 200

    response = join(client, "member_ten")

    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "try again in" in html
    assert form_inputs(html)["pseudonym"].get("value") == "member_ten"
    assert PASSWORD not in html
    assert fresh(User, pseudonym="member_ten") is None
    elsewhere = device(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert join(elsewhere, "member_ten").status_code == 200


def test_refused_joins_do_not_count_towards_the_limit(client):
    """Someone fixing their typing many times is never locked out of joining."""
    for _ in range(12):
        assert join(client, "Kestrel", "short").status_code == 422

    assert join(client, "Kestrel").status_code == 200
