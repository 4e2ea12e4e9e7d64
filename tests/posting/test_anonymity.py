"""Anonymous posts: a per-thread alias such as "Anonymous Heron", stable inside one thread,
unlinkable across threads, never shared by two authors, never leading back to the account."""

from itertools import pairwise

import pytest
from support.clients import PARTIAL, device
from support.content import start_thread, thread_of, thread_url
from support.forms import log_in
from support.members import make_member
from support.pages import ALIAS, parse

from forum.anonymity import ANIMALS, alias_for
from forum.database import db
from forum.models import Post, ThreadKind, User


def anonymous_reply(post: Post, author: User, body: str = "Same here.") -> Post:
    answer = post.reply(author, body, anonymous=True)
    db.session.commit()
    return answer


def byline(html: str, post: Post):
    """Who wrote `post`, as its page shows it."""
    page = parse(html)
    if post.parent_id is None:
        return page.find("article", class_="opening").find("p", class_="byline")
    return page.by_id(f"p{post.id}-by")


def test_an_author_keeps_one_alias_across_their_posts_in_a_thread(app):
    """Readers can follow one anonymous person's part in a conversation."""
    story = start_thread(title="A hard winter")
    author = make_member("quiet_one")
    others = [make_member(f"other_{n}") for n in range(6)]

    mine = [anonymous_reply(story, author, "First.")]
    for other in others[:3]:
        anonymous_reply(story, other)
    mine.append(anonymous_reply(mine[0], author, "Second."))
    for other in others[3:]:
        anonymous_reply(mine[1], other)
    mine.append(anonymous_reply(story, author, "Third."))

    assert len({post.anon_alias for post in mine}) == 1
    assert ALIAS.fullmatch(mine[0].anon_alias)
    others_aliases = {
        post.anon_alias
        for post in db.session.query(Post).filter(Post.author_id.in_([o.id for o in others]))
    }
    assert mine[0].anon_alias not in others_aliases


def test_aliases_do_not_link_an_author_across_threads(app):
    """Knowing someone's alias in one thread tells nothing about their alias in another."""
    secret = app.config["SECRET_KEY"]
    users, threads = range(1, 31), range(1, 21)
    names = {(u, t): alias_for(secret, u, t) for u in users for t in threads}

    for user in users:
        assert len({names[user, t] for t in threads}) >= 8, user
    # Nor does any fixed shift between two people's aliases carry from thread to thread.
    index = {(u, t): ANIMALS.index(names[u, t].removeprefix("Anonymous ")) for u, t in names}
    for first, second in pairwise(users):
        shifts = {(index[first, t] - index[second, t]) % len(ANIMALS) for t in threads}
        assert len(shifts) > 1, (first, second)


def test_the_same_member_appears_under_different_aliases_in_different_threads(app):
    author = make_member("quiet_one")
    aliases = set()
    for number in range(6):
        story = start_thread(title=f"Story {number}")
        aliases.add(anonymous_reply(story, author).anon_alias)

    assert len(aliases) >= 3


def test_aliases_depend_on_the_sites_secret_key(app):
    """Without the server's key nobody can compute who is behind an alias."""
    pairs = [(u, t) for u in range(1, 21) for t in range(1, 21)]
    ours = [alias_for("test-secret-key", u, t) for u, t in pairs]
    theirs = [alias_for("another key entirely", u, t) for u, t in pairs]

    same = sum(a == b for a, b in zip(ours, theirs, strict=True))
    assert same < len(pairs) // 5


def test_the_same_inputs_always_give_the_same_alias(app):
    secret = app.config["SECRET_KEY"]
    taken = {alias_for(secret, n, 3) for n in range(10, 30)}

    for user in range(1, 10):
        assert alias_for(secret, user, 3, taken) == alias_for(secret, user, 3, set(taken))
        assert alias_for(secret, user, 3, taken) not in taken


def test_a_collision_goes_to_whoever_posted_first_and_resolves_the_same_way_again(app):
    """Two authors whose hash lands on one animal: the first keeps it, the second gets
    another, and the same arrivals always give the same names."""
    story = start_thread(title="Crowded")
    thread_id = story.thread_id
    secret = app.config["SECRET_KEY"]
    authors = [make_member(f"person_{n}") for n in range(40)]
    first_choice = {}
    for author in authors:
        first_choice.setdefault(alias_for(secret, author.id, thread_id), []).append(author)
    early, late = next(group for group in first_choice.values() if len(group) > 1)[:2]

    a = anonymous_reply(story, early)
    b = anonymous_reply(story, late)

    assert a.anon_alias == alias_for(secret, early.id, thread_id)
    assert b.anon_alias != a.anon_alias
    assert b.anon_alias == alias_for(secret, late.id, thread_id, {a.anon_alias})


def test_no_two_authors_share_an_alias_even_in_a_crowded_thread(app, client):
    """120 anonymous people in one thread (more than there are animals): 120 names, each
    exactly what the order of arrival gives, and each shown on the page."""
    app.config["REPLIES_PER_PAGE"] = 200  # every reply on one page
    story = start_thread(title="Everyone at once")
    secret = app.config["SECRET_KEY"]
    authors = [make_member(f"person_{n}") for n in range(120)]

    given = [anonymous_reply(story, author).anon_alias for author in authors]

    assert len(set(given)) == 120
    expected, taken = [], set()
    for author in authors:
        expected.append(alias_for(secret, author.id, story.thread_id, taken))
        taken.add(expected[-1])
    assert given == expected
    # Coming back later, each keeps their own.
    assert anonymous_reply(story, authors[0]).anon_alias == given[0]
    assert anonymous_reply(story, authors[-1]).anon_alias == given[-1]
    page = parse(client.get(thread_url(thread_of(story))).get_data(as_text=True))
    shown = [span.text for span in page.find_all("span", class_="author-anonymous")]
    assert len(shown) == 122 and set(shown) == set(given)


