"""`forum users`: create members and staff, change roles, list accounts."""

import re

import pytest
from support.clients import device
from support.content import start_thread
from support.forms import log_in
from support.members import CODE_FORMAT, NEW_PASSWORD, PASSWORD, make_member
from support.rows import count, fresh

from forum.accounts import recovery
from forum.accounts.members import PSEUDONYM_TAKEN
from forum.models import Role, User


def test_create_makes_a_moderator_and_prints_their_codes(cli, app):
    """The admin hands over the codes; the new moderator can log in at once."""
    result = cli.invoke(
        args=["users", "create", "Keeper", "--role", "moderator", "--password", PASSWORD]
    )

    assert result.exit_code == 0, result.output
    assert "Created moderator Keeper." in result.output
    codes = [code for code in re.findall(r"\S+", result.output) if CODE_FORMAT.fullmatch(code)]
    assert len(set(codes)) == 10
    assert PASSWORD not in result.output
    user = fresh(User, pseudonym="Keeper")
    assert user.role == Role.MODERATOR
    assert user.password_hash.startswith("$argon2id$")
    assert recovery.spend_code(user, codes[0])
    assert log_in(device(app), "Keeper").status_code == 303


def test_create_defaults_to_a_member(cli):
    result = cli.invoke(args=["users", "create", "Plain_Member", "--password", PASSWORD])

    assert result.exit_code == 0, result.output
    assert fresh(User, pseudonym="Plain_Member").role == Role.MEMBER


def test_create_asks_for_the_password_without_showing_it(cli):
    """Without --password it is asked for twice, hidden, and never printed."""
    result = cli.invoke(
        args=["users", "create", "Quiet_Keeper", "--role", "admin"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert NEW_PASSWORD not in result.output
    user = fresh(User, pseudonym="Quiet_Keeper")
    assert user.role == Role.ADMIN


def test_create_refuses_two_different_passwords_at_the_prompt(cli):
    result = cli.invoke(
        args=["users", "create", "Quiet_Keeper"], input=f"{NEW_PASSWORD}\n{PASSWORD}\n"
    )

    assert result.exit_code != 0
    assert "do not match" in result.output
    assert count(User) == 0


@pytest.mark.parametrize(
    ("pseudonym", "password", "message"),
    [
        ("ab", PASSWORD, "Choose a pseudonym of 3 to 30 characters."),
        ("admin", PASSWORD, "That pseudonym is kept for the site."),
        ("two words", PASSWORD, "Use only letters"),
        ("Wr\u200ben", PASSWORD, "invisible characters"),
        ("Keeper", "short", "Choose a password of at least 10 characters."),
        ("Keeper", "password123", "too easy to guess"),
        ("Keeper", "keeper of keys", "too easy to guess"),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message(cli, pseudonym, password, message):
    result = cli.invoke(args=["users", "create", pseudonym, "--password", password])

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert count(User) == 0


@pytest.mark.parametrize("pseudonym", ["Keeper", "keeper", "KEEPER"])
def test_create_refuses_a_taken_pseudonym(cli, pseudonym):
    assert cli.invoke(args=["users", "create", "Keeper", "--password", PASSWORD]).exit_code == 0

    result = cli.invoke(args=["users", "create", pseudonym, "--password", NEW_PASSWORD])

    assert result.exit_code != 0
    assert PSEUDONYM_TAKEN in result.output
    assert count(User) == 1


def test_create_refuses_an_unknown_role(cli):
    result = cli.invoke(
        args=["users", "create", "Keeper", "--role", "king", "--password", PASSWORD]
    )

    assert result.exit_code != 0
    assert "king" in result.output
    assert count(User) == 0


def test_set_role_changes_the_role(cli):
    make_member("Keeper")

    result = cli.invoke(args=["users", "set-role", "keeper", "admin"])

    assert result.exit_code == 0, result.output
    assert "Keeper is now a admin." in result.output or "Keeper is now an admin." in result.output
    assert fresh(User, pseudonym="Keeper").role == Role.ADMIN
    assert cli.invoke(args=["users", "set-role", "Keeper", "member"]).exit_code == 0
    assert fresh(User, pseudonym="Keeper").role == Role.MEMBER


def test_set_role_refuses_an_unknown_member_or_role(cli):
    make_member("Keeper")

    unknown = cli.invoke(args=["users", "set-role", "Nobody_Here", "admin"])
    bad_role = cli.invoke(args=["users", "set-role", "Keeper", "overlord"])

    assert unknown.exit_code != 0 and "No member is called 'Nobody_Here'" in unknown.output
    assert bad_role.exit_code != 0 and "overlord" in bad_role.output
    assert fresh(User, pseudonym="Keeper").role == Role.MEMBER


def test_list_shows_pseudonyms_and_roles_and_nothing_about_anonymous_posts(cli):
    """The list names accounts; it never hints at who wrote what anonymously."""
    for name, role in (("Keeper", "moderator"), ("Chief", "admin"), ("Wren", "member")):
        cli.invoke(args=["users", "create", name, "--role", role, "--password", PASSWORD])
    wren = fresh(User, pseudonym="Wren")
    story = start_thread(title="What I never said", author=wren, anonymous=True)
    alias = story.anon_alias

    result = cli.invoke(args=["users", "list"])

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1] for line in result.output.splitlines() if line.strip()}
    assert rows == {"Chief": "admin", "Keeper": "moderator", "Wren": "member"}
    assert alias not in result.output
    assert "What I never said" not in result.output
    assert "nonymous" not in result.output
