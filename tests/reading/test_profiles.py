"""Public profiles at /u/<pseudonym>: the pseudonym, the month they joined, a short bio, and
the posts made under that name only."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from support.clients import PARTIAL, device
from support.content import reply, start_thread
from support.forms import log_in, settings_post
from support.members import make_member
from support.pages import parse
from support.rows import fresh

from forum.database import db, utcnow
from forum.models import RemovalReason, Role, User
from forum.moderation.actions import approve, remove_post


def listed(html: str) -> list[str]:
    """The titles of the posts a profile lists."""
    return [a.text for a in parse(html).find_all("a", class_="thread-title")]


def test_a_profile_shows_the_pseudonym_and_the_month_joined(client):
    user = make_member("Wren")
    user.created_at = datetime(2024, 3, 9, 12, tzinfo=UTC)
    db.session.commit()

    response = client.get("/u/Wren")

    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert page.find("h1").text == "Wren"
    assert "Joined March 2024" in page.find("header", class_="profile").text


def test_a_staff_members_role_is_shown(client):
    make_member("Keeper", role=Role.MODERATOR)

    assert "Moderator" in parse(client.get("/u/Keeper").get_data(as_text=True)).find("main").text


def test_the_bio_is_markdown_with_anything_unsafe_left_inert(app, client):
    """A bio can have emphasis and links, but no script, handler or javascript: link runs."""
    make_member("Wren")
    member = device(app)
    log_in(member, "Wren")
    bio = (
        "I like **long walks**.\n\n"
        "<script>alert('bio')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click](javascript:alert(2)) and [a guide](https://example.org/guide)"
    )
    assert settings_post(member, "bio", {"bio": bio}).status_code == 303

    html = client.get("/u/Wren").get_data(as_text=True)

    about = parse(html).find("div", class_="bio")
    assert about.find("strong").text == "long walks"
    assert about.find_all("script") == [] and about.find_all("img") == []
    assert "<script>alert" not in html
    assert not any("onerror" in element.attrs for element in about.iter())
    hrefs = [a.get("href") for a in about.iter("a")]
    assert "https://example.org/guide" in hrefs
    assert not any(href.lower().startswith("javascript:") for href in hrefs)


def test_only_posts_made_under_the_name_are_listed(client):
    """Anonymous posts never appear on the profile, in any number or form."""
    wren, other = make_member("Wren"), make_member("Other")
    named_story = start_thread(title="Walking helps", author=wren)
    someone_elses = start_thread(title="Rainy days", author=other)
    reply(someone_elses, wren, "Me too.")
    start_thread(title="What I never told anyone", author=wren, anonymous=True)
    hidden = start_thread(title="Late at night", author=other)
    hidden.reply(wren, "I am awake too.", anonymous=True)
    reply(named_story, other, "Thank you.")
    db.session.commit()

    html = client.get("/u/Wren").get_data(as_text=True)

    assert listed(html) == ["Replied in: Rainy days", "Started: Walking helps"]
    for secret in ("What I never told anyone", "Late at night", "Anonymous "):
        assert secret not in html


def test_a_profile_pages_through_named_posts_without_counting_anonymous_ones(app, client):
    """Older posts come a page at a time; anonymous ones are not among them, nor counted."""
    app.config["THREADS_PER_PAGE"] = 2
    wren = make_member("Wren")
    for number in range(3):
        start_thread(title=f"Named {number}", author=wren)
        start_thread(title=f"Hidden {number}", author=wren, anonymous=True)

    first = client.get("/u/Wren").get_data(as_text=True)
    more = parse(first).by_id("more-posts").find("a").get("href")
    second = client.get(more).get_data(as_text=True)
    second_partial = client.get(more, headers=PARTIAL).get_data(as_text=True)

    assert listed(first) == ["Started: Named 2", "Started: Named 1"]
    assert listed(second) == ["Started: Named 0"]
    assert listed(second_partial) == ["Started: Named 0"]
    assert parse(second).by_id("more-posts") is None
    for html in (first, second, second_partial):
        assert "Hidden" not in html


def test_deleted_posts_are_not_listed(client):
    wren = make_member("Wren")
    start_thread(title="Still here", author=wren)
    gone = start_thread(title="Taken back", author=wren)
    gone.deleted_by_author_at = utcnow()
    db.session.commit()

    assert listed(client.get("/u/Wren").get_data(as_text=True)) == ["Started: Still here"]


def test_a_thread_removed_by_moderators_leaves_the_profiles_of_those_who_replied(client):
    """A removed thread leaves every listing: its title may be why it was removed."""
    wren, author = make_member("Wren"), make_member("Poster")
    keeper = make_member("Keeper", role=Role.MODERATOR)
    removed = start_thread(title="Full name and address of someone", author=author)
    reply(removed, wren, "You shouldn't post this.")
    kept = start_thread(title="Walking helps", author=author)
    reply(kept, wren, "It does.")
    remove_post(keeper, removed, RemovalReason.PERSONAL_INFORMATION)
    db.session.commit()

    html = client.get("/u/Wren").get_data(as_text=True)

    assert listed(html) == ["Replied in: Walking helps"]
    assert "Full name and address" not in html


def test_a_reply_in_a_thread_still_waiting_is_not_listed_until_it_is_approved(client):
    """A moderator may answer a new member's first story before approving it: their profile
    must not show that story's title while nobody else can read it."""
    newcomer = make_member("Newcomer")
    keeper = make_member("Keeper", role=Role.MODERATOR)
    waiting = start_thread(
        title="What happened at home last night", author=newcomer, awaiting_approval=True
    )
    reply(waiting, keeper, "Thank you for telling us. We'll have it up shortly.")

    html = client.get("/u/Keeper").get_data(as_text=True)
    assert listed(html) == [] and "What happened at home" not in html

    approve(keeper, waiting)
    db.session.commit()
    assert listed(client.get("/u/Keeper").get_data(as_text=True)) == [
        "Replied in: What happened at home last night"
    ]


def test_an_unknown_pseudonym_is_not_found(client):
    make_member("Wren")

    assert client.get("/u/Nobody_Here").status_code == 404
    assert client.get("/u/" + "x" * 500).status_code == 404


@pytest.mark.parametrize("typed", ["wren", "WREN", "VVren"])
def test_other_spellings_redirect_to_the_profile(client, typed):
    """A link typed from memory still finds the member, at one address."""
    make_member("Wren")

    response = client.get(f"/u/{typed}")

    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == "/u/Wren"


@pytest.mark.parametrize("headers", [{}, PARTIAL], ids=["page", "partial"])
def test_guests_get_no_cookie_on_a_profile(client, headers):
    wren = make_member("Wren")
    start_thread(title="Walking helps", author=wren)

    response = client.get("/u/Wren", headers=headers)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


def test_a_member_with_no_named_posts_says_so(client):
    wren = make_member("Wren")
    start_thread(title="Only anonymous", author=wren, anonymous=True)

    html = client.get("/u/Wren").get_data(as_text=True)

    assert "No posts under this name yet." in html
    assert "Only anonymous" not in html
    assert fresh(User, pseudonym="Wren") is not None
