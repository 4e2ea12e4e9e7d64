"""The search page: ranked results with the words found marked (safely), a page at a time; one
view in two shapes; hostile, long and empty searches answered calmly; a limit per client; and
nothing kept of what was searched for."""

import logging

import pytest
from sqlalchemy import func, literal, select
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread
from support.hostile import BAD_BYTES, CORPUS, Answers
from support.members import make_member
from support.pages import html_of, input_named, page, parse, visible_text
from support.search import found_ids, results, search, search_url, status_text

from forum.models import ThreadKind
from forum.search import queries
from forum.search.terms import MAX_QUERY_LENGTH


@pytest.fixture
def harbours(app, wren) -> list[int]:
    """Seven replies that say "harbour", newest last; their ids."""
    story = start_thread(title="Lanterns", body="A quiet night.", author=wren)
    return [reply(story, wren, f"Harbour number {n}.").id for n in range(7)]


def test_a_title_found_ranks_above_a_passing_mention(client, wren):
    mention = reply(start_thread(title="Evenings", author=wren), wren, "Insomnia, a little.")
    titled = start_thread(title="Insomnia", body="Every night the same.", author=wren)

    assert found_ids(search(client, "insomnia")) == [titled.id, mention.id]


def test_the_words_found_are_marked_in_title_and_snippet_and_nothing_else_is_markup(client, wren):
    """Stored text is escaped, then the words found marked: a post's own markup, even a
    literal <mark>, never reaches the page as markup."""
    body = '<script>alert("x")</script> **Grieving** is <b>hard</b>. <mark>fake</mark> grief'
    start_thread(title="<b>Grief</b> & <i>loss</i>", body=body, author=wren)

    response = client.get(search_url("grief"))
    (result,) = results(parse(html_of(response)))

    title = result.find("a", class_="thread-title")
    assert [mark.text for mark in title.iter()] == ["Grief"]
    assert title.text == "<b>Grief</b> & <i>loss</i>"
    snippet = result.find("p", class_="snippet")
    assert [(element.tag, element.text) for element in snippet.iter()] == [("mark", "grief")]
    assert (
        snippet.text
        == '<script>alert("x")</script> Grieving is <b>hard</b>. <mark>fake</mark> grief'
    )

    assert "**" not in snippet.text, "the post's words, not its Markdown"
    assert "<script>" not in html_of(response) and "<b>" not in html_of(response)


def test_a_long_post_is_shown_around_the_words_found(client, wren):
    words = [f"word{n}" for n in range(400)]
    words[300] = "lighthouse"
    post = start_thread(title="A long one", body=" ".join(words), author=wren)

    (result,) = results(search(client, "lighthouse"))

    snippet = result.find("p", class_="snippet").text
    assert result.get("id") == f"p{post.id}"
    assert snippet.startswith("…word294 ") and snippet.endswith("word323…")
    assert [mark.text for mark in result.find("p", class_="snippet").iter()] == ["lighthouse"]


def test_words_found_by_their_stem_or_as_they_are_typed_are_marked(client, wren):
    start_thread(title="After", body="She kept grieving, and running.", author=wren)

    for typed, marked in [("grieve", "grieving"), ("runs", "running"), ("griev", "grieving")]:
        (result,) = results(search(client, typed))
        marks = [mark.text for mark in result.find("p", class_="snippet").iter()]
        assert marks == [marked], typed


def test_results_come_a_page_at_a_time_with_htmx_the_next_ones_in_place(app, client, harbours):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 3
    first = search(client, "harbour")
    more = first.by_id("more-results").find("a")

    assert found_ids(first) == harbours[::-1][:3], "best first; the newest first among equals"
    assert status_text(first) == "More than 3 posts found, best matches first."
    assert more.get("href") == search_url("harbour", page=2)
    assert more.get("data-hx-get") == more.get("href")

    second = client.get(more.get("href"), headers=PARTIAL)
    assert second.status_code == 200
    assert "<form" not in html_of(second) and "search-status" not in html_of(second)
    second = parse(html_of(second))
    third = search(client, "harbour", page=3)

    assert found_ids(second) == harbours[::-1][3:6]
    assert second.by_id("more-results") is not None
    assert found_ids(third) == harbours[:1]
    assert status_text(third) == "Posts 7 to 7 found, best matches first."
    assert third.by_id("more-results") is None
    assert third.find("ol").get("start") == "7"


