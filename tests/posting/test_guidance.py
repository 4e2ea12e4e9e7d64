"""Guidance beside the reply box: a story's reply intent and a few tips, tied to the box for
screen readers; kinder words offered, in the preview and once before sending, for a reply
holding a phrase that tends to hurt. Never a refusal: "Send as written" sends it as it is."""

from pathlib import Path

import pytest
from support.clients import PARTIAL
from support.content import last_post, start_thread, thread_of, thread_url
from support.forms import compose, compose_form, reply_form, reply_url
from support.members import make_member
from support.pages import (
    Element,
    card,
    form_problem,
    html_of,
    is_checked,
    location,
    page,
    parse,
    prose,
    textarea_text,
    writing_form,
)
from support.rows import count

from forum.models import Post, ReplyIntent, ThreadKind
from forum.phrases import normalise
from forum.posting import hurtful_phrases
from forum.posting.hurtful_phrases import HurtfulPhrases, Suggester, kinder_words

pytestmark = pytest.mark.usefixtures("unpaced")

HURTFUL = "Honestly, just cheer up. Others have it worse."


def found(text: str) -> list[str]:
    """Every phrase `text` is offered kinder words for, in order."""
    return [phrase for suggestion in kinder_words(text) for phrase in suggestion.phrases]


# --- The phrase list --------------------------------------------------------------------------


def test_the_shipped_phrase_file_parses_with_a_suggestion_for_every_phrase():
    phrases = HurtfulPhrases.read(hurtful_phrases.PHRASES_FILE)

    listed = [phrase for group, _ in phrases.groups for phrase in group]
    for usual in [
        "just cheer up", "others have it worse", "man up", "get over it", "it could be worse",
        "everything happens for a reason", "just think positive", "you're overreacting",
        "snap out of it", "stop being dramatic", "have you tried yoga",
    ]:  # fmt: skip
        assert usual in listed
    assert all(instead.strip() for _, instead in phrases.groups)
    assert phrases.harmless
    # No phrase listed twice (it would have two suggestions), and no idiom is itself a phrase.
    normalised = [normalise(phrase) for phrase in listed]
    assert len(set(normalised)) == len(normalised)
    assert not set(normalised) & {normalise(i) for i in phrases.harmless}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Just cheer up!", "just cheer up"),
        ("oh come on, cheer up mate", "cheer up"),
        ("Others have it worse, you know.", "others have it worse"),
        ("You need to MAN UP.", "man up"),
        ("Get over it.", "get over it"),
        ("Well, it could be worse", "it could be worse"),
        ("Everything happens for a reason \u2764", "everything happens for a reason"),
        ("just think positive!!", "just think positive"),
        ("You\u2019re overreacting", "you're overreacting"),  # a curly apostrophe
        ("youre overreacting", "you're overreacting"),  # none
        ("snap   out\nof it", "snap out of it"),  # line breaks and extra spaces
        ("Stop being dramatic.", "stop being dramatic"),
        ("Have you tried yoga?", "have you tried yoga"),
        ("**man up**", "man up"),  # Markdown emphasis
        ("\uff2d\uff21\uff2e \uff35\uff30", "man up"),  # full-width letters (NFKC)
    ],
)
def test_the_usual_phrases_are_found_however_they_are_written(text, phrase):
    assert found(text) == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "Let's cheer up the team with cake",
        "Music helped me cheer up a little.",
        "I just cheer up when I see my dog",
        "There was a man up the road who helped",
        "The man up the stairs plays the piano",
        "How did you get over it?",
        "I'm still trying to get over it.",
        "I'm not saying you're overreacting at all.",
        "If you're worried you're overreacting: you aren't.",
        "Whoever told you you're being dramatic was wrong.",
        "You're not overreacting.",
        "It's not just attention seeking, it's pain.",
        "I was listening to Boys Don't Cry by The Cure.",
        "For years I told myself others have it worse.",
        "Snowman upside down",  # whole words only
        "Thank you for sharing this. I'm listening.",
        "",
    ],
)
def test_harmless_idioms_and_kind_words_are_passed_over(text):
    assert found(text) == []


def test_a_phrase_in_a_quoted_line_is_passed_over_but_not_one_outside_it():
    """Quoting what someone was told is not saying it."""
    assert found("> My dad always said man up.\n\nThat must have been so hard.") == []
    assert found("> what he said\n\nBut honestly, man up.") == ["man up"]


