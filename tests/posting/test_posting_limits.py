"""Limits on writing: how long a title or a post may be, what happens to empty or malformed
input, and the posting pace (a pause between posts, a cap in an account's first day). Every
refusal says what to do, and keeps everything typed."""

import re
import time

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, signed_in
from support.content import last_post, only_thread, opening_of, start_thread, thread_url, unpace
from support.forms import (
    compose,
    compose_form,
    csrf_token,
    fill,
    reply_form,
    reply_url,
    send_reply,
    share_story,
)
from support.members import make_member
from support.pages import (
    field_error,
    form_problem,
    html_of,
    input_named,
    location,
    page,
    parse,
    prose,
    selected,
    textarea_text,
    writing_form,
)
from support.rows import count, fresh

from forum.database import db
from forum.models import Post, Role, Thread, ThreadKind


@pytest.fixture
def story(app):
    """Someone else's story, to reply to."""
    return start_thread(ThreadKind.STORY, "A story", "Something happened.", make_member("Teller"))


# --- Empty, too long, malformed ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["story", "discussion"])
@pytest.mark.parametrize("blank", ["", "   ", "\n\t \n"])
def test_an_empty_title_is_refused_beside_it_and_the_rest_is_kept(phone, unpaced, kind, blank):
    """A blank title gets a message beside it; the story and its warning are kept."""
    response = compose(
        phone, kind, title=blank, body="My whole story.", warning="Other", warning_detail="loss"
    )

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert field_error(tree, "title") == "Please give it a title."
    assert tree.by_id("title").get("aria-invalid") == "true"
    assert textarea_text(tree, "body") == "My whole story."
    assert selected(tree, "warning") == "Other"
    assert input_named(tree, "warning_detail").get("value") == "loss"
    assert count(Thread) == 0


@pytest.mark.parametrize("blank", ["", "   ", "\r\n\r\n"])
def test_an_empty_body_is_refused_beside_it_and_the_title_is_kept(phone, unpaced, blank):
    """A blank story gets a message beside it; the title is kept."""
    response = compose(phone, title="My title", body=blank)

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert field_error(tree, "body") == "Please write something before sending."
    assert input_named(tree, "title").get("value") == "My title"
    assert count(Thread) == 0


def test_a_title_of_150_characters_is_fine(phone, unpaced):
    """A title of exactly 150 characters is accepted."""
    title = "t" * 150

    assert compose(phone, title=title).status_code == 303
    assert only_thread().title == title


@pytest.mark.parametrize("length", [151, 10_000])
def test_a_title_too_long_is_refused_with_its_length_and_kept_whole(phone, unpaced, length):
    """A title over 150 characters is refused with its length, and kept whole to shorten."""
    title = "w" * length

    response = compose(phone, title=title, body="Body.")

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert field_error(tree, "title") == (
        f"Please keep the title under 150 characters (it is {length} now)."
    )
    box = input_named(tree, "title")
    assert box.get("value") == title
    assert "maxlength" not in box.attrs
    assert count(Thread) == 0


def test_a_body_of_20000_characters_is_fine(phone, unpaced):
    """A story of exactly 20,000 characters is accepted."""
    body = ("x" * 99 + "\n") * 200

    assert compose(phone, body=body[:-1] + "y").status_code == 303
    assert len(opening_of(only_thread()).body) == 20_000


def test_line_breaks_sent_by_a_browser_count_once(phone, unpaced):
    """Browsers send a line break as two characters; the limit counts what was typed."""
    body = "\r\n".join(["y" * 99] * 200)  # 19,999 characters typed, 20,198 sent

    assert compose(phone, body=body).status_code == 303
    assert opening_of(only_thread()).body == body.replace("\r\n", "\n")


def test_a_body_too_long_is_refused_and_every_character_kept(phone, unpaced):
    """A story over 20,000 characters is refused with its length; not a character is lost."""
    body = "A" + "b" * 19_999 + "Z"

    response = compose(phone, title="Long one", body=body)

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert "Please keep this under 20,000 characters (it is 20001 now)" in field_error(tree, "body")
    assert textarea_text(tree, "body") == body
    assert "maxlength" not in tree.by_id("body").attrs
    assert input_named(tree, "title").get("value") == "Long one"
    assert count(Post) == 0


