"""Editing, deleting and unlinking one's own posts: a silent grace period for typos, then an
"edited" mark and a kept earlier version; tombstones that hold replies in place; a named post
that can lose its name, and an anonymous one that can never gain it."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, device, signed_in
from support.content import opening_of, start_thread, thread_of, thread_url
from support.forms import confirm, csrf_token, fill, reply_through_form, share_story
from support.members import make_member
from support.pages import (
    ALIAS,
    card,
    html_of,
    input_named,
    location,
    page,
    parse,
    prose,
    selected,
    textarea_text,
    visible_text,
    writing_form,
)
from support.rows import fresh

from forum.database import db, utcnow
from forum.models import Post, PostRevision, Thread, ThreadKind

# These tests post quickly and often; the pace has tests of its own (test_posting_limits.py).
pytestmark = pytest.mark.usefixtures("unpaced")


@pytest.fixture
def story(phone):
    """Wren's story, shared through the form."""
    return share_story(
        phone,
        title="Learning to ask",
        body="It took me years.",
        warning="Grief",
        warning_detail="a friend",
    )


def edit_url(post: Post) -> str:
    return f"/p/{post.id}/edit"


def edit(client, post: Post, **fields):
    """Change a post through its edit form."""
    form = writing_form(page(client, edit_url(post)))
    return client.post(edit_url(post), data=fill(form, **fields))


def age(post: Post, seconds: int) -> None:
    """Pretend `post` was written `seconds` ago."""
    post = db.session.get(Post, post.id)
    post.created_at = utcnow() - timedelta(seconds=seconds)
    db.session.commit()


def revisions(post: Post) -> list[PostRevision]:
    db.session.expire_all()
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)))


def edited_mark(html: str, post: Post):
    """The "edited" note by a post (the opening post's is in the thread's header)."""
    return card(parse(html), post.id).find("span", class_="edited")


# --- Edit ----------------------------------------------------------------------------------


def test_the_edit_form_starts_from_the_post_as_it_is(phone, story):
    """The edit form holds the post's title, text and warning as they are."""
    opening = opening_of(story)

    tree = page(phone, edit_url(opening))

    assert input_named(tree, "title").get("value") == "Learning to ask"
    assert textarea_text(tree, "body") == "It took me years."
    assert selected(tree, "warning") == "Grief"
    assert input_named(tree, "warning_detail").get("value") == "a friend"


def test_only_the_author_can_edit(app, phone, story):
    """Nobody but the author can edit a post; a guest is asked to log in."""
    opening = opening_of(story)
    other = signed_in(app, make_member("Harbour"))
    values = fill(writing_form(page(phone, edit_url(opening))), body="Not yours.")
    values["csrf_token"] = csrf_token(other)

    assert other.get(edit_url(opening)).status_code == 403
    assert other.post(edit_url(opening), data=values).status_code == 403
    response = device(app).get(edit_url(opening))
    assert response.status_code == 302 and location(response).startswith("/login?next=")
    assert fresh(Post, opening.id).body == "It took me years."


def test_a_quick_fix_is_silent(phone, story):
    """Within the grace period, a typo fix leaves no mark and no earlier version."""
    opening = opening_of(story)

    response = edit(phone, opening, body="It took me many years.")

    assert response.status_code == 303
    assert location(response) == f"{thread_url(story)}#p{opening.id}"
    post = fresh(Post, opening.id)
    assert post.body == "It took me many years."
    assert post.edited_at is None
    assert revisions(post) == []
    html = html_of(phone.get(thread_url(story)))
    assert "It took me many years." in html
    assert edited_mark(html, post) is None


@pytest.mark.parametrize("how", ["grace set to 0", "written 10 minutes ago"])
def test_a_later_edit_is_marked_and_the_earlier_version_kept(app, phone, story, how):
    """After the grace period an edit shows "edited" with its time; moderators keep the old text."""
    answer = reply_through_form(phone, opening_of(story).id, "First words.")
    if how == "grace set to 0":
        app.config["EDIT_GRACE_SECONDS"] = 0
    else:
        age(answer, 600)

    edit(phone, answer, body="Second words.")

    post = fresh(Post, answer.id)
    assert post.body == "Second words." and post.edited_at is not None
    assert [r.body for r in revisions(post)] == ["First words."]
    mark = edited_mark(html_of(device(app).get(thread_url(story))), post)
    assert mark is not None and mark.text.startswith("· edited")
    assert mark.find("time").get("datetime")
    assert "First words." not in html_of(device(app).get(thread_url(story)))


