"""What was typed, read as plain words: no operator, quote or bracket reaches an index's query
language, a long search is cut short with a notice, and common words are left out."""

import pytest

from forum.search.terms import MAX_QUERY_LENGTH, MAX_TERMS, read_query


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ('"grief" NEAR/3 (mother', ("grief", "near", "3", "mother")),
        ("NEAR(", ("near",)),
        ("grief AND mother OR NOT sleep", ("grief", "mother", "sleep")),
        ("body:grief -winter +spring", ("body", "grief", "winter", "spring")),
        ("gri* ^mother {title}", ("gri", "mother", "title")),
        ("'grief' & !mother | <-> sleep:*", ("grief", "mother", "sleep")),
        ("Grief, GRIEF and grief.", ("grief",)),
        ("can't sleep_at_night", ("sleep", "night")),
        ("Café RÉSUMÉ", ("café", "résumé")),
        ("\uff47\uff52\uff49\uff45\uff46", ("grief",)),  # full-width letters, read by NFKC
    ],
)
def test_only_words_are_searched_for(typed, terms):
    assert read_query(typed).terms == terms


@pytest.mark.parametrize("typed", ["", "   ", '"', "()", "***", "-- ;", "\x00\x01"])
def test_nothing_to_look_for_is_not_a_search(typed):
    query = read_query(typed)

    assert not query.asks
    assert query.notice is None


def test_only_common_words_are_told_so():
    query = read_query("how are you")

    assert not query.asks
    assert query.notice == (
        "Those words are too common to search for. Please try some that say more."
    )


def test_a_long_search_uses_its_beginning_and_says_so():
    typed = "sleep " * 20 + "nightmares " * 10  # the 200th character is inside a word

    query = read_query(typed)

    assert query.typed == typed, "the search box keeps everything typed"
    assert len(query.searched) < MAX_QUERY_LENGTH
    assert query.searched == typed[: len(query.searched)]
    assert query.terms == ("sleep", "nightmares"), "not half a word where it was cut"
    assert not query.prefix
    assert query.notice == (
        f"That was a long search: only its first {MAX_QUERY_LENGTH} characters were used."
    )


def test_many_words_are_cut_to_the_first_few():
    typed = " ".join(f"word{number}" for number in range(MAX_TERMS + 5))

    query = read_query(typed)

    assert query.terms == tuple(f"word{number}" for number in range(MAX_TERMS))
    assert query.notice == f"That was a long search: only its first {MAX_TERMS} words were used."


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("anx", True),  # still being typed: finds "anxiety"
        ("grief anxi", True),
        ("an", False),  # too short to ask for every word it begins
        ("anxiety ", False),  # a space after it: the word is whole
        ("anxiety.", False),
        ("anxiety the", False),  # the last word is a common one: "anxiety" is whole
    ],
)
def test_the_last_word_matches_as_a_beginning_while_it_is_typed(typed, prefix):
    assert read_query(typed).prefix is prefix
