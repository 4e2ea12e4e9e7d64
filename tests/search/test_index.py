"""The index follows every write of a post's text or state, and every new title, whatever code
makes it: the database's own triggers keep it (forum/search/index.py). Removed and deleted text
is never in it, whoever would search."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from support.content import reply, start_thread, thread_of
from support.members import make_member
from support.search import assert_index_consistent, indexed, search_hits

from forum.accounts.members import delete_account
from forum.database import db
from forum.models import Post, PostRevision, RemovalReason, Role, ThreadKind
from forum.moderation.actions import remove_post, restore_post

NO_GRACE = timedelta(0)


@pytest.fixture
def moderator(app):
    return make_member("Cedar", Role.MODERATOR, days_old=90)


def test_a_new_thread_is_found_by_its_title_and_its_text_a_reply_by_its_text(wren):
    opening = start_thread(title="Lanterns in winter", body="I could not sleep.", author=wren)
    answer = reply(opening, make_member("Hazel"), "The harbour at dawn helped me.")

    assert indexed("lanterns") == {opening.id}
    assert indexed("sleep") == {opening.id}
    assert indexed("lanterns sleep") == {opening.id}, "every word, in the title or the text"
    assert indexed("harbour") == {answer.id}
    assert indexed("lanterns harbour") == set(), "a reply isn't found by its thread's title"
    assert_index_consistent()


def test_words_are_found_by_their_stem_and_their_beginning(wren):
    opening = start_thread(title="After", body="She kept running and grieving.", author=wren)

    assert indexed("runs") == {opening.id}
    assert indexed("grieve") == {opening.id}
    assert opening.id in search_hits("griev")  # still being typed


@pytest.mark.parametrize("grace", [timedelta(hours=1), NO_GRACE], ids=["typo-fix", "edit"])
def test_an_edit_replaces_the_words_found(wren, grace):
    opening = start_thread(title="Mornings", body="Tea on the balcony.", author=wren)

    opening.edit("Coffee by the window.", None, grace)
    db.session.commit()

    assert indexed("balcony") == set()
    assert indexed("coffee window") == {opening.id}
    if grace == NO_GRACE:
        assert db.session.scalar(select(PostRevision.body)) == "Tea on the balcony."
    assert_index_consistent()


def test_a_new_title_is_found_and_the_old_one_is_not(wren):
    opening = start_thread(title="Mornings", body="Tea on the balcony.", author=wren)
    answer = reply(opening, make_member("Hazel"), "Mornings are hard here too.")

    opening.edit_opening(thread_of(opening), "Evenings", "Tea on the balcony.", None, NO_GRACE)
    db.session.commit()

    assert indexed("mornings") == {answer.id}
    assert indexed("evenings balcony") == {opening.id}
    assert_index_consistent()


def test_removed_text_leaves_the_index_and_comes_back_when_restored(wren, moderator):
    opening = start_thread(title="Lanterns", body="A quiet harbour.", author=wren)
    answer = reply(opening, make_member("Hazel"), "Another harbour story.")

    remove_post(moderator, answer, RemovalReason.SPAM)
    remove_post(moderator, opening, RemovalReason.HARMFUL)
    db.session.commit()

    assert indexed("harbour") == set()
    assert indexed("lanterns") == set()
    assert db.session.get(Post, answer.id).body == "Another harbour story.", "moderators keep it"
    assert_index_consistent()

    restore_post(moderator, db.session.get(Post, answer.id))
    db.session.commit()

    assert indexed("harbour") == {answer.id}
    assert_index_consistent()


def test_a_post_deleted_by_its_author_leaves_the_index(wren):
    opening = start_thread(title="Lanterns", body="A quiet harbour.", author=wren)
    answer = reply(opening, wren, "Another harbour story.")

    answer.delete_by_author()
    db.session.commit()

    assert indexed("harbour") == {opening.id}
    assert indexed("another") == set()
    assert_index_consistent()


@pytest.mark.parametrize("erase_posts", [True, False])
def test_an_erased_account_takes_its_words_and_titles_with_it(wren, erase_posts):
    hazel = make_member("Hazel")
    story = start_thread(ThreadKind.STORY, "Lanterns at night", "A quiet harbour.", hazel)
    answer = reply(story, hazel, "Another harbour story.", anonymous=True)
    kept = reply(story, wren, "Thank you for the harbour.")

    delete_account(hazel, erase_posts=erase_posts)
    db.session.commit()

    if erase_posts:
        assert indexed("harbour") == {kept.id}
        assert indexed("lanterns") == indexed("deleted") == set()
    else:
        assert indexed("harbour") == {story.id, answer.id, kept.id}
        assert indexed("lanterns") == {story.id}
    assert_index_consistent()


def test_any_writer_keeps_the_index_current(wren):
    """A bulk UPDATE, and SQL typed by hand, reach the index as the models' own writes do."""
    opening = start_thread(title="Lanterns", body="A quiet harbour.", author=wren)
    answer = reply(opening, wren, "Another story.")

    db.session.execute(update(Post).where(Post.id == answer.id).values(body="A lighthouse."))
    db.session.execute(
        text("UPDATE thread SET title = 'Beacons' WHERE id = :id"), {"id": opening.thread_id}
    )
    db.session.commit()

    assert indexed("lighthouse") == {answer.id}
    assert indexed("beacons harbour") == {opening.id}
    assert indexed("lanterns") == set()
    assert_index_consistent()


def test_a_post_waiting_for_a_moderator_is_indexed_for_those_who_may_see_it(wren):
    """Its author and staff may find it: who may see what is the policy's, at query time
    (tests/search/test_visibility.py)."""
    opening = start_thread(title="Lanterns", body="A quiet harbour.", author=wren)
    waiting = reply(opening, make_member("Newt"), "My first harbour.", awaiting_approval=True)

    assert waiting.id in indexed("harbour")
    assert_index_consistent()
