"""Pages cost the same number of SQL statements however many posts or threads they show, so a
busy thread loads as fast as a quiet one."""

from datetime import timedelta

from sqlalchemy import update
from support.clients import device, signed_in
from support.content import reply, start_thread, thread_of, thread_url
from support.members import make_member
from support.notifications import told_replies
from support.pages import parse
from support.rows import fresh

from forum.database import db, utcnow
from forum.models import Post, ThreadKind, ThreadReader, User
from forum.notifications import telling


def statements_for(client, count_queries, url: str) -> list[str]:
    """The SQL a request for `url` runs, starting from a clean session as a real request does
    (the test's session would otherwise answer some lookups from memory). The transaction's
    own BEGIN, which SQLite is sent and PostgreSQL isn't, is not a query. The page is rendered:
    a guest's page or a member's replies kept from an earlier request (forum.web.guest_pages,
    forum.reading.kept_replies) would cost less."""
    db.session.remove()
    client.application.extensions["guest_pages"].clear()
    client.application.extensions["member_replies"].clear()
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


def test_feeds_cost_the_same_for_a_few_posts_as_for_many(app, client, count_queries):
    """A feed carries the newest FEED_ENTRIES threads or replies: at most 3 statements for a
    site's feed, 5 for a thread's (its row, the site's counters, its opening post, the
    replies, their authors), with 3 replies or 300, 2 threads or 60."""
    members = [make_member(name) for name in ("wren", "harbour", "tea")]
    start_thread(ThreadKind.ARTICLE, "The article", "Read me.", pinned=True)
    quiet = start_thread(title="Quiet", author=members[0])
    reply(reply(quiet, members[1], "one"), members[2], "two", anonymous=True)
    reply(quiet, None, "three")
    busy = start_thread(title="Busy", author=members[1], anonymous=True)
    grow(busy, 300, members)
    quiet_feed, busy_feed = (f"{thread_url(thread_of(p))}/feed.atom" for p in (quiet, busy))
    site_feeds = ("/feed.atom", "/stories/feed.atom")
    few = {url: statements_for(client, count_queries, url) for url in site_feeds}

    for number in range(60):
        kind = ThreadKind.STORY if number % 2 else ThreadKind.DISCUSSION
        start_thread(kind, f"Later {number}", "Hello.", members[number % 3])
    many = {url: statements_for(client, count_queries, url) for url in site_feeds}
    small = statements_for(client, count_queries, quiet_feed)
    large = statements_for(client, count_queries, busy_feed)

    for url in site_feeds:
        assert len(many[url]) == len(few[url]) <= 3, url
    assert len(large) == len(small) <= 5
    entries = client.get("/feed.atom").get_data(as_text=True).count("<entry>")
    assert entries == app.config["FEED_ENTRIES"]


def test_the_bell_adds_one_query_to_a_members_page_however_much_it_counts(
    app, count_queries, unpaced
):
    """The bell's count is one statement, and none for a member who hides it; it stays one
    with hundreds of notifications, for a listener too."""
    member, other = make_member("wren", days_old=30), make_member("harbour", days_old=30)
    ids = member.id, other.id  # each count starts from a new session: these rows go stale
    story = start_thread(title="Mine", author=member)
    told_replies(story, other)
    client = signed_in(app, member)
    pages = ["/", thread_url(thread_of(story)), "/settings"]

    def choose(**settings) -> None:
        db.session.execute(update(User).where(User.id == ids[0]).values(**settings))
        db.session.commit()

    for url in pages:  # read once: the thread's reading place is noted now, not while counting
        statements_for(client, count_queries, url)
    choose(show_notification_count=False)
    hidden = [len(statements_for(client, count_queries, url)) for url in pages]
    choose(show_notification_count=True)
    few = [len(statements_for(client, count_queries, url)) for url in pages]
    for number in range(40):
        opening = start_thread(title=f"Story {number}", author=fresh(User, ids[0]))
        told_replies(opening, fresh(User, ids[1]), fresh(User, ids[1]))
    choose(listens_for_unanswered=True)
    many = [len(statements_for(client, count_queries, url)) for url in pages]

    assert [shown - none for shown, none in zip(few, hidden, strict=True)] == [1, 1, 1]
    assert many == few
    assert parse(client.get("/").get_data(as_text=True)).by_id("notifications-link") is not None