def test_phrases_of_one_group_share_one_suggestion_naming_them_all():
    suggestions = kinder_words("Snap out of it and just cheer up. Also, man up.")

    assert [s.phrases for s in suggestions] == [("snap out of it", "just cheer up"), ("man up",)]
    assert "You could say" in suggestions[0].instead
    assert suggestions[0].instead != suggestions[1].instead


def test_an_operator_can_write_their_own_list(tmp_path: Path):
    path = tmp_path / "hurtful.txt"
    path.write_text(
        "# Ours\n[hurtful]\nchin up\nbuck up\ninstead: Try “I hear you.”\n"
        "[harmless]\nchin up bar\n",
        encoding="utf-8",
    )
    suggester = Suggester.from_file(path)

    assert [(s.phrases, s.instead) for s in suggester.suggestions("Chin up! Buck up!")] == [
        (("chin up", "buck up"), "Try “I hear you.”")
    ]
    assert suggester.suggestions("I did ten on the chin up bar") == []
    assert suggester.suggestions("man up") == []  # not on this operator's list


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("man up\ninstead: Try this.\n", "a phrase before [hurtful] or [harmless]"),
        ("[hurtful]\n[unkind]\nman up\ninstead: Try this.\n", "unknown section"),
        ("[hurtful]\nman up\n", "'man up' has no 'instead:' line after it"),
        ("[hurtful]\ninstead: Try this.\n", "follows no phrase"),
        ("[hurtful]\nman up\ninstead:\n", "says nothing after 'man up'"),
        ("[hurtful]\n...\ninstead: Try this.\n", "no letters or digits"),
        ("[harmless]\nman up the road\n", "no phrases under [hurtful]"),
    ],
)
def test_a_broken_phrase_file_says_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        HurtfulPhrases.parse(text)


# --- Guidance beside a story's reply box ----------------------------------------------------


@pytest.fixture
def story(wren):
    return start_thread(
        ThreadKind.STORY, "The long winter", "It was a long winter.", wren, intent="listening"
    )


def described_by(form: Element, prefix: str) -> list[str]:
    box = next(e for e in form.iter("textarea") if e.get("name") == f"{prefix}body")
    return (box.get("aria-describedby") or "").split()


@pytest.mark.parametrize("how", ["page", "htmx"])
def test_a_storys_reply_box_shows_its_intent_and_tips_tied_to_the_box(harbours_phone, story, how):
    """On the reply page and in the inline form (one template block), the intent and tips sit
    above the box, which they describe; nothing of it is a live region."""
    answer = story.reply(make_member("Tea"), "Same here.")  # a reply in a story: the same
    for post in (story, answer):
        headers = PARTIAL if how == "htmx" else None
        form = writing_form(page(harbours_phone, reply_url(post.id), headers=headers))

        prefix = f"reply-{post.id}-"
        guidance = form.by_id(f"{prefix}guidance")
        listening = ReplyIntent.LISTENING
        assert guidance.find("p", class_="intent").text == (
            f"{listening.label}. {listening.etiquette}"
        )
        tips = [li.text for li in guidance.find("ul", class_="tips").find_all("li")]
        assert 2 <= len(tips) <= 3
        assert any("courage" in tip for tip in tips)
        assert any(a.get("href") == "/help" for a in guidance.iter("a"))
        assert described_by(form, prefix) == [f"{prefix}guidance"]
        assert "aria-live" not in guidance.attrs and "role" not in guidance.attrs
        order = list(form.iter())
        assert order.index(guidance) < order.index(form.by_id(f"{prefix}body")), "above the box"


@pytest.mark.parametrize("kind", [ThreadKind.DISCUSSION, ThreadKind.ARTICLE])
def test_discussions_and_the_article_have_no_guidance_box(harbours_phone, wren, kind):
    opening = start_thread(kind, "Coping with winter", "What helps you?", wren)

    form = writing_form(page(harbours_phone, reply_url(opening.id)))

    assert form.by_id(f"reply-{opening.id}-guidance") is None
    assert described_by(form, f"reply-{opening.id}-") == []


# --- Kinder words in the preview -------------------------------------------------------------