def test_a_content_warning_detail_too_long_is_refused_and_kept(phone, unpaced):
    """A warning description over 100 characters is refused and kept."""
    detail = "d" * 101

    response = compose(phone, warning="Grief", warning_detail=detail)

    assert response.status_code == 422
    tree = parse(html_of(response))
    assert "under 100 characters" in field_error(tree, "warning_detail")
    assert input_named(tree, "warning_detail").get("value") == detail
    assert "maxlength" not in input_named(tree, "warning_detail").attrs


@pytest.mark.parametrize("field", ["intent", "warning"])
def test_a_choice_that_is_not_offered_is_refused(phone, unpaced, field):
    """A warning or intent the form doesn't offer is refused beside the field."""
    response = compose(phone, **{field: "something-else"})

    assert response.status_code == 422
    assert field_error(parse(html_of(response)), field)
    assert count(Thread) == 0


def test_control_characters_are_dropped_not_an_error(phone, unpaced):
    """NUL and other invisible control characters (which PostgreSQL refuses outright) are
    left out; tabs and line breaks stay."""
    response = compose(
        phone,
        title="Hello\x00 the\x07re\x1b",
        body="Line\x00 one\x0b\n\tindented\x7f\x01",
        warning="Other",
        warning_detail="no\x00ise",
    )

    assert response.status_code == 303
    thread = only_thread()
    assert thread.title == "Hello there"
    assert thread.content_warning == "noise"
    assert opening_of(thread).body == "Line one\n\tindented"
    assert "Line one" in prose(page(phone, thread_url(thread)), opening_of(thread).id).text


def test_a_title_of_only_control_characters_is_empty(phone, unpaced):
    """A title of invisible characters only counts as empty."""
    response = compose(phone, title="\x00\x01\x02", body="Body.")

    assert response.status_code == 422
    assert field_error(parse(html_of(response)), "title") == "Please give it a title."


def test_control_characters_in_a_reply_edit_and_preview_are_dropped(phone, unpaced, story):
    """Replies, edits and previews drop control characters too."""
    answer = send_reply(phone, story.id, "Re\x00ply\x1b")
    new = last_post()
    values = fill(writing_form(page(phone, f"/p/{new.id}/edit")), body="Ed\x00ited")
    edited = phone.post(f"/p/{new.id}/edit", data=values)
    preview = phone.post(
        "/preview",
        data={"body": "Pre\x00view", "csrf_token": csrf_token(phone)},
        headers=PARTIAL,
    )

    assert (answer.status_code, edited.status_code, preview.status_code) == (303, 303, 200)
    assert fresh(Post, new.id).body == "Edited"
    assert "Preview" in parse(html_of(preview)).find("div", class_="prose").text


@pytest.mark.parametrize(
    "url",
    [
        "/p/999999/reply",
        "/p/999999/edit",
        "/p/999999/delete",
        "/p/999999/unlink",
        "/p/2147483648/reply",
        "/p/0/edit",
    ],
)
def test_a_post_that_does_not_exist_is_not_found(phone, url):
    """Replying to, editing, deleting or unlinking a missing post is a 404."""
    assert phone.get(url).status_code == 404


# --- Posting pace --------------------------------------------------------------------------

WAIT = re.compile(r"You can (start another thread|send another reply) in (\d+) seconds?\.")


def test_a_second_thread_too_soon_is_refused_with_the_wait_and_the_text_kept(app, phone):
    """A second thread within the pause says how long to wait, and keeps the text."""
    app.config["THREAD_INTERVAL_SECONDS"] = 15
    share_story(phone, title="First")

    response = compose(
        phone, "discussion", title="Second", body="Another thought.", warning="Grief"
    )

    assert response.status_code == 429
    tree = parse(html_of(response))
    message = form_problem(tree)
    wait = WAIT.search(message)
    assert wait and wait.group(1) == "start another thread", message
    assert 1 <= int(wait.group(2)) <= 15
    assert "Your text is kept below." in message
    assert input_named(tree, "title").get("value") == "Second"
    assert textarea_text(tree, "body") == "Another thought."
    assert selected(tree, "warning") == "Grief"
    assert count(Thread) == 1