def test_the_notifications_page_costs_the_same_for_1_entry_as_for_300(app, count_queries, unpaced):
    member, other = make_member("wren", days_old=30), make_member("harbour", days_old=30)
    member.listens_for_unanswered = True
    story = start_thread(title="The first", author=member)
    told_replies(story, other)
    client = signed_in(app, member)
    few = statements_for(client, count_queries, "/notifications")

    for number in range(150):
        opening = start_thread(title=f"Story {number}", author=member)
        told_replies(opening, other, other)
        if number % 3 == 0:
            telling.supported(opening, other.id)
        if number % 5 == 0:
            telling.approved(opening)
        waiting = thread_of(start_thread(title=f"Waiting {number}", author=other))
        waiting.created_at = utcnow() - timedelta(hours=10)
    db.session.commit()
    many = statements_for(client, count_queries, "/notifications")
    tree = parse(client.get("/notifications").get_data(as_text=True))
    older = tree.by_id("more-notifications").find("a").get("href")

    assert len(many) == len(few)
    assert len(statements_for(client, count_queries, older)) <= len(few)
    assert len(tree.by_id("notification-list").find_all("li", class_="notification")) == 25
    assert "Waiting 149" in tree.find("section", class_="waiting-stories").text


def test_a_members_return_costs_the_same_for_3_new_replies_as_for_300(app, count_queries):
    """A member coming back to a thread: the replies new to them marked, the first linked, and
    their place moved on by one small row, in as many statements for 3 new replies as for
    300; one fewer when nothing is new (nothing to write)."""
    members = [make_member(name) for name in ("wren", "harbour", "tea")]
    reader = make_member("sorrel")
    phone = signed_in(app, reader)
    quiet, busy = (start_thread(title=title, author=members[0]) for title in ("Quiet", "Busy"))
    quiet_url, busy_url = thread_url(thread_of(quiet)), thread_url(thread_of(busy))
    for url in (quiet_url, busy_url):
        statements_for(phone, count_queries, url)  # read once: what comes next is new
    grow(quiet, 3, members)
    grow(busy, 300, members)

    small = statements_for(phone, count_queries, quiet_url)
    large = statements_for(phone, count_queries, busy_url)
    current = statements_for(phone, count_queries, quiet_url)

    assert len(large) == len(small)
    assert len(current) == len(small) - 1
    assert [s for s in small if s.lstrip().upper().startswith("INSERT")] != []
    shown = parse(phone.get(quiet_url).get_data(as_text=True))
    assert shown.find("p", class_="new-replies") is None, "read now"


def test_my_conversations_cost_the_same_for_a_few_threads_as_for_many(app, count_queries):
    """/me: a page of the threads I started and of those I follow, with their replies and
    those new to me, in a fixed number of statements however many threads and replies."""
    wren, harbour = make_member("wren"), make_member("harbour")
    phone = signed_in(app, wren)

    def converse(count: int) -> None:
        for number in range(count):
            for author in (wren, harbour):
                opening = start_thread(title=f"Thread {number}", author=author)
                db.session.add(
                    ThreadReader(
                        user_id=wren.id, thread_id=opening.thread_id, following=True,
                        last_seen_post_id=opening.id,
                    )
                )  # fmt: skip
                grow(opening, 3, [harbour])

    converse(1)
    few = statements_for(phone, count_queries, "/me")
    converse(30)
    many = statements_for(phone, count_queries, "/me")
    page_html = phone.get("/me").get_data(as_text=True)

    assert len(many) == len(few)
    tree = parse(page_html)
    assert len(tree.find_all("li", class_="has-new")) == 2 * app.config["THREADS_PER_PAGE"]


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