def test_every_later_edit_keeps_the_version_it_replaced(app, phone, story):
    """Each later edit keeps the version it replaced."""
    app.config["EDIT_GRACE_SECONDS"] = 0
    opening = opening_of(story)

    edit(phone, opening, body="Version two.")
    edit(phone, opening, body="Version three.")

    assert [r.body for r in revisions(opening)] == ["It took me years.", "Version two."]


def test_editing_the_opening_post_can_change_the_title_and_the_old_address_redirects(
    app, phone, story
):
    """A new title changes the address; links to the old one still work."""
    opening = opening_of(story)
    old_url = thread_url(story)

    response = edit(phone, opening, title="Learning to ask for help")

    thread = fresh(Thread, story.id)
    assert thread.title == "Learning to ask for help"
    assert thread.slug == "learning-to-ask-for-help"
    assert location(response) == f"{thread_url(thread)}#p{opening.id}"
    moved = device(app).get(old_url)
    assert moved.status_code == 301
    assert location(moved) == thread_url(thread)
    assert page(device(app), thread_url(thread)).find("h1").text == "Learning to ask for help"


@pytest.mark.parametrize(
    ("warning", "detail", "stored"),
    [("Suicide", "", "Suicide"), ("Other", "hospital", "hospital"), ("", "", None)],
)
def test_editing_the_opening_post_can_change_its_content_warning(
    app, phone, story, warning, detail, stored
):
    """The author can add, change or drop their story's content warning."""
    edit(phone, opening_of(story), warning=warning, warning_detail=detail)

    assert fresh(Thread, story.id).content_warning == stored
    folded = page(device(app), thread_url(story)).find("details", class_="content-warning")
    if stored:
        assert folded.find("summary").text == f"Content warning ({stored}) Show"
    else:
        assert folded is None


def test_editing_a_reply_can_change_its_content_warning(app, phone, story):
    """The author can add a content warning to a reply afterwards."""
    answer = reply_through_form(phone, opening_of(story).id, "Hard part.")

    edit(phone, answer, warning="Substance use")

    assert fresh(Post, answer.id).content_warning == "Substance use"
    shown = card(page(device(app), thread_url(story)), answer.id)
    assert shown.find("summary").text == "Content warning (Substance use) Show"


def test_a_later_change_of_title_is_marked_edited(app, phone, story):
    """Readers can tell that a story they answered was changed afterwards, even its title."""
    age(opening_of(story), 600)

    edit(phone, opening_of(story), title="Something else entirely")

    assert fresh(Post, opening_of(story).id).edited_at is not None


def test_an_edit_with_an_empty_body_or_title_is_refused_and_kept(phone, story):
    """An edit emptying the text or the title is refused beside the field, with the rest kept."""
    opening = opening_of(story)

    no_body = edit(phone, opening, body="   ", title="New title")
    no_title = edit(phone, opening, body="New body", title=" ")

    assert no_body.status_code == 422
    tree = parse(html_of(no_body))
    assert "Please write something" in tree.by_id("body-error").text
    assert input_named(tree, "title").get("value") == "New title"
    assert no_title.status_code == 422
    tree = parse(html_of(no_title))
    assert "Please give it a title." in tree.by_id("title-error").text
    assert textarea_text(tree, "body") == "New body"
    assert fresh(Post, opening.id).body == "It took me years."
    assert fresh(Thread, story.id).title == "Learning to ask"


def test_an_edit_is_rendered_as_safely_as_a_new_post(phone, story):
    """Edited text is sanitised and its headings demoted, like new text."""
    opening = opening_of(story)

    edit(phone, opening, body="# Heading\n\n<script>alert(1)</script>[x](javascript:alert(1))")

    text = prose(page(phone, thread_url(story)), opening.id)
    assert [h.tag for h in text.iter() if h.tag.startswith("h")] == ["h3"]
    assert text.find("script") is None
    assert all(not (a.get("href") or "").startswith("javascript:") for a in text.iter("a"))


