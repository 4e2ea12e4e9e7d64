"""A member's settings: password, bio, preferences, recovery codes, their data, and leaving."""

import json
from collections import Counter

import pytest
from sqlalchemy import select
from support.clients import device, is_logged_in
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import join, log_in, recover, settings_post
from support.members import CODE_FORMAT, NEW_PASSWORD, PASSWORD, give_recovery_codes, make_member
from support.pages import (
    errors_in_form,
    field_error,
    form_inputs,
    form_posting_to,
    parse,
    shown_codes,
)
from support.rows import all_stored_text, fresh

from forum.accounts.members import PSEUDONYM_TAKEN
from forum.database import db
from forum.models import Post, Reaction, RecoveryCode, Report, Thread, User

NOT_YOUR_PASSWORD = "That isn't your current password."
# Distinctive, so that finding it anywhere in the database after deletion means a leak.
NAME = "Marigold_77"


@pytest.fixture
def codes(client) -> list[str]:
    """NAME is a member, logged in on `client`; these are their recovery codes."""
    codes = give_recovery_codes(make_member(NAME))
    log_in(client, NAME)
    return codes


def test_the_settings_page_sends_a_guest_to_log_in(client):
    for url in ("/settings", "/settings/export"):
        response = client.get(url)

        assert response.status_code == 302
        assert response.headers["Location"] == "/login?next=" + url.replace("/", "%2F")


def test_settings_pages_are_never_cached(client, codes):
    """A shared computer's browser keeps no copy of a member's own pages."""
    responses = [
        client.get("/settings"),
        client.get("/settings/export"),
        settings_post(client, "bio", {"bio": "x" * 501}),
        settings_post(client, "recovery-codes", {"password": PASSWORD}, follow_redirects=True),
    ]

    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_every_label_and_description_on_the_settings_page_points_to_one_element(client, codes):
    """Screen readers and label clicks reach the right field."""
    page = parse(client.get("/settings").get_data(as_text=True))
    ids = Counter(element.get("id") for element in page.iter() if element.get("id"))

    referenced = [label.get("for") for label in page.iter("label")]
    for element in page.iter():
        referenced += (element.get("aria-describedby") or "").split()
    assert {ref: ids[ref] for ref in referenced if ids[ref] != 1} == {}


def test_changing_the_password_needs_the_current_one(client, codes):
    """A wrong current password changes nothing, says so on that field, echoes nothing."""
    data = {
        "current_password": "not what it is",
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }
    response = settings_post(client, "password", data)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert errors_in_form(html, "/settings/password") == NOT_YOUR_PASSWORD
    assert "not what it is" not in html and NEW_PASSWORD not in html
    assert log_in(device(client.application), NAME, PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("short pw", "short pw", "Choose a password of at least 10 characters."),
        ("password123", "password123", "That password is too easy to guess"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are not the same."),
    ],
)
def test_the_new_password_follows_the_joining_rules(client, codes, new, again, message):
    data = {"current_password": PASSWORD, "new_password": new, "new_password_again": again}
    response = settings_post(client, "password", data)

    assert response.status_code == 422
    assert message in errors_in_form(response.get_data(as_text=True), "/settings/password")


def test_a_new_password_containing_the_pseudonym_is_refused_as_at_joining(client, codes):
    data = {
        "current_password": PASSWORD,
        "new_password": "marigold_77 at home",
        "new_password_again": "marigold_77 at home",
    }

    assert settings_post(client, "password", data).status_code == 422


def test_changing_the_password_logs_out_every_other_device(client, app, codes):
    """Whoever knew the old password is out, "remember me" or not; this device stays in."""
    phone, laptop = device(app), device(app)
    log_in(phone, NAME)
    log_in(laptop, NAME, remember=True)

    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }
    response = settings_post(client, "password", data)

    assert response.status_code == 303
    assert "Your password is changed." in client.get("/settings").get_data(as_text=True)
    assert is_logged_in(client)
    assert not is_logged_in(phone)
    laptop.delete_cookie("session")  # only the remember cookie is left
    assert not is_logged_in(laptop)
    assert log_in(device(app), NAME, NEW_PASSWORD).status_code == 303
    assert log_in(device(app), NAME, PASSWORD).status_code == 422


def bio_box(html: str):
    return form_posting_to(html, "/settings/bio").find("textarea")


def test_the_bio_is_saved_and_shown_on_the_profile(client, codes):
    response = settings_post(client, "bio", {"bio": "  I walk by the sea.  "})

    assert response.status_code == 303
    assert fresh(User, pseudonym=NAME).bio == "I walk by the sea."
    assert "I walk by the sea." in client.get(f"/u/{NAME}").get_data(as_text=True)
    textarea = bio_box(client.get("/settings").get_data(as_text=True))
    assert textarea.text == "I walk by the sea."


