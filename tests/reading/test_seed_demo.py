"""`forum seed-demo`: demo stories and nested replies for trying the forum out, added once."""

from sqlalchemy import select
from support.content import start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import parse
from support.rows import count, fresh

from forum.database import db
from forum.models import Post, Thread, ThreadKind, User


def test_seed_demo_adds_stories_with_nested_replies(cli, client):
    """After seeding, the home page has conversations and their replies nest."""
    result = cli.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Demo stories and replies added." in result.output
    threads = db.session.scalars(select(Thread)).all()
    assert {thread.kind for thread in threads} >= {ThreadKind.STORY, ThreadKind.DISCUSSION}
    posts = db.session.scalars(select(Post)).all()
    assert max(post.depth for post in posts) >= 3
    for thread in threads:
        replies = [p for p in posts if p.thread_id == thread.id and p.parent_id is not None]
        assert thread.reply_count == len(replies), thread.title

    home = parse(client.get("/").get_data(as_text=True))
    assert {a.text for a in home.find_all("a", class_="thread-title")} == {t.title for t in threads}
    busiest = max(threads, key=lambda thread: thread.reply_count)
    page = parse(client.get(thread_url(busiest)).get_data(as_text=True))
    assert page.find("ol", class_="reply-tree").find("ol", class_="reply-tree") is not None


def test_seed_demo_twice_refuses_with_a_clear_message(cli):
    """Running it again by mistake doubles nothing and says why."""
    cli.invoke(args=["seed-demo"])
    before = (count(User), count(Thread), count(Post))

    result = cli.invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert "already here" in result.output
    assert "Traceback" not in result.output
    assert (count(User), count(Thread), count(Post)) == before


def test_demo_anonymous_posts_do_not_reveal_who_wrote_them(cli, client):
    """slow_steps posts anonymously in two demo threads: their pseudonym is on neither page."""
    cli.invoke(args=["seed-demo"])
    author = db.session.scalars(select(User).where(User.pseudonym == "slow_steps")).one()
    anonymous_posts = db.session.scalars(
        select(Post).where(Post.author_id == author.id, Post.anonymous)
    ).all()
    threads = {post.thread_id: db.session.get(Thread, post.thread_id) for post in anonymous_posts}
    assert len(threads) == 2

    for thread in threads.values():
        html = client.get(thread_url(thread)).get_data(as_text=True)
        page = parse(html)
        for post in anonymous_posts:
            if post.thread_id == thread.id:
                assert page.by_id(f"p{post.id}") is not None, "the post is on the page"
        assert "slow_steps" not in html.casefold()


def test_every_demo_members_profile_opens_from_their_byline(cli, client):
    """Demo members are found by name as joining members are (by their likeness key), so the
    links on their bylines lead to their profiles."""
    cli.invoke(args=["seed-demo"])
    names = db.session.scalars(select(User.pseudonym)).all()

    for name in names:
        response = client.get(f"/u/{name}")
        assert response.status_code == 200, name
        assert parse(response.get_data(as_text=True)).find("h1").text == name


def test_seed_demo_leaves_a_members_name_to_them_and_says_so(cli, client):
    """A member called Wren (a demo name), and one called "Sl0w_steps" (too close to another):
    the demo members get names of their own, the command says which, and nothing breaks."""
    wren = make_member("Wren")
    close = make_member("Sl0w_steps")
    story = start_thread(title="My own story", author=wren)

    result = cli.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "'Wren' (or close to it): its demo member is 'Wren_demo'" in result.output
    assert "'slow_steps' (or close to it): its demo member is 'slow_steps_demo'" in result.output
    assert "Demo stories and replies added." in result.output
    assert fresh(User, wren.id).pseudonym == "Wren" and fresh(User, close.id).password_hash != "!"
    demo_replies = db.session.scalars(select(Post).where(Post.author_id == wren.id)).all()
    assert [post.id for post in demo_replies] == [story.id], "no demo post is put on Wren"
    assert client.get("/u/Wren_demo").status_code == 200
    assert thread_of(story).last_activity_at == story.created_at, "a real thread keeps its time"
