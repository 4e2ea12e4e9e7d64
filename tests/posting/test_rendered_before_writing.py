"""A post's Markdown is rendered before its request takes the database's write lock: on SQLite
a form's transaction holds the lock from its first query, and the costliest text a post may
hold takes a good part of a second to render, which every other writer would wait for."""

import pytest
from flask import has_request_context
from support.content import start_thread
from support.forms import compose, fill, reply_form, reply_url
from support.pages import page, writing_form
from support.rows import fresh

from forum import markdown
from forum.database import db
from forum.models import Post

TEXT = "Some **strong** words, rendered once."


@pytest.fixture
def renders(monkeypatch) -> list[bool]:
    """For each Markdown render while answering a request: whether a transaction was open."""
    markdown.render_markdown.cache_clear()
    seen: list[bool] = []
    parse = markdown._md.parse

    def watched(*args, **kwargs):
        if has_request_context():
            seen.append(db.session().in_transaction())
        return parse(*args, **kwargs)

    monkeypatch.setattr(markdown._md, "parse", watched)
    yield seen
    markdown.render_markdown.cache_clear()


def rendered_outside_any_transaction(renders: list[bool]) -> bool:
    assert renders, "nothing was rendered"
    return not any(renders)


def test_a_new_story(phone, renders):
    assert compose(phone, body=TEXT).status_code == 303
    assert rendered_outside_any_transaction(renders)


def test_a_reply(phone, wren, renders):
    story = start_thread(author=wren)
    response = phone.post(reply_url(story.id), data=reply_form(phone, story.id, body=TEXT))

    assert response.status_code == 303
    assert rendered_outside_any_transaction(renders)
    assert (
        "<strong>strong</strong>"
        in db.session.scalars(db.select(Post.body_html).where(Post.parent_id == story.id)).one()
    )


def test_an_edit(phone, wren, renders):
    story = start_thread(author=wren)
    form = writing_form(page(phone, f"/p/{story.id}/edit"))
    response = phone.post(f"/p/{story.id}/edit", data=fill(form, body=TEXT))

    assert response.status_code == 303
    assert rendered_outside_any_transaction(renders)
    assert "<strong>strong</strong>" in fresh(Post, story.id).body_html