def test_a_bio_over_500_characters_is_refused_and_kept_in_the_form(client, codes):
    """Nothing typed is lost: the text is still there to shorten."""
    long_bio = "I walk by the sea. " * 26 + "abcdefg"
    assert len(long_bio) == 501

    response = settings_post(client, "bio", {"bio": long_bio})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert errors_in_form(html, "/settings/bio") == (
        "Please keep this to 500 characters (it is 501 now)."
    )
    assert bio_box(html).text == " ".join(long_bio.split())
    assert fresh(User, pseudonym=NAME).bio == ""
    assert settings_post(client, "bio", {"bio": long_bio[:500]}).status_code == 303


def test_posting_anonymously_by_default_is_saved(client, codes):
    assert fresh(User, pseudonym=NAME).post_anonymously_by_default is False

    settings_post(client, "preferences", {"post_anonymously_by_default": "y"})

    assert fresh(User, pseudonym=NAME).post_anonymously_by_default is True
    html = client.get("/settings").get_data(as_text=True)
    box = next(
        element
        for element in form_posting_to(html, "/settings/preferences").iter("input")
        if element.get("name", "").endswith("post_anonymously_by_default")
    )
    assert "checked" in box.attrs
    settings_post(client, "preferences", {})
    assert fresh(User, pseudonym=NAME).post_anonymously_by_default is False


def test_new_recovery_codes_need_the_password(client, codes):
    response = settings_post(client, "recovery-codes", {"password": "not what it is"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert errors_in_form(html, "/settings/recovery-codes") == NOT_YOUR_PASSWORD
    assert recover(device(client.application), NAME, codes[0]).status_code == 303


def test_new_recovery_codes_replace_the_old_ones(client, app, codes):
    """The new set is shown once; every old code stops working, every new one works."""
    response = settings_post(
        client, "recovery-codes", {"password": PASSWORD}, follow_redirects=True
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your earlier codes no longer work." in html
    new_codes = shown_codes(html)
    assert len(set(new_codes)) == 10 and all(CODE_FORMAT.fullmatch(c) for c in new_codes)
    assert not set(new_codes) & set(codes)
    assert fresh(User, pseudonym=NAME).recovery_codes_confirmed is False
    assert recover(device(app), NAME, codes[0]).status_code == 422
    assert recover(device(app), NAME, new_codes[0]).status_code == 303


def test_the_new_codes_page_can_confirm_the_new_codes(client, codes):
    """Ticking the box under a new set confirms that set."""
    made = settings_post(client, "recovery-codes", {"password": PASSWORD}, follow_redirects=True)
    html = made.get_data(as_text=True)
    data = {n: e.get("value") or "" for n, e in form_inputs(html).items() if n != "submit"}
    data["kept"] = "y"

    client.post("/recovery-codes/kept", data=data)

    assert fresh(User, pseudonym=NAME).recovery_codes_confirmed is True


@pytest.fixture
def posts(codes):
    """The member's posts: a named story with a reply from someone else, an anonymous story and an
    anonymous reply in someone else's story."""
    member, other = fresh(User, pseudonym=NAME), make_member("Harbour")
    story = start_thread(title="Walking helps", body="Every morning.", author=member)
    answer = reply(story, other, "That is lovely to read.")
    hidden = start_thread(
        title="What I never said", body="It was hard.", author=member, anonymous=True
    )
    theirs = start_thread(title="Rainy days", body="It rains.", author=other)
    hidden_reply = theirs.reply(member, "I know rain.", anonymous=True)
    db.session.commit()
    return {
        "story": story,
        "answer": answer,
        "hidden": hidden,
        "theirs": theirs,
        "hidden_reply": hidden_reply,
    }


def test_my_data_is_a_json_file_with_every_post_anonymous_ones_included(client, posts):
    response = client.get("/settings/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["pseudonym"] == NAME
    exported = {post["id"]: post for post in data["posts"]}
    mine = [posts[name] for name in ("story", "hidden", "hidden_reply")]
    assert set(exported) == {post.id for post in mine}
    assert exported[posts["story"].id]["anonymous"] is False
    assert exported[posts["story"].id]["shown_as"] == NAME
    for post in (posts["hidden"], posts["hidden_reply"]):
        assert exported[post.id]["anonymous"] is True
        assert exported[post.id]["shown_as"] == post.anon_alias
    assert exported[posts["hidden_reply"].id]["body"] == "I know rain."
    assert posts["answer"].id not in exported


def test_another_members_data_cannot_be_downloaded(app, client, posts):
    """Only the member themselves gets their file, whatever the address says."""
    make_member("Harbour_two")
    other = device(app)
    log_in(other, "Harbour_two")

    for url in ("/settings/export", f"/settings/export?pseudonym={NAME}", "/settings/export?id=1"):
        data = json.loads(other.get(url).get_data(as_text=True))
        assert data["profile"]["pseudonym"] == "Harbour_two"
        assert data["posts"] == []
    assert device(app).get("/settings/export").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"posts": "erase", "confirm": "y"}, "Enter your password"),
        ({"password": "not it", "posts": "erase", "confirm": "y"}, NOT_YOUR_PASSWORD),
        ({"password": PASSWORD, "confirm": "y"}, "Choose what should happen"),
        ({"password": PASSWORD, "posts": "erase"}, "Please tick the box to confirm."),
        ({"password": PASSWORD, "posts": "shred", "confirm": "y"}, "Not a valid choice"),
    ],
)
def test_deleting_the_account_needs_password_choice_and_confirmation(client, codes, data, message):
    """Nothing is deleted by a slip: each missing part is named."""
    response = settings_post(client, "delete", data)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in errors_in_form(html, "/settings/delete")
    assert PASSWORD not in html
    assert fresh(User, pseudonym=NAME) is not None
    assert is_logged_in(client)


