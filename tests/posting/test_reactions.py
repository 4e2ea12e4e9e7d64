"""Supportive reactions: "Sending support", "Me too", "Thank you". Members toggle them with a
plain form or with htmx; guests see how many; nobody sees who; nothing scores or ranks."""

import warnings

import pytest
from sqlalchemy import select
from support.clients import PARTIAL, device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.forms import csrf_token
from support.members import make_member
from support.pages import Element, html_of, location, page, parse, visible_text
from support.rows import count

from forum.database import db, utcnow
from forum.models import Post, Reaction, ReactionKind, Thread, ThreadKind, User

KINDS = [kind.value for kind in ReactionKind]


# These tests post quickly and often; the pace has tests of its own (test_posting_limits.py).
pytestmark = pytest.mark.usefixtures("unpaced")


@pytest.fixture
def story(wren):
    opening = start_thread(ThreadKind.STORY, "Small steps", "I went for a walk today.", wren)
    reply(opening, make_member("Tea"), "That is a big step.")
    return opening


def react_url(post: Post) -> str:
    return f"/p/{post.id}/react"


def bar(tree: Element, post: Post) -> Element:
    found = tree.by_id(f"reactions-{post.id}")
    assert found is not None, f"no reactions shown for post {post.id}"
    return found


def buttons(tree: Element, post: Post) -> dict[str, Element]:
    """The reaction buttons of a post, by kind: each names its kind, as a form sends it."""
    return {
        button.get("value"): button
        for button in bar(tree, post).iter("button")
        if button.get("name") == "kind"
    }


def press(client, post: Post, kind: str, headers: dict | None = None):
    """Press a reaction button as the thread page offers it: its form sends its fields and the
    pressed button's kind."""
    tree = page(client, thread_url(thread_of(post)))
    button = buttons(tree, post)[kind]
    form = next(f for f in bar(tree, post).iter("form") if button in f.iter("button"))
    values = {i.get("name"): i.get("value") for i in form.iter("input")}
    return client.post(form.get("action"), data={**values, "kind": kind}, headers=headers)


def add_reactions(post: Post, kind: ReactionKind, *names: str) -> None:
    for name in names:
        db.session.add(Reaction(post_id=post.id, user_id=make_member(name).id, kind=kind))
    db.session.commit()


def test_a_member_sees_the_three_supportive_buttons_and_nothing_else(harbours_phone, story):
    """A member sees three supportive buttons under each post, in a real form: "Sending
    support" in sight, the two others folded behind "More"."""
    tree = page(harbours_phone, thread_url(thread_of(story)))

    for post in db.session.scalars(select(Post)):
        shown = buttons(tree, post)
        assert list(shown) == KINDS
        assert [b.text for b in shown.values()] == ["Sending support", "Me too", "Thank you"]
        assert all(b.get("aria-pressed") == "false" for b in shown.values())
        assert all(b.get("type") == "submit" for b in shown.values())
        (form,) = bar(tree, post).iter("form")
        assert form.get("method") == "post" and form.get("action") == react_url(post)
        assert form.get("data-hx-post") == react_url(post)
        assert [b.get("value") for b in form.iter("button")] == KINDS
        assert folded(shown["support"]) is None
        fold = folded(shown["me-too"])
        assert fold is not None and fold is folded(shown["thank-you"])
        assert "open" not in fold.attrs
        assert fold.find("summary").text == "More reactions"


def folded(button: Element) -> Element | None:
    """The details element `button` is folded in, if any."""
    return next((up for up in button.ancestors() if up.tag == "details"), None)


def test_the_folded_kinds_say_their_counts(app, harbours_phone, story):
    """Folded or not, every count can be read: the fold's summary says the others'."""
    add_reactions(story, ReactionKind.THANK_YOU, "Ash", "Birch")
    add_reactions(story, ReactionKind.SUPPORT, "Cedar")

    for client in (harbours_phone, device(app)):
        shown = bar(page(client, thread_url(thread_of(story))), story)
        if client is harbours_phone:
            assert shown.find("summary").text == "More reactions · Thank you 2"
            assert buttons(page(client, thread_url(thread_of(story))), story)["support"].text == (
                "Sending support · 1"
            )
        else:
            assert [s.text for s in shown.find_all("span", class_="reaction")] == [
                "Sending support · 1",
                "Thank you · 2",
            ]


def test_after_pressing_a_folded_kind_with_htmx_its_fold_stays_open(harbours_phone, story):
    """htmx gives the focus back to the button pressed: a folded one must still be in sight."""
    folded_kind = parse(html_of(press(harbours_phone, story, "thank-you", headers=PARTIAL)))
    in_sight = parse(html_of(press(harbours_phone, story, "support", headers=PARTIAL)))

    assert "open" in folded(buttons(folded_kind, story)["thank-you"]).attrs
    assert "open" not in folded(buttons(in_sight, story)["thank-you"]).attrs


