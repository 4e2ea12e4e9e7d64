"""Replies new since a member's last visit: marked in words and style on the thread's pages,
the first one linked from the top (without JavaScript too, onto the right page of a long
thread), and the member's place moved on by one small row per visit at most. Guests never
write (tests/web/test_reads_write_nothing.py)."""

import re
import threading

import pytest
from support.clients import PARTIAL, signed_in
from support.content import reply, thread_of, thread_url
from support.following import jump_link, marked_new, place
from support.members import make_member
from support.pages import page, parse

from forum.database import db
from forum.following.places import note_read
from forum.models import Mute, ThreadReader

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def writes_of(count_queries, client, url: str, **kwargs) -> list[str]:
    """The statements a request for `url` writes."""
    with count_queries() as statements:
        assert client.get(url, **kwargs).status_code == 200
    return [s for s in statements if WRITES.match(s)]


def test_a_first_visit_marks_nothing_and_notes_where_the_member_is(
    app, story, hazel, sorrel, count_queries
):
    answers = [reply(story, hazel, "I hear you."), reply(story, hazel, "Me too.")]
    phone = signed_in(app, sorrel)

    tree = page(phone, thread_url(thread_of(story)))

    assert marked_new(tree) == []
    assert jump_link(tree) is None
    assert place(sorrel, story).last_seen_post_id == answers[-1].id
    assert place(sorrel, story).following is None, "reading follows nothing"


def test_replies_since_the_last_visit_are_marked_and_the_first_is_linked(app, story, hazel, sorrel):
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    seen = reply(story, hazel, "Before Sorrel came.")
    page(phone, url)
    first = reply(story, hazel, "After.")
    mine = reply(first, sorrel, "My own answer, never new to me.")
    second = reply(seen, hazel, "An answer to an earlier reply.")

    tree = page(phone, url)

    # In reading order: `second` hangs under the earlier reply, so it comes first.
    assert marked_new(tree) == [second.id, first.id]
    link = jump_link(tree)
    assert link.text == "Jump to the first new reply (2 new)"
    assert link.get("href") == f"#p{second.id}", "on this page: its own anchor"
    assert mine.id not in marked_new(tree)
    assert place(sorrel, story).last_seen_post_id == second.id

    again = page(phone, url)
    assert marked_new(again) == [] and jump_link(again) is None, "read now"


def test_one_new_reply_is_said_so(app, story, hazel, sorrel):
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    page(phone, url)
    answer = reply(story, hazel, "Only one.")

    link = jump_link(page(phone, url))

    assert link.text == "Jump to the new reply (1 new)"
    assert link.get("href") == f"#p{answer.id}"


def test_gone_and_muted_replies_are_not_new(app, story, hazel, sorrel):
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    page(phone, url)
    db.session.add(Mute(muter_id=sorrel.id, muted_id=hazel.id))
    muted = reply(story, hazel, "From someone Sorrel muted.")
    withdrawn = reply(story, make_member("Bracken"), "Taken back.")
    reply(withdrawn, make_member("Tea"), "Keeps the tombstone in place.")
    withdrawn.delete_by_author()
    hidden = reply(story, hazel, "Anonymous: folding it would say whose it is.", anonymous=True)
    db.session.commit()

    tree = page(phone, url)

    new = marked_new(tree)
    assert muted.id not in new and withdrawn.id not in new
    assert hidden.id in new
    assert jump_link(tree).text == "Jump to the first new reply (2 new)"


def test_a_visit_writes_one_small_row_at_most_and_nothing_when_current(
    app, story, hazel, sorrel, count_queries
):
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    reply(story, hazel, "Hello.")

    first = writes_of(count_queries, phone, url)
    current = writes_of(count_queries, phone, url)
    reply(story, hazel, "Again.")
    later = writes_of(count_queries, phone, url)

    for writes in (first, later):
        assert len(writes) == 1, writes
        assert re.match(r"\s*INSERT INTO thread_reader\b.*ON CONFLICT", writes[0], re.S | re.I)
    assert current == []


def test_a_place_never_moves_back(app, story, hazel, sorrel):
    """Two tabs: the one that loaded the older page notes it last; the place stays where the
    newer one put it."""
    answers = [reply(story, hazel, f"Answer {n}") for n in range(3)]
    db.session.add(ThreadReader(user_id=sorrel.id, thread_id=story.thread_id))
    db.session.commit()
    stale = place(sorrel, story)
    db.session.expunge(stale)  # as the first tab read it: never read before
    db.session.execute(
        ThreadReader.__table__.update().values(last_seen_post_id=answers[2].id)
    )  # the second tab's visit
    db.session.commit()

    with app.test_request_context():
        note_read(sorrel, stale, story.thread_id, [story, answers[0]])

    assert place(sorrel, story).last_seen_post_id == answers[2].id