@pytest.mark.parametrize("how", ["no-JS", "htmx"])
def test_a_replys_preview_offers_kinder_words_and_sends_nothing(harbours_phone, story, how):
    values = reply_form(harbours_phone, story.id, body=HURTFUL)
    if how == "htmx":
        response = harbours_phone.post(f"/p/{story.id}/reply/preview", data=values, headers=PARTIAL)
        shown = parse(html_of(response))
    else:
        response = harbours_phone.post(reply_url(story.id), data={**values, "preview": "1"})
        tree = parse(html_of(response))
        shown = tree.by_id(f"reply-{story.id}-preview")
        assert textarea_text(tree, f"reply-{story.id}-body") == HURTFUL

    assert response.status_code == 200
    kinder = shown.find("div", class_="kinder")
    assert "You wrote “just cheer up”." in kinder.text
    assert "You wrote “others have it worse”." in kinder.text
    assert "You could say" in kinder.text
    assert shown.find("div", class_="prose").text == HURTFUL
    assert count(Post) == 1


def test_a_preview_of_kind_words_offers_nothing(harbours_phone, story):
    values = reply_form(harbours_phone, story.id, body="Thank you for telling us.")

    shown = parse(html_of(harbours_phone.post(f"/p/{story.id}/reply/preview", data=values)))

    assert shown.find("div", class_="kinder") is None
    assert shown.find("div", class_="prose").text == "Thank you for telling us."


def test_the_reply_forms_preview_button_works_with_and_without_javascript(harbours_phone, story):
    form = writing_form(page(harbours_phone, reply_url(story.id), headers=PARTIAL))
    button = next(b for b in form.iter("button") if b.get("name") == "preview")

    assert button.get("formaction") == f"{reply_url(story.id)}#reply-{story.id}-preview"
    assert button.get("data-hx-post") == f"/p/{story.id}/reply/preview"
    assert button.get("data-hx-target") == f"#reply-{story.id}-preview"
    assert form.by_id(f"reply-{story.id}-preview").children == []


def test_an_opening_posts_preview_offers_no_kinder_words(harbours_phone):
    """A story tells what happened, hurtful words others said included: no suggestions."""
    values = {**compose_form(harbours_phone), "body": "Everyone told me to man up."}
    shown = parse(html_of(harbours_phone.post("/preview", data=values, headers=PARTIAL)))

    assert shown.find("div", class_="kinder") is None


# --- Before sending: once, never a refusal ---------------------------------------------------


def kinder_box(tree: Element, post_id: int) -> Element | None:
    return tree.by_id(f"reply-{post_id}-kinder")


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["no-JS", "htmx"])
def test_the_first_send_offers_kinder_words_and_the_second_sends_as_written(
    harbours_phone, harbour, story, headers
):
    values = reply_form(harbours_phone, story.id, body=HURTFUL, warning="Grief", anonymous=True)

    first = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    # The form comes back, everything typed kept, with kinder words: a status, not an error.
    assert first.status_code == 200
    assert count(Post) == 1, "nothing is sent yet"
    tree = parse(html_of(first))
    assert ("<html" in html_of(first)) is (headers is None)
    form = writing_form(tree)
    prefix = f"reply-{story.id}-"
    assert textarea_text(form, f"{prefix}body") == HURTFUL
    assert is_checked(form, f"{prefix}anonymous")
    box = kinder_box(tree, story.id)
    assert box.get("role") == "status"
    assert "data-focus-here" in box.attrs
    assert "You wrote “just cheer up”." in box.text and "You could say" in box.text
    assert "Meant another way, or quoting someone?" in box.text
    assert described_by(form, prefix) == [f"{prefix}guidance", f"{prefix}kinder"]
    assert tree.find(class_="error-summary") is None and form_problem(tree) == ""
    assert "aria-invalid" not in form.by_id(f"{prefix}body").attrs
    change = next(a for a in box.iter("a"))
    assert (change.text, change.get("href")) == ("Change my reply", f"#{prefix}body")
    send = next(b for b in box.iter("button"))
    assert (send.text, send.get("name"), send.get("type")) == (
        "Send as written",
        "as_written",
        "submit",
    )

    # "Send as written" sends the form as it came back, the same one-time token with it.
    again = {**values, send.get("name"): send.get("value")}
    assert {k: v for k, v in again.items() if k != "as_written"} == values
    second = harbours_phone.post(reply_url(story.id), data=again, headers=headers)

    new = last_post()
    assert (new.parent_id, new.author_id, new.body) == (story.id, harbour.id, HURTFUL)
    assert new.anonymous and new.content_warning == "Grief"
    if headers is None:
        assert second.status_code == 303
        assert location(second) == f"{thread_url(thread_of(story))}#p{new.id}"
    else:
        assert second.status_code == 200
        assert HURTFUL in prose(parse(html_of(second)), new.id).text


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["no-JS", "htmx"])
def test_sending_as_written_twice_creates_one_reply(harbours_phone, story, headers):
    """A retry after a lost answer, or a double click, still makes one reply; so does sending
    the first form again once the reply is made."""
    values = reply_form(harbours_phone, story.id, body=HURTFUL)
    harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    as_written = {**values, "as_written": "1"}
    sent = [
        harbours_phone.post(reply_url(story.id), data=as_written, headers=headers) for _ in range(2)
    ]
    resent_first = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    assert count(Post) == 2
    new = last_post()
    for response in (*sent, resent_first):
        if headers is None:
            assert response.status_code == 303
            assert location(response).endswith(f"#p{new.id}")
        else:
            assert card(parse(html_of(response)), new.id) is not None


