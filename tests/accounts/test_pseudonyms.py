"""Pseudonyms that can't impersonate: names that could pass for the forum's staff, a crisis
service, the site itself or an anonymous post's alias are refused, saying which word to leave
out, while everyday names that merely contain such letters are fine; and a near-copy of a
member's pseudonym (a "_" or "-" added or taken out, a letter doubled or swapped) is refused
with the same words as a taken one, so nothing more is told about who exists."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from support.forms import join
from support.members import PASSWORD, make_member
from support.pages import field_error, form_inputs
from support.rows import count, fresh

from forum.accounts import members, pseudonyms
from forum.accounts.members import PSEUDONYM_TAKEN
from forum.database import db
from forum.demo import DEMO_MEMBERS
from forum.models import User

ALIAS_LIKE = "Names like “Anonymous” are kept for anonymous posts"
SITE_NAME_IN_IT = "A pseudonym can't contain the site's own name, “Test Forum”"


def staff_word_message(word: str) -> str:
    return (
        f"“{word}” in a pseudonym could make it look like the forum's staff or a support "
        "service. Please choose a name without it."
    )


def refusal(response) -> str:
    assert response.status_code == 422, response.status_code
    return field_error(response.get_data(as_text=True), "pseudonym")


# --- staff, the site and anonymous posts ---------------------------------------------------


@pytest.mark.parametrize(
    ("pseudonym", "word"),
    [
        ("SiteAdmin", "admin"),
        ("Site_Admin", "admin"),
        ("siteadmin", "admin"),
        ("ModTeam", "mod"),
        ("M0dTeam", "mod"),  # a zero for the o
        ("MODTeam", "mod"),
        ("modteam", "mod"),
        ("CrisisLine", "crisis"),
        ("crisisline", "crisis"),
        ("SupportTeam", "support"),
        ("supportteam", "support"),
        ("Team_Wren", "team"),
        ("wren-team", "team"),
        ("M0d_Wren", "mod"),
        ("iMod", "mod"),
        ("Wren_Admin1", "admin"),  # a digit ends a word too
        ("NightModerator", "moderator"),
        ("supermoderator", "moderator"),  # "moderator" is refused even inside a word
        ("HelpDesk", "helpdesk"),
        ("Lifeline", "lifeline"),
        ("Official_Wren", "official"),
        ("Hotline123", "hotline"),
        ("TheStaff", "staff"),
    ],
)
def test_staff_like_names_are_refused_naming_the_word(client, pseudonym, word):
    response = join(client, pseudonym)

    assert refusal(response) == staff_word_message(word)
    assert form_inputs(response.get_data(as_text=True))["pseudonym"].get("value") == pseudonym
    assert count(User) == 0


@pytest.mark.parametrize(
    "pseudonym",
    [
        "Anonymus",
        "Annonymous",
        "Anonimous",
        "Anonymos",
        "Annonymus",  # two slips, at the start where an alias's "Anonymous" is
        "Anonymus_Heron",
        "The_Anonymouse",
        "AN0NYMUS",
    ],
)
def test_names_spelt_nearly_like_anonymous_are_refused(client, pseudonym):
    assert ALIAS_LIKE in refusal(join(client, pseudonym))


@pytest.mark.parametrize("pseudonym", ["TestForum", "Test_Forum", "testforum_fan", "TEST-F0RUM"])
def test_names_with_the_sites_own_name_are_refused(client, pseudonym):
    assert SITE_NAME_IN_IT in refusal(join(client, pseudonym))


def test_the_site_name_is_read_from_the_configuration(app):
    app.config["SITE_NAME"] = "Reaching Out"

    assert pseudonyms.problem_with("ReachingOut_Wren")
    assert pseudonyms.problem_with("TestForum") is None


def test_a_short_site_name_is_refused_only_as_a_word(app):
    app.config["SITE_NAME"] = "Oak"

    assert pseudonyms.problem_with("Oak_Wren")
    assert pseudonyms.problem_with("Oakley") is None


# Everyday names with a staff word's letters inside another word, or near "anonymous" by
# sound only: all fine.
HARMLESS = [
    "Modest", "Desmond", "Commodore", "Almond", "Diamond", "Nomad", "Model", "Moderate",
    "Remodel", "Steam", "Steamboat", "Teammate", "Teamwork", "Supporter", "QuietSupporter",
    "Supportive", "Badminton", "Admiral", "Stafford", "Help_Me", "helpme", "Helper",
    "Unofficial", "Anomalous", "Anonna", "Modern_Mary", "Moderato", "Crisp", "Forumla",
]  # fmt: skip


@pytest.mark.parametrize("pseudonym", HARMLESS)
def test_everyday_names_that_only_contain_the_letters_are_fine(app, pseudonym):
    assert pseudonyms.problem_with(pseudonym) is None


@pytest.mark.parametrize("pseudonym", ["Modest", "Desmond", "Steam", "QuietSupporter"])
def test_everyday_names_join(client, pseudonym):
    assert join(client, pseudonym).status_code == 200
    assert fresh(User, pseudonym=pseudonym) is not None


def test_the_demo_members_pseudonyms_keep_the_rules_and_are_not_near_copies(app):
    """`forum seed-demo` writes its members directly: their names must still be ones the
    forum would let members take."""
    for name in DEMO_MEMBERS:
        assert pseudonyms.problem_with(name) is None, name
        others = {pseudonyms.likeness_key(other) for other in DEMO_MEMBERS if other != name}
        assert not pseudonyms.too_close_keys(name) & others, name


# --- near-copies of members' pseudonyms ----------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "near_copy"),
    [
        ("Wren", "Wren_"),
        ("Wren", "_Wren"),
        ("Wren", "W-ren"),
        ("Wren", "Wr_en"),
        ("Wren", "W_r_e_n"),  # every "_" taken out, it is Wren
        ("Wren", "Wrenn"),  # a letter doubled
        ("Wren", "WWren"),
        ("Wren", "Wern"),  # two letters swapped
        ("Wren", "rWen"),
        ("Wren", "VVrenn"),  # a look-alike and a doubled letter
        ("Wrenn", "Wren"),  # a double letter made single
        ("Hazel", "Hazle"),
        ("quiet_harbour", "quietharbour"),  # a "_" taken out
        ("quiet_harbour", "quiet-harbour"),
        ("quiet_harbour", "quiet__harbour"),
        ("quiet_harbour", "quiet_harbuor"),
        ("morning-tea", "morningtea"),
        ("Robin", "R0bbin"),
        ("Corner", "Comer"),  # "rn" reads as "m", whichever side it is on
        ("Corner", "Conrer"),
    ],
)
def test_a_near_copy_of_a_members_pseudonym_is_refused_as_taken(client, existing, near_copy):
    """The same message as for a name that is taken: a near-copy tells no more about who is
    here than trying the name itself would."""
    make_member(existing)

    assert refusal(join(client, near_copy)) == PSEUDONYM_TAKEN
    assert count(User) == 1


@pytest.mark.parametrize(
    ("existing", "different"),
    [
        ("Wren", "Wrens"),
        ("Wren", "Wr3n"),
        ("Wren", "Owen"),
        ("Wren", "Bren"),
        ("Wren", "Wreath"),
        ("Rowan", "Rowen"),
        ("quiet_harbour", "quiet_harbor"),
        ("Robin", "Robyn"),
    ],
)
def test_a_name_one_real_letter_away_is_a_name_of_its_own(client, existing, different):
    make_member(existing)

    assert join(client, different).status_code == 200
    assert count(User) == 2


def test_a_near_copy_of_a_deleted_members_pseudonym_is_refused(app, client):
    """A pseudonym is retired when its account is deleted, and so are its near-copies."""
    gone = make_member("Marigold_77")
    members.delete_account(gone, erase_posts=False)
    db.session.commit()

    for near_copy in ("Marigold77", "Marigold-77", "Marrigold_77", "Mariglod_77"):
        assert refusal(join(client, near_copy)) == PSEUDONYM_TAKEN, near_copy
    assert join(client, "Marigold_78").status_code == 200


def test_the_taken_message_says_what_to_change(client):
    make_member("Wren")

    message = refusal(join(client, "Wrenn"))

    assert "Please choose a different name" in message
    assert "doubled or swapped" in message and "“_” or “-”" in message


def test_the_cli_refuses_near_copies_and_staff_like_names(cli):
    assert cli.invoke(args=["users", "create", "Keeper", "--password", PASSWORD]).exit_code == 0

    near = cli.invoke(args=["users", "create", "Keeper_", "--password", PASSWORD])
    staff_like = cli.invoke(args=["users", "create", "SiteAdmin", "--password", PASSWORD])

    assert near.exit_code != 0 and PSEUDONYM_TAKEN in near.output
    assert staff_like.exit_code != 0 and staff_word_message("admin") in staff_like.output
    assert list(db.session.scalars(select(User.pseudonym))) == ["Keeper"]


def test_near_copies_are_found_in_one_bounded_look_up(app, count_queries):
    """The candidates are a bounded set of keys looked up in the unique index, not a scan of
    every member: about five per letter, whatever the number of members."""
    longest = "a" * pseudonyms.MAX_LENGTH
    assert len(pseudonyms.too_close_keys(longest)) <= 5 * pseudonyms.MAX_LENGTH
    for number in range(50):
        make_member(f"Member_{number:02}_{chr(97 + number % 26)}")

    with count_queries() as statements:
        assert members.pseudonym_available("Someone_New")
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2  # members, then retired names
    assert all(" IN " in statement.upper() for statement in selects)


def test_the_readme_lists_every_name_kept_for_the_site():
    """Whoever runs the forum can tell a member which names are kept, from the README alone:
    a word added to the lists in pseudonyms.py must be added there too."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Pseudonyms", 1)[1].split("\n## ", 1)[0]
    words = set(re.findall(r"[a-z_-]+", section.casefold()))
    lists = (
        pseudonyms.RESERVED,
        pseudonyms.RESERVED_PREFIXES,
        pseudonyms.STAFF_WORDS,
        pseudonyms.STAFF_GLUE,
        pseudonyms.STAFF_WORDS_ANYWHERE,
    )
    missing = {word for listed in lists for word in listed if word not in words}
    assert not missing, f"not in the README's Pseudonyms section: {sorted(missing)}"