def test_tabs_at_once_all_move_the_place_on(app, story, hazel, sorrel):
    """Pages of one thread read at the same moment, as replies come: none fails, and the place
    ends at the newest reply."""
    url = thread_url(thread_of(story))
    phones = [signed_in(app, sorrel) for _ in range(3)]
    failures: list[str] = []

    def read(phone) -> None:
        with app.app_context():
            for _ in range(5):
                status = phone.get(url).status_code
                if status != 200:
                    failures.append(str(status))

    readers = [threading.Thread(target=read, args=(phone,)) for phone in phones]
    for reader in readers:
        reader.start()
    arriving = [reply(story, hazel, f"Arriving {n}") for n in range(5)]
    for reader in readers:
        reader.join()
    before = place(sorrel, story).last_seen_post_id
    newest = page(phones[0], url)  # after every reply: what the tabs didn't see is new

    assert failures == []
    assert marked_new(newest) == [answer.id for answer in arriving if answer.id > before]
    assert place(sorrel, story).last_seen_post_id == arriving[-1].id


def test_a_post_in_context_marks_and_notes_as_the_thread_does(app, story, hazel, sorrel):
    app.config["MAX_VISIBLE_DEPTH"] = 2
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    chain = [reply(story, hazel, "Level 1")]
    for level in range(2, 5):
        chain.append(reply(chain[-1], hazel, f"Level {level}"))
    page(phone, url)
    # Levels 3 and 4 are too deep for the thread's page: the place stops at what it showed.
    assert place(sorrel, story).last_seen_post_id == chain[1].id
    deeper = reply(chain[3], hazel, "Level 5")

    tree = page(phone, url)
    link = jump_link(tree)
    assert link.text == "Jump to the first new reply (3 new)"
    assert link.get("href") == f"/p/{chain[2].id}?since={chain[1].id}#p{chain[2].id}"

    continued = page(phone, link.get("href"))
    assert marked_new(continued) == [chain[2].id, chain[3].id, deeper.id]
    assert place(sorrel, story).last_seen_post_id == deeper.id


@pytest.fixture
def long_thread(app, story, hazel, sorrel):
    """Wren's story with 7 answers, pages of 3 branches; Sorrel has read it all once."""
    app.config["REPLIES_PER_PAGE"] = 3
    answers = [reply(story, hazel, f"Answer {n}", commit=False) for n in range(7)]
    db.session.commit()
    phone = signed_in(app, sorrel)
    url = thread_url(thread_of(story))
    while url:
        tree = page(phone, url)
        more = tree.by_id("more-replies")
        url = more.find("a").get("href") if more is not None else None
    assert place(sorrel, story).last_seen_post_id == answers[-1].id
    return answers, phone


def more_link(tree) -> str:
    return tree.by_id("more-replies").find("a").get("href")


def test_later_pages_of_a_visit_keep_their_marks(app, story, hazel, sorrel, long_thread):
    """The first page moves the place on past replies on later pages; the visit's links carry
    where it began, so that those pages still mark them (the htmx "Show more" too)."""
    answers, phone = long_thread
    on_page_two = reply(answers[4], hazel, "New, on the second page")
    on_page_one = reply(answers[0], hazel, "New, on the first page")
    url = thread_url(thread_of(story))

    first = page(phone, url)
    assert marked_new(first) == [on_page_one.id]
    assert jump_link(first).text == "Jump to the first new reply (2 new)"
    assert place(sorrel, story).last_seen_post_id == on_page_one.id
    more = more_link(first)
    assert more == f"{url}?from={answers[3].id}&since={answers[-1].id}"

    assert marked_new(page(phone, more)) == [on_page_two.id]
    assert marked_new(parse(phone.get(more, headers=PARTIAL).get_data(as_text=True))) == [
        on_page_two.id
    ], "the same page, brought in by htmx"
    assert marked_new(page(phone, url)) == [], "a new visit: all read"


def test_the_jump_link_lands_on_the_page_that_shows_the_reply(
    app, story, hazel, sorrel, long_thread
):
    """Without JavaScript: a plain link to the page of a later branch, which marks it."""
    answers, phone = long_thread
    latest = reply(answers[5], hazel, "New, two pages on")
    url = thread_url(thread_of(story))

    first = page(phone, url)
    link = jump_link(first)
    assert marked_new(first) == []
    assert link.text == "Jump to the new reply (1 new)"
    assert link.get("href") == f"{url}?from={answers[5].id}&since={answers[-1].id}#p{latest.id}"

    landed = page(phone, link.get("href").split("#")[0])
    assert marked_new(landed) == [latest.id]
    assert landed.by_id(link.get("href").split("#")[1]) is not None
    assert place(sorrel, story).last_seen_post_id == latest.id


def test_a_guests_page_has_no_marks_and_ignores_since(client, story, hazel):
    reply(story, hazel, "Hello.")
    url = thread_url(thread_of(story))

    tree = page(client, f"{url}?since=1")

    assert marked_new(tree) == []
    assert jump_link(tree) is None
    assert db.session.scalar(db.select(db.func.count()).select_from(ThreadReader)) == 0


def test_a_since_that_is_no_id_is_not_found(app, story, sorrel):
    phone = signed_in(app, sorrel)

    assert phone.get(f"{thread_url(thread_of(story))}?since=soon").status_code == 404