def test_after_the_pause_the_same_form_goes_through(app, phone):
    """Once the pause is over, the refused form can be sent again as it is."""
    app.config["THREAD_INTERVAL_SECONDS"] = 15
    share_story(phone, title="First")
    refused = compose(phone, title="Second", body="Again.")
    values = {
        **compose_form(phone),
        "title": "Second",
        "body": "Again.",
        "token": input_named(parse(html_of(refused)), "token").get("value"),
    }
    earlier = fresh(Post, 1)
    earlier.created_at = earlier.created_at.replace(year=earlier.created_at.year - 1)
    db.session.commit()

    response = compose(phone, values=values)

    assert response.status_code == 303
    assert count(Thread) == 2


def test_a_reply_too_soon_is_refused_with_the_wait_and_the_text_kept(app, phone, story):
    """A reply within the pause says how long to wait, and keeps the text."""
    app.config["REPLY_INTERVAL_SECONDS"] = 5
    assert send_reply(phone, story.id, "First reply.").status_code == 303

    response = send_reply(phone, story.id, "Second reply.", headers=PARTIAL)

    assert response.status_code == 429
    tree = parse(html_of(response))
    wait = WAIT.search(form_problem(tree))
    assert wait and wait.group(1) == "send another reply"
    assert 1 <= int(wait.group(2)) <= 5
    assert textarea_text(tree, f"reply-{story.id}-body") == "Second reply."
    assert count(Post) == 2


def test_a_reply_does_not_slow_down_a_new_thread(app, phone, story):
    """The two pauses are separate: answering someone doesn't delay sharing a story."""
    app.config.update(THREAD_INTERVAL_SECONDS=15, REPLY_INTERVAL_SECONDS=5)
    send_reply(phone, story.id, "A reply.")

    assert compose(phone, title="Mine").status_code == 303


def test_a_new_account_can_start_3_threads_in_its_first_day(app):
    """A new account's fourth thread on its first day is refused kindly, text kept."""
    app.config.update(THREAD_INTERVAL_SECONDS=0, FIRST_DAY_MAX_THREADS=3)
    phone = signed_in(app, make_member("Newcomer"))
    for number in range(3):
        assert compose(phone, title=f"Thread {number}").status_code == 303

    response = compose(phone, title="One more", body="Kept text.")

    assert response.status_code == 429
    tree = parse(html_of(response))
    assert "In an account's first day, it can post up to 3 threads" in form_problem(tree)
    assert "Your text is kept below" in form_problem(tree)
    assert input_named(tree, "title").get("value") == "One more"
    assert textarea_text(tree, "body") == "Kept text."
    assert count(Thread) == 3


def test_a_new_account_can_send_10_replies_in_its_first_day(app, story):
    """A new account's eleventh reply on its first day is refused kindly, text kept."""
    app.config.update(REPLY_INTERVAL_SECONDS=0, FIRST_DAY_MAX_REPLIES=10)
    phone = signed_in(app, make_member("Newcomer"))
    for number in range(10):
        assert send_reply(phone, story.id, f"Reply {number}").status_code == 303

    response = send_reply(phone, story.id, "Eleventh.", headers=PARTIAL)

    assert response.status_code == 429
    tree = parse(html_of(response))
    assert "In an account's first day, it can post up to 10 replies" in form_problem(tree)
    assert textarea_text(tree, f"reply-{story.id}-body") == "Eleventh."


def test_an_older_account_has_no_daily_cap(app, phone, story):
    """An account older than a day has no daily cap."""
    app.config.update(
        THREAD_INTERVAL_SECONDS=0,
        REPLY_INTERVAL_SECONDS=0,
        FIRST_DAY_MAX_THREADS=3,
        FIRST_DAY_MAX_REPLIES=10,
    )

    for number in range(5):
        assert compose(phone, title=f"Thread {number}").status_code == 303
    for number in range(12):
        assert send_reply(phone, story.id, f"Reply {number}").status_code == 303