@pytest.fixture
def hidden_author(app):
    """A member with a distinctive id and pseudonym who posts anonymously: an anonymous story
    with a reply to it, and an anonymous reply in someone else's story."""
    author = make_member("Secret_Otter", id=987654)
    named = make_member("Open_Book")
    own_story = start_thread(
        ThreadKind.STORY, "Nights without sleep", "It started in May.", author, anonymous=True
    )
    answer = own_story.reply(named, "Thank you for writing this.")
    db.session.commit()
    own_reply = anonymous_reply(answer, author, "It helps to hear that.")
    other_story = start_thread(ThreadKind.STORY, "Moving house", "Boxes everywhere.", named)
    elsewhere = anonymous_reply(other_story, author, "I moved last year too.")
    return {
        "own_story": own_story,
        "own_reply": own_reply,
        "elsewhere": elsewhere,
        "other_story": other_story,
    }


def assert_reveals_nothing(html: str) -> None:
    assert "Secret_Otter" not in html
    assert "secret_otter" not in html.casefold()
    assert "987654" not in html


def pages_of(hidden_author) -> list[str]:
    """Both threads, whole, and each anonymous reply in context."""
    return [
        thread_url(thread_of(hidden_author["own_story"])),
        thread_url(thread_of(hidden_author["other_story"])),
        f"/p/{hidden_author['own_reply'].id}",
        f"/p/{hidden_author['elsewhere'].id}",
    ]


def assert_only_aliases_on(client, urls: list[str]) -> None:
    for url in urls:
        for headers in ({}, PARTIAL):
            response = client.get(url, headers=headers)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, url
            assert_reveals_nothing(html)
            links = [a.get("href") for a in parse(html).iter("a")]
            assert "/u/Secret_Otter" not in links


def test_pages_show_the_alias_and_never_the_author(client, hidden_author):
    """Whole pages, htmx partials and a post in context: only the alias, never the
    pseudonym, the id or a link to the profile."""
    urls = pages_of(hidden_author)

    assert_only_aliases_on(client, urls)
    own_story, own_reply = hidden_author["own_story"], hidden_author["own_reply"]
    elsewhere = hidden_author["elsewhere"]
    thread_page = client.get(urls[0]).get_data(as_text=True)
    assert own_story.anon_alias in byline(thread_page, own_story).text
    assert own_reply.anon_alias in byline(thread_page, own_reply).text
    other_page = client.get(urls[1]).get_data(as_text=True)
    assert elsewhere.anon_alias in byline(other_page, elsewhere).text
    assert_reveals_nothing(client.get("/").get_data(as_text=True))


def test_other_members_see_only_the_alias_too(app, hidden_author):
    """Logged-in readers see no more than guests do."""
    make_member("Reader")
    reader = device(app)
    log_in(reader, "Reader")

    assert_only_aliases_on(reader, pages_of(hidden_author))


def test_the_authors_profile_shows_none_of_their_anonymous_posts(client, hidden_author):
    html = client.get("/u/Secret_Otter").get_data(as_text=True)

    assert "Nights without sleep" not in html
    assert "Moving house" not in html
    assert hidden_author["own_reply"].anon_alias not in html
    assert parse(html).find("ul", class_="thread-list") is None


def tag_in(html: str, post: Post) -> list[str]:
    return [span.text for span in byline(html, post).find_all("span", class_="tag")]


def test_the_story_authors_anonymous_replies_carry_the_author_mark(client):
    """In an anonymous story, readers can tell when the author answers."""
    author, helper, named = make_member("teller"), make_member("helper"), make_member("named")
    story = start_thread(ThreadKind.STORY, "My story", "It happened.", author, anonymous=True)
    someone = anonymous_reply(story, helper, "I hear you.")
    by_author = anonymous_reply(someone, author, "Thank you.")
    openly = story.reply(named, "Sending support.")
    db.session.commit()

    html = client.get(thread_url(thread_of(story))).get_data(as_text=True)

    assert tag_in(html, by_author) == ["author"]
    assert tag_in(html, someone) == []
    assert tag_in(html, openly) == []
    assert by_author.anon_alias == story.anon_alias
    assert_reveals_nothing(html)


def test_a_named_storys_author_replying_anonymously_gets_no_mark(client):
    """The mark would tie the anonymous reply to the author's name at the top."""
    author = make_member("teller")
    story = start_thread(ThreadKind.STORY, "My story", "It happened.", author)
    by_author = anonymous_reply(story, author, "One more thing.")

    html = client.get(thread_url(thread_of(story))).get_data(as_text=True)

    assert tag_in(html, by_author) == []
    line = byline(html, by_author)
    assert by_author.anon_alias in line.text
    assert "teller" not in line.text
    assert [a.get("href") for a in line.iter("a") if "/u/" in (a.get("href") or "")] == []