def test_an_edit_cannot_move_a_post_or_change_its_author(app, phone, story, wren):
    """Extra fields sent with an edit change nothing but the text."""
    answer = reply_through_form(phone, opening_of(story).id, "Mine.")
    values = fill(writing_form(page(phone, edit_url(answer))), body="Still mine.")
    values.update(author_id="999", thread_id="999", parent_id="999", anonymous="y")

    phone.post(edit_url(answer), data=values)

    post = fresh(Post, answer.id)
    assert (post.body, post.author_id, post.thread_id, post.parent_id, post.anonymous) == (
        "Still mine.",
        wren.id,
        story.id,
        opening_of(story).id,
        False,
    )


# --- Delete --------------------------------------------------------------------------------


def test_deleting_asks_first(phone, story):
    """Delete asks before doing anything, and offers to keep the post."""
    answer = reply_through_form(phone, opening_of(story).id, "Maybe not.")

    tree = page(phone, f"/p/{answer.id}/delete")

    assert tree.find("h1").text == "Delete this reply?"
    assert tree.find("main").find("form").find("button").text == "Delete it"
    keep = next(a for a in tree.iter("a") if a.text == "Keep it")
    assert keep.get("href") == f"{thread_url(story)}#p{answer.id}"
    assert fresh(Post, answer.id).deleted_by_author_at is None


@pytest.fixture
def conversation(phone, story, harbours_phone):
    """Wren's reply with Harbour's answer under it, and a second reply of Wren's alone."""
    opening = opening_of(story)
    answered = reply_through_form(phone, opening.id, "My reply with an answer.")
    answer = reply_through_form(harbours_phone, answered.id, "Harbour here.")
    alone = reply_through_form(phone, opening.id, "My lonely reply.")
    return answered, answer, alone


def test_a_deleted_reply_with_replies_leaves_a_tombstone(app, phone, story, conversation):
    """A deleted reply that others answered leaves a note, and their replies stay under it."""
    answered, answer, _ = conversation
    before = fresh(Thread, story.id).reply_count

    response = confirm(phone, f"/p/{answered.id}/delete")

    assert response.status_code == 303
    assert location(response) == f"{thread_url(story)}#p{answered.id}"
    tree = page(device(app), thread_url(story))
    stone = card(tree, answered.id)
    assert stone.find("p", class_="tombstone").text == "Deleted by its author."
    assert "My reply with an answer." not in stone.text
    assert "Wren" not in stone.text
    assert card(tree.by_id(f"replies-{answered.id}"), answer.id) is not None
    assert "Harbour here." in prose(tree, answer.id).text
    assert fresh(Thread, story.id).reply_count == before - 1


def test_a_deleted_reply_without_replies_leaves_no_trace(app, phone, story, conversation):
    """A deleted reply nobody answered is simply gone."""
    *_, alone = conversation
    before = fresh(Thread, story.id).reply_count

    confirm(phone, f"/p/{alone.id}/delete")

    tree = page(device(app), thread_url(story))
    assert card(tree, alone.id) is None
    assert fresh(Thread, story.id).reply_count == before - 1
    assert tree.by_id("replies-heading").text == f"{before - 1} replies"


def test_deleted_text_appears_on_no_page(app, phone, story, wren, conversation):
    """Deleted text is gone from the thread, a post's page, the listings and the profile."""
    answered, answer, alone = conversation
    for post in (opening_of(story), answered, alone):
        confirm(phone, f"/p/{post.id}/delete")
    reader = signed_in(app, make_member("Reader"))

    urls = [thread_url(story), f"/p/{answered.id}", f"/p/{answer.id}", "/", "/stories", "/u/Wren"]
    for client in (device(app), reader, phone):
        for url in urls:
            for headers in ({}, PARTIAL):
                response = client.get(url, headers=headers)
                assert response.status_code == 200, url
                text = html_of(response)
                for gone in ("It took me years.", "My reply with an answer.", "My lonely reply."):
                    assert gone not in text, (url, gone)
    profile = page(device(app), "/u/Wren")
    assert profile.by_id("profile-posts") is None, "none of Wren's posts is left to list"