def test_the_first_day_ends_a_day_after_joining(app):
    """The first-day cap lifts once the account is a day old."""
    app.config.update(THREAD_INTERVAL_SECONDS=0, FIRST_DAY_MAX_THREADS=1)
    newcomer = make_member("Newcomer", days_old=0.9)
    phone = signed_in(app, newcomer)
    compose(phone, title="First")
    assert compose(phone, title="Second").status_code == 429

    newcomer = fresh(type(newcomer), newcomer.id)
    newcomer.created_at = newcomer.created_at.replace(day=1, month=1, year=2000)
    db.session.commit()

    assert compose(phone, title="Second").status_code == 303


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_are_not_paced(app, story, role):
    """A moderator posting a notice, or answering several people, is never held back."""
    app.config.update(
        THREAD_INTERVAL_SECONDS=15,
        REPLY_INTERVAL_SECONDS=5,
        FIRST_DAY_MAX_THREADS=1,
        FIRST_DAY_MAX_REPLIES=1,
    )
    phone = signed_in(app, make_member("Keeper", role=role))

    for number in range(3):
        assert compose(phone, title=f"Notice {number}").status_code == 303
        assert send_reply(phone, story.id, f"Answer {number}").status_code == 303


def test_the_pause_is_counted_per_member(app, story):
    """One member's post doesn't make another wait."""
    app.config["REPLY_INTERVAL_SECONDS"] = 5
    first = signed_in(app, make_member("Ash", days_old=3))
    second = signed_in(app, make_member("Birch", days_old=3))

    assert send_reply(first, story.id, "One.").status_code == 303
    assert send_reply(second, story.id, "Two.").status_code == 303


def test_a_paced_reply_page_form_still_works_once_the_pause_is_over(app, phone, story):
    """The refused form keeps its one-time token: sent again later, it creates the reply."""
    app.config["REPLY_INTERVAL_SECONDS"] = 5
    send_reply(phone, story.id, "First.")
    values = reply_form(phone, story.id, body="Second.")
    assert phone.post(reply_url(story.id), data=values, headers=PARTIAL).status_code == 429
    for post in db.session.scalars(select(Post).where(Post.parent_id.is_not(None))):
        post.created_at = post.created_at.replace(year=2000)
    db.session.commit()

    response = phone.post(reply_url(story.id), data=values)

    assert response.status_code == 303
    assert location(response).endswith(f"#p{fresh(Post, 3).id}")
    assert fresh(Post, 3).body == "Second."


# --- Forms left open, and tokens that are not this member's -------------------------------


def test_a_story_written_over_two_hours_is_not_lost(app, phone, monkeypatch):
    """A story written slowly, over hours, is still posted (or kept) when sent."""
    unpace(app)
    values = {**compose_form(phone), "title": "Slowly", "body": "It took me all evening."}
    later = time.time() + 2 * 3600
    monkeypatch.setattr(time, "time", lambda: later)

    response = compose(phone, values=values)

    kept = response.status_code != 400 and "It took me all evening." in html_of(response)
    assert response.status_code == 303 or kept


def test_a_form_token_used_by_someone_else_is_not_a_server_error(app, phone):
    """A form whose one-time token another member already used gets an answer, not an error."""
    unpace(app)
    other = signed_in(app, make_member("Ash", days_old=3))
    values = {**compose_form(other), "title": "Ash's", "body": "Mine."}
    assert compose(other, values=values).status_code == 303
    mine = {
        **compose_form(phone),
        "title": "Wren's",
        "body": "Also mine.",
        "token": values["token"],
    }

    try:
        response = compose(phone, values=mine)
    except Exception as error:  # the test client re-raises what would be a 500
        pytest.fail(f"server error: {error!r}")

    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert "Also mine." in html_of(response)
