"""Pages cost the same number of SQL statements however many posts or threads they show, so a
busy thread loads as fast as a quiet one."""

from support.clients import device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.pages import parse

from forum.database import db
from forum.models import Post, ThreadKind


def statements_for(client, count_queries, url: str) -> list[str]:
    """The SQL a request for `url` runs, starting from a clean session as a real request does
    (the test's session would otherwise answer some lookups from memory). The transaction's
    own BEGIN, which SQLite is sent and PostgreSQL isn't, is not a query."""
    db.session.remove()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return [s for s in statements if s.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE")]


def grow(root: Post, replies: int, members: list) -> list[Post]:
    """`replies` replies under `root`, spread wide and up to 5 levels deep (so all are on the
    page), by members and by the site or erased accounts in turn."""
    posts = [root]
    for number in range(replies):
        parent = posts[(number * 37) % len(posts)]
        if parent.depth - root.depth >= 5:
            parent = root
        author = members[number % len(members)] if number % 5 else None
        posts.append(reply(parent, author, f"Reply {number}", commit=False))
    db.session.commit()
    return posts[1:]


def test_thread_page_costs_the_same_for_3_replies_as_for_1000(app, client, count_queries):
    """At most 5 statements for a guest's thread page, with 3 replies or 1,000; each next page
    of replies costs the same, and the pages together show every reply once."""
    members = [make_member(name) for name in ("wren", "harbour", "tea")]
    quiet = start_thread(title="Quiet", author=members[0])
    first = reply(quiet, members[1], "one")
    reply(first, members[2], "two")
    reply(quiet, None, "three")
    busy = start_thread(title="Busy", author=members[1])
    replies = grow(busy, 1000, members)
    assert max(post.depth for post in replies) >= 4
    quiet_url, busy_url = thread_url(thread_of(quiet)), thread_url(thread_of(busy))

    small = statements_for(client, count_queries, quiet_url)
    large = statements_for(client, count_queries, busy_url)

    assert len(large) == len(small) <= 5
    shown, pages, url = [], 0, busy_url
    while url:
        assert len(statements_for(client, count_queries, url)) == len(small), url
        tree = parse(client.get(url).get_data(as_text=True))
        branches = tree.by_id(f"replies-{busy.id}").elements
        assert (
            len([li for li in branches if li.get("id") != "more-replies"])
            <= (app.config["REPLIES_PER_PAGE"])
        )
        shown += [int(post.get("id")[1:]) for post in tree.find_all("article", class_="post")]
        more = tree.by_id("more-replies")
        url = more.find("a").get("href") if more is not None else None
        pages += 1
    assert pages > 3
    assert sorted(shown) == sorted(post.id for post in replies), "every reply, once"


def test_post_in_context_costs_the_same_for_3_replies_as_for_300(client, count_queries):
    members = [make_member(name) for name in ("wren", "harbour", "tea")]
    opening = start_thread(author=members[0])
    middle = reply(reply(opening, members[1], "above"), members[2], "middle")
    quiet = reply(middle, members[0], "quiet branch")
    for body in ("a", "b", "c"):
        reply(quiet, members[1], body)
    busy = reply(middle, members[1], "busy branch")
    grow(busy, 300, members)
    quiet_url, busy_url = f"/p/{quiet.id}", f"/p/{busy.id}"

    small = statements_for(client, count_queries, quiet_url)
    large = statements_for(client, count_queries, busy_url)

    assert len(large) == len(small)
    shown = parse(client.get(busy_url).get_data(as_text=True)).find_all("article", class_="post")
    assert len(shown) == 301 + 2, "the busy branch, its replies and the posts above it"


def test_home_page_cost_does_not_grow_with_the_number_of_threads(app, client, count_queries):
    member = make_member("wren")
    start_thread(ThreadKind.ARTICLE, "The article", "Read me.", pinned=True)
    for number in range(2):
        reply(start_thread(title=f"Early {number}", author=member), member, "hello")
    few = statements_for(client, count_queries, "/")

    for number in range(40):
        reply(start_thread(title=f"Later {number}", author=member), member, "hello")
    many = statements_for(client, count_queries, "/")
    page = parse(client.get("/").get_data(as_text=True))
    older = statements_for(client, count_queries, page.by_id("more-threads").find("a").get("href"))

    assert len(many) == len(few)
    assert len(older) <= len(few)
    assert len(page.find_all("li", class_="thread-item")) == app.config["THREADS_PER_PAGE"] + 1


def test_a_search_costs_the_same_for_2_posts_found_as_for_a_page_of_them(app, count_queries):
    """Two statements for a guest (the posts found with their threads, then their authors), as
    many for a member, whether two posts match or sixty, on the first page or the next."""
    members = [make_member(name, days_old=30) for name in ("wren", "harbour", "tea")]
    member = signed_in(app, members[0])
    quiet = start_thread(title="Lanterns", body="A lighthouse.", author=members[0])
    reply(quiet, members[1], "Another lighthouse.", anonymous=True)
    busy = start_thread(title="Harbours", body="A beacon.", author=members[1])
    replies = grow(busy, 60, members)
    for post in replies:
        post.set_body(f"The beacon, number {post.id}.")
    db.session.commit()

    for client in (device(app), member):
        few = statements_for(client, count_queries, "/search?q=lighthouse")
        many = statements_for(client, count_queries, "/search?q=beacon")
        next_page = statements_for(client, count_queries, "/search?q=beacon&page=2")
        found = parse(client.get("/search?q=beacon").get_data(as_text=True))

        assert len(found.find_all("article", class_="search-result")) == 20
        assert len(many) == len(few) == len(next_page)
    assert len(statements_for(device(app), count_queries, "/search?q=beacon")) == 2