def delete_account(client, choice: str):
    data = {"password": PASSWORD, "posts": choice, "confirm": "y"}
    return settings_post(client, "delete", data)


def assert_account_gone(app, client, response) -> None:
    """The account, its codes and its pseudonym are gone, and nobody can take the name."""
    assert response.status_code == 200
    assert "Your account is deleted" in response.get_data(as_text=True)
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert fresh(User, pseudonym=NAME) is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert NAME.casefold() not in all_stored_text().casefold()
    assert not is_logged_in(client)
    assert log_in(device(app), NAME).status_code == 422
    assert device(app).get(f"/u/{NAME}").status_code == 404
    for name in (NAME, NAME.lower(), "MARIG0LD_77", "Marigo1d-77"):
        refused = join(device(app), name)
        assert refused.status_code == 422
        assert field_error(refused.get_data(as_text=True), "pseudonym") == PSEUDONYM_TAKEN


def test_deleting_and_erasing_leaves_tombstones_that_keep_the_replies(app, client, posts):
    """The text is gone; someone else's reply to it is still there, in its place."""
    response = delete_account(client, "erase")

    assert_account_gone(app, client, response)
    db.session.expire_all()
    for name in ("story", "hidden", "hidden_reply"):
        post = db.session.get(Post, posts[name].id)
        assert (post.body, post.body_html, post.author_id) == ("", "", None)
        assert post.deleted_by_author_at is not None
    answer = db.session.get(Post, posts["answer"].id)
    assert answer.body == "That is lovely to read." and answer.parent_id == posts["story"].id
    thread = db.session.get(Thread, posts["story"].thread_id)
    html = device(app).get(thread_url(thread)).get_data(as_text=True)
    assert "That is lovely to read." in html
    assert "Every morning." not in html
    other_thread = device(app).get(thread_url(thread_of(posts["theirs"]))).get_data(as_text=True)
    assert "I know rain." not in other_thread
    assert "It rains." in other_thread


def test_deleting_and_keeping_shows_the_posts_as_deleted(app, client, posts):
    """The words stay for the people they helped, tied to no account."""
    alias = posts["hidden_reply"].anon_alias
    response = delete_account(client, "keep")

    assert_account_gone(app, client, response)
    db.session.expire_all()
    story = db.session.get(Post, posts["story"].id)
    assert story.body == "Every morning." and story.author_id is None
    html = device(app).get(thread_url(thread_of(story))).get_data(as_text=True)
    opening = parse(html).find("article", class_="opening")
    assert opening.find("span", class_="author-gone").text == "[deleted]"
    assert "Every morning." in html and "That is lovely to read." in html
    other_thread = device(app).get(thread_url(thread_of(posts["theirs"]))).get_data(as_text=True)
    assert "I know rain." in other_thread and alias in other_thread


def test_deleting_an_account_that_reacted_and_reported_works_and_logs_out_everywhere(
    app, client, posts
):
    """Reactions leave with the account; a report stays for moderators, linked to nobody."""
    member = fresh(User, pseudonym=NAME)
    db.session.add(Reaction(post_id=posts["answer"].id, user_id=member.id, kind="support"))
    db.session.add(Report(post_id=posts["answer"].id, reporter_id=member.id, reason="other"))
    db.session.commit()
    phone = device(app)
    log_in(phone, NAME)

    response = delete_account(client, "keep")

    assert_account_gone(app, client, response)
    assert not is_logged_in(phone)
    assert db.session.scalars(select(Reaction)).all() == []
    report = db.session.scalars(select(Report)).one()
    assert report.reporter_id is None
