"""The crisis-language detector: it notices the ways people really write that they may be at
risk, passes over everyday idioms, matches whole words only, and stays fast on any input."""

import time
from pathlib import Path

import pytest

from forum.phrases import normalise
from forum.safety import risk_phrases
from forum.safety.risk_phrases import Detector, PhraseList, matched_phrases, may_be_at_risk

AT_RISK = [
    "I want to kill myself",
    "i keep thinking about KILLING MYSELF",
    "Sometimes I think I should just end my life.",
    "I want to die",
    "honestly i just wanna die",
    "I don't want to be here anymore",
    "I don\u2019t want to be here anymore",  # a curly apostrophe
    "I dont want to live",
    "i DONT want to live like this",
    "I've been feeling suicidal for weeks",
    "Suicidal thoughts again tonight",
    "I'm thinking of how to take my own life",
    "There's no reason to live",
    "Everyone would be better off without me",
    "I want to hurt myself",
    "I've started to self harm again",
    "self-harm",
    "I relapsed with self\u2011harm",  # a non-breaking hyphen
    "I've been cutting myself",
    "I thought about an overdose",
    "This is me saying goodbye forever",
    "want   to\n\ndie",  # line breaks and extra spaces
    "I want to die!!!",
    "I just want... to die",
    "**kill myself**",  # Markdown emphasis
    "_want to die_",
    "\uff2b\uff29\uff2c\uff2c \uff2d\uff39\uff33\uff25\uff2c\uff26",  # full-width letters (NFKC)
    "ki\u200bll myself",  # a zero-width space hidden inside a word doesn't split it
    "kill my\u00adself",  # a soft hyphen
    "I wish I was dead",
    "nothing to live for anymore",
    "I want to end it all",
    "I can't go on like this",
    "I cant go on like this",
    "I might unalive myself",
]

NOT_AT_RISK = [
    "this joke killed me",
    "That ending killed me lol",
    "You're killing it!",
    "I'm dying to see it",
    "I'm dying to know how it went",
    "This cake is to die for",
    "I could kill for a coffee",
    "I was killing myself laughing",
    "She nearly killed herself laughing",
    "I wanted to die of embarrassment",
    "caffeine overdose this morning",
    "Skill myself up before the interview",
    "overkill myselfie",
    "I can't go on holiday this year",
    "Reading your story helped me feel less alone.",
    "",
    "   ",
]


@pytest.mark.parametrize("text", AT_RISK)
def test_worrying_phrases_are_noticed(text):
    assert may_be_at_risk(text), text
    assert matched_phrases(text), text


@pytest.mark.parametrize("text", NOT_AT_RISK)
def test_everyday_idioms_and_other_words_are_not(text):
    assert not may_be_at_risk(text), matched_phrases(text)
    assert matched_phrases(text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I don\u2019t want to live", "dont want to live"),
        ("Self-Harm", "self harm"),
        ("I've been SUICIDAL", "suicidal"),
    ],
)
def test_matches_are_named_as_the_phrase_file_writes_them(text, phrase):
    assert matched_phrases(text) == [phrase]


def test_each_phrase_is_named_once_in_order_of_appearance():
    text = "I want to die. I've been suicidal. I really want to die."
    assert matched_phrases(text) == ["want to die", "suicidal"]


def test_an_idiom_does_not_hide_a_real_phrase_elsewhere_in_the_text():
    assert may_be_at_risk("I was killing myself laughing yesterday, but today I want to die")
    assert may_be_at_risk("kill myself laughing, then kill myself")


def test_a_phrase_starting_before_an_idiom_still_counts():
    """A false alarm costs a kind word; a miss could cost far more."""
    assert may_be_at_risk("I want to die for real")


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Don\u2019t  STOP—me!!", "dont stop me"),
        ("self-harm\n\tagain", "self harm again"),
        ("\uff21\uff22\uff23", "abc"),
        ("wo\u200brd", "word"),
        ("  __under_scored__  ", "under scored"),
    ],
)
def test_normalise(text, normalised):
    assert normalise(text) == normalised


def test_the_shipped_phrase_file_parses_with_both_lists():
    phrases = PhraseList.read(risk_phrases.PHRASES_FILE)

    assert len(phrases.risk) >= 50
    assert phrases.harmless
    for required in ["kill myself", "want to die", "suicidal", "self harm", "overdose"]:
        assert required in phrases.risk
    for required in ["this joke killed me", "dying to", "to die for", "killing it"]:
        assert required in phrases.harmless
    # Every line normalises to something, and no phrase is listed twice.
    normalised = [normalise(phrase) for phrase in phrases.risk]
    assert all(normalised)
    assert len(set(normalised)) == len(normalised)


def test_no_harmless_idiom_is_itself_listed_as_a_risk():
    phrases = PhraseList.read(risk_phrases.PHRASES_FILE)
    risk = {normalise(phrase) for phrase in phrases.risk}
    assert not risk & {normalise(phrase) for phrase in phrases.harmless}


def test_the_default_detector_is_built_once():
    assert risk_phrases.default_detector() is risk_phrases.default_detector()


@pytest.mark.parametrize(
    "text",
    [
        "lorem ipsum want to " * 5_000,  # nearly a phrase, over and over
        "k" + "i" * 100_000,
        "kill " * 20_000,
        "a" * 100_000,
        "self " * 20_000 + "harm",
        "!" * 100_000,
        "don\u2019t " * 16_000,
    ],
)
def test_a_long_text_is_checked_quickly(text):
    """100 KB of the worst shapes for a backtracking matcher still takes moments."""
    started = time.perf_counter()
    result = may_be_at_risk(text)
    assert time.perf_counter() - started < 2
    assert result == text.endswith("harm")


def test_a_phrase_at_the_end_of_a_long_text_is_found():
    assert may_be_at_risk("It was a long day. " * 5_000 + "I don't want to be here anymore")


# --- An operator's own phrase file -----------------------------------------------------------


def test_an_operator_can_add_phrases_and_idioms(tmp_path: Path):
    path = tmp_path / "phrases.txt"
    path.write_text(
        "# Our own list\n\n[risk]\nwant to disappear\nI\u2019m done with everything\n\n"
        "[harmless]\nwant to disappear into a good book\n",
        encoding="utf-8",
    )
    detector = Detector.from_file(path)

    assert detector.may_be_at_risk("Some days I want to DISAPPEAR.")
    assert detector.may_be_at_risk("im done with everything")
    assert not detector.may_be_at_risk("I want to disappear into a good book tonight")
    assert not detector.may_be_at_risk("I want to die")  # not on this operator's list
    assert detector.matched_phrases("I'm done with everything") == ["I\u2019m done with everything"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("kill myself\n", "before [risk] or [harmless]"),
        ("[risk]\n[worrying]\nkill myself\n", "unknown section"),
        ("[risk]\n!!!\n", "no letters or digits"),
        ("[harmless]\ndying to\n", "no phrases under [risk]"),
    ],
)
def test_a_broken_phrase_file_says_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        PhraseList.parse(text)


def test_a_file_with_no_idioms_still_works():
    detector = Detector(PhraseList.parse("[risk]\nwant to die\n"))
    assert detector.may_be_at_risk("I want to die")
    assert not detector.may_be_at_risk("I'm dying to")