@pytest.mark.parametrize("bad", ["0", "11", "-1", "99999999999999999999"])
def test_a_page_that_cannot_be_is_not_found(client, harbours, bad):
    assert client.get(f"/search?q=harbour&page={bad}").status_code == 404


def test_a_search_goes_ten_pages_deep_and_says_so(app, client, harbours, wren):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 1
    story = start_thread(title="More", author=wren)
    for number in range(4):
        reply(story, wren, f"Harbour again {number}.")

    last = search(client, "harbour", page=10)

    assert len(results(last)) == 1
    assert last.by_id("more-results") is None
    assert "That's as far as a search goes: more words will narrow it." in visible_text(last)


def test_with_htmx_the_results_alone_come_back_as_the_reader_types(client, harbours):
    response = client.get(search_url("harbou"), headers=PARTIAL)

    html = html_of(response)
    assert response.status_code == 200
    assert "HX-Request-Type" in response.headers["Vary"]
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<div id="search-status" role="status">')
    assert len(found_ids(parse(html))) == 7


def test_the_page_is_a_plain_form_that_htmx_enhances(app, client, harbours):
    tree = page(client, "/search")
    form = tree.find("form", class_="search-form")
    box = input_named(tree, "q")

    assert (form.get("method"), form.get("action")) == ("get", "/search")
    assert tree.find("label").get("for") == box.get("id")
    assert box.get("type") == "search" and box.get("autocomplete") == "off"
    assert box.get("data-hx-get") == "/search"
    assert box.get("data-hx-trigger") == "input changed delay:400ms"
    assert box.get("data-hx-target") == "#search-results"
    assert box.get("data-hx-replace-url") == "true"
    assert results(tree) == [] and status_text(tree) == ""
    htmx = f"/vendor/htmx/{app.config['HTMX_VERSION']}/htmx.min.js"
    assert htmx in [script.get("src") for script in tree.iter("script")], "for guests too"
    home = page(client, "/")
    assert htmx not in [script.get("src") for script in home.iter("script")]
    assert "/search" in [link.get("href") for link in home.find("header").iter("a")]


def test_search_pages_are_kept_by_nobody(client, harbours):
    response = client.get(search_url("harbour"))

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Set-Cookie" not in response.headers
    assert "harbour" not in parse(html_of(response)).find("title").text.lower()


OPERATORS = [
    '"', '""', '"unbalanced', "(", ")", "((grief)", "grief)", "NEAR", "NEAR(a b)",
    "NEAR/3", "a AND", "OR b", "NOT", "AND OR NOT", "*", "grief*", "*grief", "^grief",
    "-grief", "+grief", "title:grief", "body:", "{title body}: grief", "grief & !", "|",
    "<->", "grief:*", "'", "''", "\\", "\\'", "%", "_", ";--", "'; DROP TABLE post; --",
    "\x00", "\u202e", "😢😢", "ﷺ", "🏳️‍🌈 grief", "a" * 5000, "grief " * 500,
]  # fmt: skip


def test_hostile_searches_never_fail(app, wren):
    app.config["SEARCH_RATE_LIMIT"] = "100000 per minute"
    start_thread(title="Grief", body="Grief, and its NEAR cousins AND others.", author=wren)
    client, answers = device(app), Answers()

    for typed in OPERATORS:
        answers.get(client, search_url(typed))
    # The naughty strings as typed into the box, htmx asking for the results as they come.
    for typed in CORPUS:
        response = answers.get(client, search_url(typed), headers=PARTIAL)
        assert "<script>window.__pwned" not in html_of(response), typed
    for what, raw in BAD_BYTES.items():
        answers.get(client, f"/search?q={raw}", what)
        answers.get(client, f"/search?q=grief{raw}", what, headers=PARTIAL)

    answers.assert_all_well(at_least=len(OPERATORS) + len(CORPUS))
    assert {answer.status for answer in answers.sent} == {200}