def test_a_story_deleted_before_anyone_answered_leaves_the_listings(app, phone, story):
    """A story deleted before any reply leaves the home page and the stories list."""
    compose_other = share_story(phone, title="Another one", body="Still here.")

    confirm(phone, f"/p/{opening_of(story).id}/delete")

    for url in ("/", "/stories"):
        text = visible_text(html_of(device(app).get(url)))
        assert "Learning to ask" not in text, url
        assert compose_other.title in text, url


def test_a_story_deleted_after_replies_stays_listed_for_them(app, phone, story, conversation):
    """A story deleted after replies stays, as a note, so the replies keep their place."""
    confirm(phone, f"/p/{opening_of(story).id}/delete")

    assert "Learning to ask" in visible_text(html_of(device(app).get("/")))
    tree = page(device(app), thread_url(story))
    opening = tree.find("article", class_="opening")
    assert opening.find("p", class_="tombstone").text == "Deleted by its author."
    assert "Harbour here." in prose(tree, conversation[1].id).text


def test_a_deleted_story_no_longer_names_its_author(app, phone, story, conversation):
    confirm(phone, f"/p/{opening_of(story).id}/delete")

    header = page(device(app), thread_url(story)).find("article", class_="opening").find("header")

    assert "Wren" not in header.text


def test_a_deleted_post_can_be_neither_edited_nor_deleted_again(phone, story, conversation):
    """A deleted post offers nothing (not even a reply), and can't be edited or counted off
    twice."""
    answered = conversation[0]
    confirm(phone, f"/p/{answered.id}/delete")
    count_before = fresh(Thread, story.id).reply_count

    assert phone.get(f"/p/{answered.id}/edit").status_code == 403
    assert phone.get(f"/p/{answered.id}/delete").status_code == 403
    shown = card(page(phone, thread_url(story)), answered.id)
    assert [a.text for a in shown.find_all("a", class_="action")] == []
    assert fresh(Thread, story.id).reply_count == count_before


def test_only_the_author_can_delete(app, phone, story):
    """Nobody but the author can delete a post; a guest is asked to log in."""
    opening = opening_of(story)
    other = signed_in(app, make_member("Harbour"))

    assert other.get(f"/p/{opening.id}/delete").status_code == 403
    token = csrf_token(other)
    assert other.post(f"/p/{opening.id}/delete", data={"csrf_token": token}).status_code == 403
    response = device(app).get(f"/p/{opening.id}/delete")
    assert response.status_code == 302 and location(response).startswith("/login?next=")
    assert fresh(Post, opening.id).deleted_by_author_at is None


def test_the_deleted_text_is_kept_for_moderators(phone, story):
    """The deleted text leaves the post but is kept for moderators."""
    opening = opening_of(story)

    confirm(phone, f"/p/{opening.id}/delete")

    assert [r.body for r in revisions(opening)] == ["It took me years."]
    assert fresh(Post, opening.id).body == ""


# --- Unlink from me ------------------------------------------------------------------------


def test_a_named_post_can_be_unlinked_from_its_author(app, phone, story, wren):
    """Unlink takes the name off a post: it shows an alias and leaves the profile."""
    answer = reply_through_form(phone, opening_of(story).id, "I regret my name on this.")
    assert "I regret" not in html_of(device(app).get("/u/Wren"))  # the profile lists titles
    profile_links = [a.get("href") for a in page(device(app), "/u/Wren").iter("a")]
    assert f"{thread_url(story)}#p{answer.id}" in profile_links

    asked = page(phone, f"/p/{answer.id}/unlink")
    response = confirm(phone, f"/p/{answer.id}/unlink")

    assert "can't be undone" in asked.text
    assert response.status_code == 303
    post = fresh(Post, answer.id)
    assert post.anonymous and ALIAS.fullmatch(post.anon_alias)
    assert post.author_id == wren.id, "still Wren's to edit or delete"
    shown = card(page(device(app), thread_url(story)), answer.id)
    assert shown.find("span", class_="author-anonymous").text == post.anon_alias
    assert "Wren" not in shown.text
    profile_links = [a.get("href") for a in page(device(app), "/u/Wren").iter("a")]
    assert f"{thread_url(story)}#p{answer.id}" not in profile_links
    actions = [a.visible_text for a in card(page(phone, thread_url(story)), answer.id).iter("a")]
    assert "Edit" in actions and "Delete" in actions and "Unlink from me" not in actions