def test_changing_the_words_then_sending_sends_in_one_step(harbours_phone, story):
    values = reply_form(harbours_phone, story.id, body=HURTFUL)
    harbours_phone.post(reply_url(story.id), data=values)

    changed = {**values, f"reply-{story.id}-body": "That sounds so heavy. I'm listening."}
    response = harbours_phone.post(reply_url(story.id), data=changed)

    assert response.status_code == 303
    assert last_post().body == "That sounds so heavy. I'm listening."


@pytest.mark.parametrize("headers", [None, PARTIAL], ids=["no-JS", "htmx"])
def test_a_reply_with_no_such_phrase_sends_in_one_step(harbours_phone, story, headers):
    values = reply_form(harbours_phone, story.id, body="Thank you for sharing. I'm here.")

    response = harbours_phone.post(reply_url(story.id), data=values, headers=headers)

    assert response.status_code == (303 if headers is None else 200)
    assert kinder_box(parse(html_of(response)), story.id) is None
    assert last_post().body == "Thank you for sharing. I'm here."


def test_a_reply_in_a_discussion_is_offered_kinder_words_too(harbours_phone, wren):
    """The words hurt wherever they are said; only the guidance box is a story's."""
    opening = start_thread(ThreadKind.DISCUSSION, "Winter", "How do you cope?", wren)
    values = reply_form(harbours_phone, opening.id, body="Just man up.")

    tree = parse(html_of(harbours_phone.post(reply_url(opening.id), data=values)))

    assert "You wrote “man up”." in kinder_box(tree, opening.id).text
    prefix = f"reply-{opening.id}-"
    assert described_by(writing_form(tree), prefix) == [f"{prefix}kinder"]
    assert count(Post) == 1


def test_a_refused_reply_says_why_and_offers_no_kinder_words_yet(harbours_phone, story):
    """Locked while it was written: the refusal comes first, the words are kept."""
    values = reply_form(harbours_phone, story.id, body=HURTFUL)
    thread = thread_of(story)
    thread.locked = True

    response = harbours_phone.post(reply_url(story.id), data=values)

    tree = parse(html_of(response))
    assert response.status_code == 403
    assert kinder_box(tree, story.id) is None
    assert textarea_text(tree, f"reply-{story.id}-body") == HURTFUL


def test_a_writer_who_may_be_at_risk_is_never_questioned(harbours_phone, story):
    """Their words are about their own pain: the reply goes straight through, to the page that
    says who they can talk to."""
    body = "Everyone tells me to get over it. I don't want to be here anymore."
    values = reply_form(harbours_phone, story.id, body=body)

    response = harbours_phone.post(reply_url(story.id), data=values)

    new = last_post()
    assert new.body == body and new.may_be_at_risk
    assert location(response) == f"/p/{new.id}/take-care"
    assert found(body) == []


def test_opening_posts_are_sent_in_one_step(phone):
    """A story may tell what others said: it is never questioned."""
    response = compose(phone, title="Told to man up", body="Everyone said: just cheer up.")

    assert response.status_code == 303
    assert last_post().body == "Everyone said: just cheer up."