def test_a_long_search_is_cut_short_with_a_notice_and_nothing_typed_is_lost(client, wren):
    start_thread(title="Sleep", body="No sleep again.", author=wren)
    typed = "sleep " * 1000

    tree = search(client, typed)

    assert input_named(tree, "q").get("value") == typed
    assert f"only its first {MAX_QUERY_LENGTH} characters were used" in status_text(tree)
    assert len(results(tree)) == 1


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("how are you", "Those words are too common to search for."),
        ('"*()', "Please type a word or two to search for."),
        ("zebra", "Nothing found for those words."),
    ],
)
def test_a_search_that_finds_nothing_says_why_gently(client, wren, typed, said):
    start_thread(title="Sleep", body="No sleep again.", author=wren)

    tree = search(client, typed)

    assert said in status_text(tree)
    assert results(tree) == []


def test_too_many_searches_from_one_client_wait_a_moment(app, client, harbours):
    app.config["SEARCH_RATE_LIMIT"] = "2 per minute"
    member = signed_in(app, make_member("Hazel"))
    for _ in range(2):
        search(client, "harbour")

    refused = client.get(search_url("harbour lights"))
    partial = client.get(search_url("harbour"), headers=PARTIAL)
    as_member = member.get(search_url("harbour"))

    assert refused.status_code == partial.status_code == as_member.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Set-Cookie" not in refused.headers
    tree = parse(html_of(refused))
    assert status_text(tree) == (
        "There have been a lot of searches from here in a short time. Please try again in 1 minute."
    )
    assert input_named(tree, "q").get("value") == "harbour lights"
    assert results(tree) == []
    assert "Please try again" in html_of(partial) and "<form" not in html_of(partial)


class BrokenIndex:
    """An index whose query the database refuses, as a bug would make one."""

    stemmer = "porter"

    def hits(self, query):
        refused = func.no_such_function(" ".join(query.terms))
        return select(refused.label("post_id"), literal(1).label("score"))


def test_what_was_searched_for_is_never_logged(app, client, harbours, caplog, monkeypatch):
    """Not by a search, an htmx search, a page that isn't there, a refusal, nor a failure
    (whose page doesn't say it either): the logs name a request by its path alone."""
    app.config["SEARCH_RATE_LIMIT"] = "5 per minute"
    app.config["PROPAGATE_EXCEPTIONS"] = False
    caplog.set_level(logging.DEBUG)
    secret = "harbour confidential"
    assert client.get(search_url(secret)).status_code == 200
    assert client.get(search_url(secret), headers=PARTIAL).status_code == 200
    assert client.get(search_url(secret, page=99)).status_code == 404
    monkeypatch.setattr(queries, "search_index", lambda dialect: BrokenIndex())
    failed = client.get(search_url(secret))
    assert failed.status_code in (500, 503)
    assert "confidential" not in html_of(failed)
    monkeypatch.undo()
    assert 429 in [client.get(search_url(secret)).status_code for _ in range(3)]

    assert any(record.levelno >= logging.ERROR for record in caplog.records), "it was logged"
    assert "confidential" not in caplog.text


def test_a_story_and_its_replies_are_told_apart(client, wren):
    story = start_thread(ThreadKind.STORY, "Lanterns", "A harbour.", wren)
    answer = reply(story, make_member("Hazel"), "Another harbour.")

    bylines = {
        int(result.get("id")[1:]): result.find("p", class_="byline").text
        for result in results(search(client, "harbour"))
    }

    assert bylines[story.id].startswith("Started by Wren")
    assert bylines[answer.id].startswith("Reply by Hazel")


def test_the_privacy_page_says_how_long_searches_are_counted(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "50 per hour"

    said = visible_text(page(client, "/privacy"))

    assert "What you search for is never stored or written to a log." in said
    assert "and searches (never what they were for) for 1 hour." in said
