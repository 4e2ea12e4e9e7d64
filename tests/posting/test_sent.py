"""After posting, one true word on what became of the post, where its writer is looking: beside
the post, with htmx and without, saying whether it waits for a moderator or everyone can read
it. And replies counted one way everywhere: the replies everyone can read, with the thread page
adding those waiting for a moderator that its reader can see."""

import pytest
from flask import Flask
from support.clients import PARTIAL
from support.content import opening_of, thread_url
from support.forms import compose, csrf_token, reply_through_form, send_reply, share_story
from support.members import make_member
from support.moderation import Community, approve, community, remove, restore, send
from support.pages import Element, card, html_of, location, notice, page, parse
from support.rows import fresh

from forum.accounts.members import delete_account
from forum.database import db
from forum.models import Post, Thread, User

HELD = "Sent. A moderator will look at it before others can see it."
PUBLISHED = "Sent. Everyone can read it now."


@pytest.fixture
def town(app: Flask) -> Community:
    """A story with two replies (town.harsh, and town.answer under it)."""
    return community(app)


@pytest.fixture
def newcomer(town: Community):
    return make_member("Newcomer")


@pytest.fixture
def first_posts_wait(app: Flask) -> None:
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1


def statuses(tree: Element) -> list[str]:
    return [element.text for element in tree.iter() if element.get("role") == "status"]


def heading(tree: Element) -> str:
    found = tree.by_id("replies-heading")
    assert found is not None
    return found.text


def lands_on(client, response) -> Element:
    """The page a plain form's redirect leads to (its #anchor is the post)."""
    assert response.status_code == 303, html_of(response)
    return page(client, location(response))


# --- Without JavaScript --------------------------------------------------------------------


@pytest.mark.parametrize("waits", [False, True], ids=["published", "held"])
def test_a_reply_sent_without_javascript_says_what_became_of_it_beside_it(
    app, town, newcomer, waits
):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1 if waits else 0
    mine = town.device(newcomer)
    response = send_reply(mine, town.story.id, "You are not alone.")
    new_id = int(location(response).rsplit("#p", 1)[1])

    tree = lands_on(mine, response)

    said = HELD if waits else PUBLISHED
    assert statuses(tree) == [said], "one message, and only one"
    article = card(tree, new_id)
    assert said in article.text
    assert article.get("aria-describedby") == f"p{new_id}-sent"
    assert article.find("p", class_="pending") is None, "no second message"
    assert notice(tree) == "", "said beside the post, not at the top of the page"
    # Said once: the page seen again shows the post as it stands.
    again = page(mine, location(response))
    assert statuses(again) == []
    assert (card(again, new_id).find("p", class_="pending") is not None) == waits


@pytest.mark.parametrize("waits", [False, True], ids=["published", "held"])
def test_a_story_shared_without_javascript_says_what_became_of_it(app, town, newcomer, waits):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 1 if waits else 0
    mine = town.device(newcomer)

    response = compose(mine, "story", title="Where I am now", body="Better, mostly.")
    tree = lands_on(mine, response)

    said = HELD if waits else PUBLISHED
    assert statuses(tree) == [said]
    opening = tree.find("article", class_="opening")
    assert said in opening.text
    assert opening.find("p", class_="pending") is None


def test_a_message_for_another_page_is_still_shown_at_the_top(app, town, newcomer):
    """Only the post's own word moved: a plain message still shows where it did."""
    mine = town.device(newcomer)
    mine.csrf_token = csrf_token(mine, "/settings")  # read now: any page shows the messages
    reply_through_form(mine, town.story.id, "Thank you.")

    send(mine, f"/u/{town.another.pseudonym}/mute")  # a plain message, for the next page
    tree = page(mine, town.thread_url)

    assert (
        notice(tree)
        == f"You muted {town.another.pseudonym}. Their posts fold away for you; they aren't told."
    )
    assert len(statuses(tree)) == 2  # the reply's word beside it, and the message above


# --- With htmx -----------------------------------------------------------------------------


