"""A text under a content warning is folded behind it wherever a post is shown, and the fold
says it can be opened."""

import pytest
from support.content import reply, start_thread
from support.pages import Element, parse

from forum.models import User

STORY = "The night I almost did not make it."
ANSWER = "When I read this I remembered my own worst night."


@pytest.fixture
def warned(app, wren: User, people) -> dict:
    """A story under a self-harm warning, and a reply to it under a warning of its own."""
    opening = start_thread(
        title="After the hospital", body=STORY, author=wren, content_warning="Self-harm: a night"
    )
    answer = reply(opening, people["reader"], ANSWER, content_warning="Grief")
    return {"opening": opening, "reply": answer}


def folded(page: Element, text: str) -> bool:
    """True when every place `text` shows on the page is inside a closed content-warning fold."""
    shown = [p for p in page.find_all(class_="prose") if text in p.text]
    assert shown, f"{text!r} is not on the page at all"
    return all(
        any(
            "content-warning" in (a.attrs.get("class") or "") and "open" not in a.attrs
            for a in p.ancestors()
        )
        for p in shown
    )


def page(client, url: str) -> Element:
    answer = client.get(url, follow_redirects=True)
    assert answer.status_code == 200, (url, answer.status_code)
    return parse(answer.get_data(as_text=True))


@pytest.mark.parametrize("who", ["guest", "member"])
def test_the_thread_page_folds_both(client, app, warned, who):
    from support.clients import signed_in

    device = client if who == "guest" else signed_in(app, warned["reply"].author)
    thread_page = page(device, f"/t/{warned['opening'].thread_id}")
    assert folded(thread_page, STORY) and folded(thread_page, ANSWER)


def test_the_reply_page_folds_the_post_answered(app, warned, wren):
    from support.clients import signed_in

    device = signed_in(app, wren)
    assert folded(page(device, f"/p/{warned['opening'].id}/reply"), STORY)
    assert folded(page(device, f"/p/{warned['reply'].id}/reply"), ANSWER)


def test_a_post_in_context_is_folded(client, warned):
    assert folded(page(client, f"/p/{warned['reply'].id}"), ANSWER)


def test_the_fold_says_it_can_be_opened_and_reads_once(client, warned):
    summary = page(client, f"/t/{warned['opening'].thread_id}").find("summary")
    words = " ".join(summary.text.split())
    assert words.startswith("Content warning") and words.endswith("Show")
    assert "Self-harm: a night" in words and "::" not in words.replace(" ", "")
    assert words.count(":") == 1, words


def test_a_profile_lists_the_warning_beside_the_post(client, app, warned, wren):
    """A profile shows no text, only where a member wrote: the warning goes with the link."""
    listed = page(client, f"/u/{wren.pseudonym}").by_id("profile-posts")
    assert "Content warning (Self-harm: a night)" in listed.find("li").text
    assert STORY not in listed.text
