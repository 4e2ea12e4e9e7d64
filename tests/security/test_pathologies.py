"""Markdown that is expensive to parse, and long text for the crisis-phrase matcher: each answer
is under 500 and comes within a second, whatever the text.

The issue's pathologies are longer than a post may be: the writing forms refuse them, and the
previews (with htmx, and the no-JS form's Preview button) render them. The others are as long
as a post may be: stored as a reply and shown on the thread.
"""

import uuid

import pytest
from support.clients import PARTIAL, device
from support.forms import compose_form, reply_form
from support.hostile import (
    CRISIS_STRESS,
    PATHOLOGIES,
    POST_MAX,
    TOO_LONG_PATHOLOGIES,
    Answers,
    Scene,
)
from support.pages import html_of


def reply_data(phone, post_id: int, body: str) -> dict[str, str]:
    prefix = f"reply-{post_id}-"
    return {**reply_form(phone, post_id), prefix + "body": body, prefix + "token": uuid.uuid4().hex}


SHAPES = ("htmx preview", "no-JS preview", "story", "reply")
LONGER_THAN_A_POST = [
    pytest.param(text, shape, id=f"{name}-{shape}")
    for name, text in TOO_LONG_PATHOLOGIES.items()
    for shape in SHAPES
]


@pytest.mark.parametrize(("text", "shape"), LONGER_THAN_A_POST)
def test_pathologies_longer_than_a_post(scene: Scene, answers: Answers, text: str, shape: str):
    """Refused by the forms, and by the previews (which render only what a post may hold)."""
    town = scene.town
    phone = scene.device(town.author)
    story = {**compose_form(phone, "story"), "body": text}
    if shape == "htmx preview":
        answers.post(phone, "/preview", shape, data=story, headers=PARTIAL)
    elif shape == "no-JS preview":
        answers.post(phone, "/stories/new", shape, data={**story, "preview": "1"})
    elif shape == "story":
        answers.post(phone, "/stories/new", shape, data=story)
    else:
        data = reply_data(phone, town.story.id, text)
        answers.post(phone, f"/p/{town.story.id}/reply", shape, data=data)
    answers.assert_all_well()


AS_LONG_AS_A_POST = [pytest.param(text, id=name) for name, text in PATHOLOGIES.items()]


@pytest.mark.parametrize("text", AS_LONG_AS_A_POST)
def test_pathologies_as_long_as_a_post(scene: Scene, answers: Answers, text: str):
    """Stored as a reply (rendered once, as it is written) and shown on the thread."""
    assert len(text) <= POST_MAX
    town = scene.town
    phone = scene.device(town.author)
    data = reply_data(phone, town.story.id, text)
    answers.post(phone, f"/p/{town.story.id}/reply", "a reply", data=data)
    answers.get(device(town.app), town.thread_url, "the thread, for a guest")
    answers.assert_all_well(at_least=2)


@pytest.mark.parametrize("shape", ["htmx", "no-JS"])
def test_the_previews_refuse_text_longer_than_a_post(scene: Scene, answers: Answers, shape: str):
    """As the writing forms do: text a post can't hold is never rendered."""
    phone = scene.device(scene.town.author)
    data = {**compose_form(phone, "story"), "body": "a" * (POST_MAX + 1)}
    if shape == "htmx":
        response = answers.post(phone, "/preview", "htmx preview", data=data, headers=PARTIAL)
    else:
        data["preview"] = "1"
        response = answers.post(phone, "/stories/new", "no-JS preview", data=data)
    answers.assert_all_well()
    assert "<p>aaaa" not in html_of(response), "the preview rendered it"


@pytest.mark.parametrize("text", CRISIS_STRESS.values(), ids=CRISIS_STRESS.keys())
def test_long_text_for_the_crisis_phrase_matcher(scene: Scene, answers: Answers, text: str):
    """As a story's title and body, a reply and an edit: the matcher reads each."""
    town = scene.town
    phone = scene.device(town.author)
    story = compose_form(phone, "story")
    data = {**story, "title": text[:150], "body": text}
    answers.post(phone, "/stories/new", "a story", data=data)
    data = reply_data(phone, town.answer.id, text)
    answers.post(phone, f"/p/{town.answer.id}/reply", "a reply", data=data)
    answers.post(phone, f"/p/{town.story.id}/edit", "an edit", data={**story, "body": text})
    answers.get(scene.device(town.moderator), "/mod", "the queue")
    answers.assert_all_well(at_least=4)
