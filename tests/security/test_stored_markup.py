"""Script payloads and htmx attributes, written where members write, are stored and shown as
harmless text: the HTML rendered from a post or a bio has no element that runs or loads, no
event handler, no htmx attribute and no script link; and no page that shows what members wrote
(a thread, a profile, a listing, a preview, the moderators' queue) carries any of them."""

import uuid

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, device
from support.forms import compose_form, reply_form
from support.hostile import (
    PAYLOADS,
    Answers,
    Scene,
    packed,
    unsafe_in_markup,
    unsafe_in_page,
)
from support.moderation import AUTHOR
from support.pages import form_posting_to, form_values, html_of
from support.rows import fresh

from forum.database import db
from forum.markdown import render_markdown
from forum.models import Post, ReportReason, User

ALL_PAYLOADS = "\n\n".join(PAYLOADS)


def fitting(strings, limit: int) -> list[str]:
    """The strings packed into texts a field of `limit` characters keeps (one that is longer
    on its own is left out: the field would refuse it)."""
    return [text for text in packed(strings, limit) if len(text) <= limit]


# Payloads that would run, load or drive htmx if a page carried them as they are.
PLANTED = (
    "<script>window.__pwned = 1</script>",
    '<script src="/__pwned__/x.js"></script>',
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://pwned.invalid/"></iframe>',
    "<style>@import 'https://pwned.invalid/x.css';</style>",
    '<meta http-equiv="refresh" content="0;url=/__pwned__/">',
    '<div hx-get="/__pwned__/x" hx-trigger="load">x</div>',
    '<div hx-on::load="window.__pwned = 1">x</div>',
    '<div data-hx-get="/__pwned__/x" data-hx-trigger="load">x</div>',
    '<hx-partial hx-target="body">pwned</hx-partial>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
)


@pytest.mark.parametrize("planted", PLANTED)
def test_the_checks_find_what_they_look_for(planted: str):
    """Each check finds a payload left as it is: a check that finds nothing proves nothing."""
    assert unsafe_in_markup(planted)
    assert unsafe_in_page(f"<html><body><main>{planted}</main></body></html>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_inert(payload: str):
    """Each alone, as a post (headings moved down) and as a bio renders it."""
    for offset in (0, 2):
        assert unsafe_in_markup(render_markdown(payload, offset)) == []


def test_payloads_written_in_posts_bios_and_reports_are_shown_inert(scene: Scene, answers: Answers):
    town = scene.town
    writer = scene.device(town.author)

    # As titles, content warnings and bodies of stories, a reply, and an edit.
    story = compose_form(writer, "story")
    titles, warnings = fitting(PAYLOADS, 150), fitting(PAYLOADS, 100)
    threads = []
    for number, title in enumerate(titles):
        data = {
            **story,
            "title": title,
            "body": ALL_PAYLOADS,
            "warning": "Other",
            "warning_detail": warnings[number % len(warnings)],
            "token": uuid.uuid4().hex,
        }
        response = answers.post(writer, "/stories/new", f"story {number}", data=data)
        assert response.status_code == 303, (title, html_of(response)[:300])
        threads.append(response.headers["Location"])
    prefix = f"reply-{town.story.id}-"
    data = {**reply_form(writer, town.story.id), prefix + "body": ALL_PAYLOADS}
    response = answers.post(writer, f"/p/{town.story.id}/reply", "a reply", data=data)
    assert response.status_code == 303
    data = {**story, "title": titles[0], "body": ALL_PAYLOADS}
    answers.post(writer, f"/p/{town.story.id}/edit", "an edit", data=data)

    # As a bio (only the last is kept: each is checked as it is saved).
    bio = form_values(form_posting_to(html_of(writer.get("/settings")), "/settings/bio"))
    for number, text in enumerate(fitting(PAYLOADS, 500)):
        response = answers.post(writer, "/settings/bio", f"bio {number}", data={**bio, "bio": text})
        assert response.status_code == 303
        assert unsafe_in_markup(fresh(User, town.author.id).bio_html) == [], text
        profile = answers.get(device(town.app), f"/u/{AUTHOR}", f"the profile with bio {number}")
        assert unsafe_in_page(html_of(profile)) == [], text

    # As a report's note, which the moderators' queue shows.
    reader = scene.device(town.reader)
    note = {"csrf_token": reader.csrf_token, "reason": ReportReason.OTHER.value}
    answers.post(reader, f"/p/{town.story.id}/report", "a report",
                 data={**note, "note": PAYLOADS[0] + " " + PAYLOADS[-1]})  # fmt: skip

    db.session.expire_all()
    for post in db.session.scalars(select(Post)):
        assert unsafe_in_markup(post.body_html) == [], post

    guest, mod = device(town.app), scene.device(town.moderator)
    pages = {
        "the thread, for a guest": (guest, town.thread_url),
        "the thread, for its writer": (writer, town.thread_url),
        "the thread, for a moderator": (mod, town.thread_url),
        "a new story": (guest, threads[0]),
        "the home page": (guest, "/"),
        "the stories": (writer, "/stories"),
        "the moderators' queue": (mod, "/mod"),
        "the public log": (guest, "/mod/log"),
        "the edit form": (writer, f"/p/{town.story.id}/edit"),
        "the settings": (writer, "/settings"),
    }
    for what, (client, url) in pages.items():
        response = answers.get(client, url, what, follow_redirects=True)
        assert response.status_code == 200, what
        assert unsafe_in_page(html_of(response)) == [], what

    previews = {
        "the htmx preview": ("/preview", PARTIAL),
        "the no-JS preview": ("/stories/new", None),
    }
    for what, (url, headers) in previews.items():
        data = {**story, "body": ALL_PAYLOADS, "preview": "1"}
        response = answers.post(writer, url, what, data=data, headers=headers)
        assert response.status_code == 200, what
        assert unsafe_in_page(html_of(response)) == [], what
    answers.assert_all_well()