def test_nothing_on_a_thread_scores_or_ranks(harbours_phone, story):
    """No downvotes, scores or karma anywhere on a thread."""
    add_reactions(story, ReactionKind.SUPPORT, "Ash", "Birch")

    for client in (harbours_phone, device(harbours_phone.application)):
        text = visible_text(html_of(client.get(thread_url(thread_of(story))))).lower()
        for word in ("downvote", "upvote", "dislike", "score", "karma", "points"):
            assert word not in text, word


@pytest.mark.parametrize("kind", KINDS)
def test_a_reaction_is_toggled_with_a_plain_form(harbours_phone, story, kind):
    """Without JavaScript, a reaction button adds the reaction, and pressing it again takes it
    back."""
    response = press(harbours_phone, story, kind)

    assert response.status_code == 303
    assert location(response) == f"{thread_url(thread_of(story))}#p{story.id}"
    assert count(Reaction) == 1
    shown = buttons(page(harbours_phone, thread_url(thread_of(story))), story)[kind]
    assert shown.get("aria-pressed") == "true"
    assert shown.find("span", class_="count").text == "· 1"

    press(harbours_phone, story, kind)

    assert count(Reaction) == 0
    shown = buttons(page(harbours_phone, thread_url(thread_of(story))), story)[kind]
    assert shown.get("aria-pressed") == "false"
    assert shown.find("span", class_="count") is None


def test_a_reaction_is_toggled_with_htmx_and_the_bar_comes_back_updated(harbours_phone, story):
    """With htmx the reaction bar is replaced in place with the new count and state."""
    add_reactions(story, ReactionKind.ME_TOO, "Ash", "Birch")

    response = press(harbours_phone, story, "me-too", headers=PARTIAL)

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and "site-header" not in html
    tree = parse(html)
    assert tree.elements[0].get("id") == f"reactions-{story.id}", "it replaces the bar whole"
    shown = buttons(tree, story)
    assert shown["me-too"].get("aria-pressed") == "true"
    assert shown["me-too"].find("span", class_="count").text == "· 3"
    assert shown["support"].get("aria-pressed") == "false"

    again = parse(html_of(press(harbours_phone, story, "me-too", headers=PARTIAL)))

    assert buttons(again, story)["me-too"].get("aria-pressed") == "false"
    assert buttons(again, story)["me-too"].find("span", class_="count").text == "· 2"


def test_each_member_counts_once_and_sees_their_own(app, harbours_phone, story):
    """Counts add up members' reactions; each sees which are their own."""
    other = signed_in(app, make_member("Ash"))

    press(harbours_phone, story, "support")
    press(other, story, "support")
    press(other, story, "thank-you")

    mine = buttons(page(harbours_phone, thread_url(thread_of(story))), story)
    assert mine["support"].get("aria-pressed") == "true"
    assert mine["support"].find("span", class_="count").text == "· 2"
    assert mine["thank-you"].get("aria-pressed") == "false"
    assert mine["thank-you"].find("span", class_="count").text == "· 1"


def test_guests_see_the_counts_but_no_buttons(app, story):
    """Guests see how many reactions a post has, and no buttons."""
    add_reactions(story, ReactionKind.THANK_YOU, "Ash", "Birch", "Cedar")

    tree = page(device(app), thread_url(thread_of(story)))

    shown = bar(tree, story)
    assert shown.find("form") is None and shown.find("button") is None
    assert [s.text for s in shown.find_all("span", class_="reaction")] == ["Thank you · 3"]


def test_a_guest_cannot_react_and_is_asked_to_log_in(app, story):
    """A guest's reaction is not recorded; they are asked to log in."""
    visitor = device(app)
    token = csrf_token(visitor)

    response = visitor.post(react_url(story), data={"kind": "support", "csrf_token": token})

    assert response.status_code == 302
    assert location(response).startswith("/login?next=")
    assert count(Reaction) == 0


@pytest.mark.parametrize("kind", ["downvote", "", "SUPPORT", "support ", "score"])
def test_only_the_supportive_kinds_exist(harbours_phone, story, kind):
    """Any other kind of reaction is refused."""
    response = harbours_phone.post(
        react_url(story), data={"kind": kind, "csrf_token": csrf_token(harbours_phone)}
    )

    assert response.status_code == 400
    assert count(Reaction) == 0


