"""A result's few lines: around the words found, in whole words, escaped, and marked as the
index matched them (by stem, or by their beginning while typed)."""

import pytest

from forum.markdown import render_markdown
from forum.search.snippets import SNIPPET_WORDS, Matcher, highlighted, plain_text, snippet
from forum.search.terms import read_query


def marks(typed: str, text: str, algorithm: str = "porter") -> str:
    return str(snippet(text, Matcher(read_query(typed), algorithm)))


def test_a_post_shows_its_words_not_its_markdown():
    html = render_markdown("# Night\n\n**Bold** and _soft_ words.\n\n- one\n- two\n\n`code` &amp;")

    assert plain_text(html) == "Night Bold and soft words. one two code &"


def test_a_short_post_is_shown_whole():
    text = "I walk there most evenings when I can't sleep, and the harbour lights help."

    shown = text.replace("'", "&#39;").replace("harbour", "<mark>harbour</mark>")
    assert marks("harbour ", text) == shown


def test_a_long_post_is_cut_at_whole_words_with_their_marks():
    words = [f"(w{n})" for n in range(100)]
    words[60] = "<harbour>"
    text = " ".join(words)

    shown = marks("harbour ", text)

    assert shown.startswith("…(w54) ") and shown.endswith(" (w83)…")
    assert "&lt;<mark>harbour</mark>&gt;" in shown
    assert len(shown.split()) == SNIPPET_WORDS


def test_the_window_with_the_most_different_words_is_shown():
    words = ["filler"] * 200
    words[10] = "harbour"
    words[150:153] = ["harbour", "night", "lights"]

    shown = marks("harbour night lights ", " ".join(words))

    assert shown.count("<mark>") == 3


@pytest.mark.parametrize(
    ("typed", "text", "marked"),
    [
        ("runs ", "She was running late.", "running"),
        ("grieve ", "Still grieving.", "grieving"),
        ("anxi", "So much anxiety.", "anxiety"),  # typed so far
        ("cafe ", "At the Café.", "Café"),
    ],
)
def test_words_are_marked_as_the_index_matched_them(typed, text, marked):
    for algorithm in ("porter", "english"):
        assert f"<mark>{marked}</mark>" in marks(typed, text, algorithm)


def test_nothing_but_matched_words_is_marked_and_all_else_is_escaped():
    matcher = Matcher(read_query("loss "), "english")

    title = str(highlighted('<img src=x onerror="x()"> Loss & "lossless"', matcher))

    assert (
        title
        == "&lt;img src=x onerror=&#34;x()&#34;&gt; <mark>Loss</mark> &amp; &#34;lossless&#34;"
    )


def test_a_post_without_words_shows_its_beginning():
    assert marks("harbour ", "🌊" * 300) == "🌊" * 200 + "…"