def test_an_unlinked_post_takes_an_alias_of_its_own(app, phone, story):
    """Whoever saw the post under its author's name must not learn which anonymous posts in
    the thread are theirs: an unlinked post takes none of the thread's aliases, and the
    author's later anonymous posts keep their own alias, not the unlinked post's."""
    opening = opening_of(story)
    anonymous = reply_through_form(phone, opening.id, "Said anonymously.", anonymous=True)
    named = reply_through_form(phone, opening.id, "Said with my name.")

    confirm(phone, f"/p/{named.id}/unlink")
    later = reply_through_form(phone, opening.id, "Said anonymously again.", anonymous=True)

    unlinked = fresh(Post, named.id)
    assert unlinked.anonymous and unlinked.anon_alias
    assert unlinked.anon_alias != fresh(Post, anonymous.id).anon_alias
    assert fresh(Post, later.id).anon_alias == fresh(Post, anonymous.id).anon_alias


def test_unlinking_an_opening_post_moves_no_author_mark(app, phone):
    """A story told under a name, then unlinked: its author's anonymous replies in the thread
    must not start carrying the "author" mark, which would tie them to the story."""
    story = share_story(phone)
    opening = opening_of(story)
    anonymous = reply_through_form(phone, opening.id, "An anonymous aside.", anonymous=True)

    confirm(phone, f"/p/{opening.id}/unlink")

    tree = page(device(app), thread_url(story))
    assert "author" not in [tag.text for tag in card(tree, anonymous.id).find_all(class_="tag")]
    assert fresh(Post, opening.id).anon_alias != fresh(Post, anonymous.id).anon_alias


def test_an_anonymous_post_offers_no_unlink_and_never_becomes_named(app, phone, story):
    """An anonymous post stays anonymous: no Unlink, and no edit can name it."""
    answer = reply_through_form(phone, opening_of(story).id, "Quietly.", anonymous=True)
    alias = answer.anon_alias

    actions = [a.visible_text for a in card(page(phone, thread_url(story)), answer.id).iter("a")]
    response = phone.get(f"/p/{answer.id}/unlink")
    values = fill(writing_form(page(phone, edit_url(answer))), body="Quietly, still.")
    values.pop("anonymous", None)  # an edit has no box to untick; sending none changes nothing
    phone.post(edit_url(answer), data=values)

    assert "Unlink from me" not in actions
    assert response.status_code == 403
    assert "anonymous" not in values and "anonymous" not in form_names(phone, answer)
    post = fresh(Post, answer.id)
    assert (post.anonymous, post.anon_alias, post.body) == (True, alias, "Quietly, still.")
    assert "Wren" not in card(page(device(app), thread_url(story)), answer.id).text


def form_names(client, post: Post) -> set[str]:
    form = writing_form(page(client, edit_url(post)))
    return {element.get("name") for element in form.iter() if element.get("name")}


def test_only_the_author_can_unlink(app, story):
    """Nobody but the author can unlink a post."""
    opening = opening_of(story)
    other = signed_in(app, make_member("Harbour"))

    assert other.get(f"/p/{opening.id}/unlink").status_code == 403
    assert fresh(Post, opening.id).anonymous is False


def test_the_article_cannot_be_edited_or_deleted_by_a_member(app, phone):
    """The site's article is nobody's to edit, delete or unlink."""
    article = start_thread(ThreadKind.ARTICLE, "Seeking help", "The article.", None)

    for action in ("edit", "delete", "unlink"):
        assert phone.get(f"/p/{article.id}/{action}").status_code == 403, action
    assert thread_of(article).title == "Seeking help"