def test_a_reaction_needs_the_forms_token(harbours_phone, story):
    """A reaction sent without the form's token is refused."""
    csrf_token(harbours_phone)  # the member has a session with a token; this request lacks it

    response = harbours_phone.post(react_url(story), data={"kind": "support"})

    assert response.status_code == 400
    assert count(Reaction) == 0


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("locked", "This thread is locked and takes no new reactions."),
        ("waiting", "This post is waiting for a moderator, and takes no reactions yet."),
        ("removed", "The moderators removed this post: it takes no reactions."),
    ],
)
def test_a_post_closed_to_answers_takes_no_reactions_and_offers_none(
    harbour, harbours_phone, story, state, message
):
    """In a locked thread, waiting for a moderator (seen by its own author only) or removed: no
    reaction buttons, and a reaction sent anyway is refused with the reason."""
    thread = db.session.get(Thread, story.thread_id)
    if state == "locked":
        thread.locked = True
    elif state == "waiting":
        story.awaiting_approval = True
        story.author_id = harbour.id
    else:
        story.removed_at = utcnow()
    db.session.commit()

    tree = page(harbours_phone, thread_url(thread))
    response = harbours_phone.post(
        react_url(story), data={"kind": "support", "csrf_token": csrf_token(harbours_phone)}
    )

    shown = tree.by_id(f"p{story.id}")
    assert shown.find("button", class_="reaction") is None
    assert response.status_code == 403
    assert message in html_of(response)
    assert count(Reaction) == 0


def test_a_deleted_post_takes_no_reactions(harbours_phone, story):
    """A deleted post takes no reactions."""
    story.deleted_by_author_at = utcnow()
    db.session.commit()

    response = harbours_phone.post(
        react_url(story), data={"kind": "support", "csrf_token": csrf_token(harbours_phone)}
    )

    assert response.status_code == 403
    assert "deleted" in html_of(response)
    assert count(Reaction) == 0


def test_reacting_to_a_post_that_does_not_exist_is_not_found(harbours_phone, story):
    """Reacting to a post that doesn't exist is a 404."""
    response = harbours_phone.post(
        "/p/999999/react", data={"kind": "support", "csrf_token": csrf_token(harbours_phone)}
    )

    assert response.status_code == 404


def test_counts_never_tell_who_reacted(app, story):
    """Counts never say who reacted, to guests, members or the reactors themselves."""
    reactors = ["Ashgrove", "Birchwood", "Cedarfall"]
    add_reactions(story, ReactionKind.SUPPORT, *reactors)
    reader = signed_in(app, make_member("Reader"))
    one_of_them = signed_in(app, db.session.scalar(select_member("Ashgrove")))

    pages = [
        html_of(client.get(thread_url(thread_of(story)), headers=headers))
        for client in (device(app), reader, one_of_them)
        for headers in ({}, PARTIAL)
    ]
    pages.append(html_of(press(reader, story, "support", headers=PARTIAL)))

    for html in pages:
        for name in reactors[1:]:
            assert name not in html
        if "Ashgrove" in html:  # only in Ashgrove's own menu, never beside the reactions
            assert "Ashgrove" not in bar(parse(html), story).text


def select_member(pseudonym: str):
    return select(User).where(User.pseudonym == pseudonym)


def test_the_thread_page_costs_the_same_however_many_reactions(app, count_queries):
    """A busy thread with many reactions loads with as many SQL statements as a quiet one."""
    reader_user = make_member("Reader")
    others = [make_member(f"Member{n}") for n in range(5)]

    def thread_with(replies: int, reactions_each: int) -> str:
        opening = start_thread(ThreadKind.STORY, f"Thread {replies}", "Hello.", others[0])
        posts = [opening]
        for number in range(replies):
            posts.append(reply(posts[number // 2], others[number % 5], f"Reply {number}"))
        for post in posts:
            for who in [reader_user, *others][:reactions_each]:
                db.session.add(Reaction(post_id=post.id, user_id=who.id, kind="support"))
                db.session.add(Reaction(post_id=post.id, user_id=who.id, kind="me-too"))
        db.session.commit()
        return thread_url(thread_of(opening))

    quiet, busy = thread_with(2, 1), thread_with(40, 6)
    reader = signed_in(app, reader_user)

    def statements(url: str) -> int:
        db.session.remove()
        with count_queries() as seen:
            assert reader.get(url).status_code == 200
        return len(seen)

    assert statements(busy) == statements(quiet)
    tree = page(reader, busy)
    pressed = [b for b in tree.iter("button") if b.get("aria-pressed") == "true"]
    assert len(pressed) == 41 * 2


def test_a_member_reading_a_thread_triggers_no_deprecated_api(harbours_phone, story):
    """A member's thread page uses no API the next SQLAlchemy release removes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert harbours_phone.get(thread_url(thread_of(story))).status_code == 200

    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