@pytest.mark.usefixtures("first_posts_wait")
def test_a_held_reply_sent_with_htmx_says_one_true_thing(town, newcomer):
    response = send_reply(town.device(newcomer), town.story.id, "Me too.", headers=PARTIAL)

    tree = parse(html_of(response))
    assert statuses(tree) == [HELD]
    text = tree.text
    assert "posted" not in text and "Waiting for a moderator" not in text
    # The heading counts what the writer sees: the two replies, and theirs apart.
    assert heading(tree) == "2 replies and 1 waiting for a moderator"


@pytest.mark.usefixtures("first_posts_wait")
def test_a_held_first_reply_never_sits_under_0_replies(town, newcomer):
    lonely = share_story(town.device(town.author), title="Anyone?", body="Hello?")
    opening = opening_of(lonely)

    inline = parse(html_of(send_reply(town.device(newcomer), opening.id, "Hi.", headers=PARTIAL)))
    assert heading(inline) == "1 reply waiting for a moderator"

    url = thread_url(lonely)
    assert heading(page(town.device(newcomer), url)) == "1 reply waiting for a moderator"
    assert heading(page(town.device(town.moderator), url)) == "1 reply waiting for a moderator"
    assert heading(page(town.device(town.another), url)) == "0 replies"
    assert heading(page(town.device(None), url)) == "0 replies"


# --- One count ---------------------------------------------------------------------------


def listed_count(client, title: str) -> str:
    """What the home page says of a thread's replies."""
    item = next(
        i for i in page(client, "/").find_all("li", class_="thread-item") if title in i.text
    )
    return item.find("p", class_="meta").text


def test_replies_are_counted_alike_in_listings_and_on_the_thread(town):
    guest = town.device(None)
    moderator = town.device(town.moderator)
    title = town.thread.title

    def shown() -> tuple[str, bool]:
        return heading(page(guest, town.thread_url)), "2 replies" in listed_count(guest, title)

    assert shown() == ("2 replies", True)

    remove(moderator, town.harsh, "harassment")  # a tombstone now; its answer stands
    assert fresh(Thread, town.thread.id).reply_count == 1
    assert heading(page(guest, town.thread_url)) == "1 reply"
    assert "1 reply" in listed_count(guest, title)

    restore(moderator, fresh(Post, town.harsh.id))
    assert fresh(Thread, town.thread.id).reply_count == 2
    remove(moderator, fresh(Post, town.harsh.id), "harassment")
    remove(moderator, fresh(Post, town.harsh.id), "harassment")  # twice: counted once
    assert fresh(Thread, town.thread.id).reply_count == 1


def test_a_waiting_reply_counts_once_approved_and_not_if_removed(app, town, newcomer):
    app.config["FIRST_POSTS_NEED_APPROVAL"] = 2
    moderator = town.device(town.moderator)
    mine = town.device(newcomer)
    kept = reply_through_form(mine, town.story.id, "One.")
    spam = reply_through_form(mine, town.story.id, "Two.")

    remove(moderator, spam, "spam")
    approve(moderator, kept)
    restore(moderator, fresh(Post, spam.id))  # back, and still waiting: not counted

    assert fresh(Thread, town.thread.id).reply_count == 3


def test_an_erased_account_leaves_its_replies_uncounted(town):
    delete_account(db.session.get(User, town.another.id), erase_posts=True)
    db.session.commit()

    assert fresh(Thread, town.thread.id).reply_count == 1
    assert heading(page(town.device(None), town.thread_url)) == "1 reply"


def test_a_part_of_a_page_for_htmx_leaves_the_word_for_the_whole_page(town, newcomer):
    """Posts drawn for htmx in between (here, the thread's content) don't use up the word."""
    mine = town.device(newcomer)
    response = send_reply(mine, town.story.id, "You are not alone.")

    mine.get(town.thread_url, headers=PARTIAL)

    assert statuses(lands_on(mine, response)) == [PUBLISHED]
