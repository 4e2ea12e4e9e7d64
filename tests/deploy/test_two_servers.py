"""Two app servers behind nginx, over one PostgreSQL database and one Redis, as docs/deploy.md
deploys them: deploy/two_servers.py runs the configuration files shipped in deploy/ (changed in
nothing but their ports and paths), and this test talks to nginx over HTTPS as browsers do, and
to each app server directly, as nginx does.

It runs with the suite on PostgreSQL and Redis (TEST_DATABASE_URL and TEST_REDIS_URL, as .ci/run
sets them) where nginx is installed (`make test` installs it as root); otherwise it is skipped,
saying why. It is one test, in steps, because starting the servers takes most of its time; the
last steps kill the app servers.
"""

import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from http.client import RemoteDisconnected

import pytest
import redis
from sqlalchemy import func, select
from support.apps import build_app
from support.config import REDIS_URL, TEST_DATABASE_URL, worker_schema
from support.databases import drop_schema, new_schema, postgresql_schema_url
from support.members import PASSWORD, make_member
from support.over_http import Browser, Server
from two_servers import SITE, Deployment, why_not_here

from forum.database import db
from forum.models import Post, Role, Thread, ThreadKind

WRONG = "not my password at all"
# Wrong passwords for one pseudonym from one address before that address must wait.
TRIES = 5
# Moderators: their posts are seen at once (a new member's first ones wait for approval), and
# they post at any pace. The crash step's writers send replies side by side.
MEMBER = "Cedar"
WRITERS = ["Linden", "Alder", "Rowan", "Willow"]
# What nginx's own pages say (deploy/nginx/forum-*.html).
UNAVAILABLE = "A post is never made twice, so sending it again is safe."
PAUSED = "Sending is paused for a few minutes"


def why_skipped() -> str | None:
    if not TEST_DATABASE_URL or not REDIS_URL:
        return (
            "two app servers need PostgreSQL and Redis: set TEST_DATABASE_URL and "
            "TEST_REDIS_URL (as .ci/run does)"
        )
    return why_not_here()


pytestmark = pytest.mark.skipif(why_skipped() is not None, reason=str(why_skipped()))


@dataclass
class Site:
    """The deployment, as the test reaches it."""

    deployment: Deployment
    proxy: Server
    """nginx, over HTTPS, under the site's name."""
    plain: Server
    """nginx's plain HTTP port."""
    servers: list[Server]
    """Each app server, directly."""
    thread_path: str
    """The article's page."""
    opening_post: int
    """The article itself: the post the replies here answer."""


@pytest.fixture
def site() -> Iterator[Site]:
    """The deployment over a schema of its own and this process's Redis database, with a few
    members; all removed at the end."""
    schema = worker_schema("deploy")
    new_schema(schema)
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    try:
        # One process per app server (WEB_CONCURRENCY; deploy/gunicorn.conf.py has 2): they start
        # twice as fast, and each still serves requests side by side on its threads.
        database_url = postgresql_schema_url(schema, durable=True)
        with Deployment(database_url, REDIS_URL, WEB_CONCURRENCY="1") as deployment:
            # The test's own view of the database: members made, posts checked.
            forum = build_app(postgresql_schema_url(schema))
            with forum.app_context():
                yield reached(deployment)
                db.session.remove()
                db.engine.dispose()
    finally:
        store.flushdb()
        store.close()
        drop_schema(schema)


def reached(deployment: Deployment) -> Site:
    """Members made, and where the test finds everything."""
    for name in ["Hazel", "Sorrel"]:
        make_member(name, days_old=30)
    for name in [MEMBER, *WRITERS]:
        make_member(name, Role.MODERATOR, days_old=90)
    article = db.session.scalars(select(Thread).where(Thread.kind == ThreadKind.ARTICLE)).one()
    opening = db.session.scalars(
        select(Post).where(Post.thread_id == article.id, Post.parent_id.is_(None))
    ).one()
    db.session.commit()
    tls = ssl.create_default_context(cafile=deployment.proxy.certificate)
    return Site(
        deployment=deployment,
        proxy=Server(deployment.proxy.https_port, SITE, tls),
        plain=Server(deployment.proxy.http_port, SITE),
        servers=[Server(server.port) for server in deployment.app_servers],
        thread_path=f"/t/{article.id}-{article.slug}",
        opening_post=opening.id,
    )


def test_two_app_servers_behind_nginx(site: Site) -> None:
    only_the_site_over_https(site)
    member = one_login_for_every_server(site)
    a_post_is_seen_through_the_other_server_at_once(site, member)
    rate_limits_count_across_servers(site)
    the_address_counted_is_the_one_nginx_forwards(site)
    sending_paused_for_a_migration(site)
    no_acknowledged_post_is_lost_when_a_server_dies(site)
    a_calm_page_when_no_server_answers(site)


def only_the_site_over_https(site: Site) -> None:
    plain = Browser().get(site.plain, "/help")
    assert (plain.status, plain.location) == (301, f"https://{SITE}/help")

    home = Browser().get(site.proxy, "/")
    assert home.status == 200
    assert home.headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]
    assert home.headers.get("Set-Cookie") is None, "a guest gets no cookie"
    stylesheet = re.search(r'href="(/static/css/forum\.[0-9a-f]{10}\.css)"', home.text)
    assert stylesheet, "the page links its fingerprinted stylesheet"
    cached = Browser().get(site.proxy, stylesheet.group(1)).headers["Cache-Control"]
    assert "max-age=31536000" in cached
    assert "immutable" in cached

    # Anything over the app's 1 MB is refused by nginx already.
    too_big = Browser().post(site.proxy, "/login", {"pseudonym": "x" * 1_100_000})
    assert too_big.status == 413

    # Another name, or the bare address, gets no answer at all.
    with pytest.raises(RemoteDisconnected):
        Browser().get(Server(site.plain.port, "elsewhere.example"), "/")
    with pytest.raises(ssl.SSLError):
        Browser().get(Server(site.proxy.port, "127.0.0.1", site.proxy.tls), "/")


def one_login_for_every_server(site: Site) -> Browser:
    """Logged in through nginx: logged in on each app server."""
    member = Browser()
    assert member.log_in(site.proxy, MEMBER, PASSWORD).status == 303

    for server in [site.proxy, *site.servers]:
        settings = member.get(server, "/settings")
        assert settings.status == 200, server
        assert MEMBER in settings.text
    assert Browser().get(site.servers[1], "/settings").status == 302, "a guest is asked to log in"
    return member


def a_post_is_seen_through_the_other_server_at_once(site: Site, member: Browser) -> None:
    first, second = site.servers
    guest = Browser()
    # The second keeps the guest's page in its memory (forum.web.guest_pages).
    assert guest.get(second, site.thread_path).status == 200

    form = member.reply_form(first, site.opening_post, "Written through the first server.")
    assert member.post(first, f"/p/{site.opening_post}/reply", form).status == 303

    assert "Written through the first server." in guest.get(second, site.thread_path).text
    assert "Written through the first server." in member.get(second, site.thread_path).text


def rate_limits_count_across_servers(site: Site) -> None:
    """Wrong passwords from one address, some to each server: one count, kept in Redis."""
    first, second = site.servers
    guesser = Browser()
    for server in [first, second, first, second, first]:
        assert guesser.log_in(server, "Hazel", WRONG).status == 422

    assert guesser.log_in(second, "Hazel", WRONG).status == 429
    assert guesser.log_in(first, "Hazel", PASSWORD).status == 429, "even the right one waits"


def the_address_counted_is_the_one_nginx_forwards(site: Site) -> None:
    """With TRUSTED_PROXIES=1, the last entry of X-Forwarded-For, which nginx adds, and only it:
    a client writing the header itself changes nothing; any other number would fail here."""
    liar = Browser()
    for number in range(TRIES):
        assert guess(liar, site.proxy, f"198.51.100.{number}") == 422
    assert guess(liar, site.proxy, "198.51.100.99") == 429

    # Asked as nginx asks it, on behalf of another client: that client is counted apart.
    assert guess(Browser(), site.servers[0], "203.0.113.7") == 422


def guess(browser: Browser, server: Server, forwarded_for: str) -> int:
    """A wrong password for Sorrel, with X-Forwarded-For: `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for}
    return browser.log_in(server, "Sorrel", WRONG, headers).status


def sending_paused_for_a_migration(site: Site) -> None:
    """The read-only switch (docs/deploy.md): pages are served, nothing sent goes through."""
    site.deployment.proxy.read_only.touch()
    reader = Browser()
    assert reader.get(site.proxy, site.thread_path).status == 200
    paused = reader.log_in(site.proxy, MEMBER, PASSWORD)
    assert paused.status == 503
    assert PAUSED in paused.text
    assert paused.headers["HX-Reswap"] == "beforebegin"

    site.deployment.proxy.read_only.unlink()
    assert reader.log_in(site.proxy, MEMBER, PASSWORD).status == 303


@dataclass
class Sent:
    """A reply the forum acknowledged (a 303 naming it)."""

    token: str
    body: str
    post_id: int
    tries: int
    after_the_kill: bool


@dataclass
class Traffic:
    """The replies acknowledged, and every answer nginx gave the forms sent."""

    killed: threading.Event
    stop: threading.Event
    sent: list[Sent]
    writes: list[int]


def write_replies(site: Site, writer: str, browser: Browser, traffic: Traffic) -> None:
    """Replies, one after another, until told to stop: a form the forum didn't acknowledge
    (nginx's 502 when its server died with it) is sent again, as its writer would. Every page
    asked for must come (`reply_form` insists)."""
    number = 0
    while not traffic.stop.is_set():
        number += 1
        body = f"Reply {number} from {writer}."
        form = browser.reply_form(site.proxy, site.opening_post, body)
        for tries in range(1, 4):
            answer = browser.post(site.proxy, f"/p/{site.opening_post}/reply", form)
            traffic.writes.append(answer.status)
            if answer.status == 502:
                assert UNAVAILABLE in answer.text, "the writer is told what to do"
            if answer.status == 303:
                post_id = int(re.search(r"#p(\d+)$", answer.location).group(1))
                token = next(value for name, value in form.items() if name.endswith("-token"))
                traffic.sent.append(Sent(token, body, post_id, tries, traffic.killed.is_set()))
                break
        else:
            answers = traffic.writes[-3:]
            raise AssertionError(f"{body!r} never acknowledged: {answers}, {answer.text[:500]}")


def until(happened: Callable[[], bool], writers: list[Future]) -> None:
    """Wait for `happened`, or for a writer to fail."""
    deadline = time.monotonic() + 60
    while not happened() and not any(writer.done() for writer in writers):
        assert time.monotonic() < deadline, "the writers are stuck"
        time.sleep(0.05)


def no_acknowledged_post_is_lost_when_a_server_dies(site: Site) -> None:
    """Four members send replies through nginx; the first app server is killed (SIGKILL, every
    process of it) while they do. nginx sends everything after to the other."""
    browsers = {name: Browser() for name in WRITERS}
    for name, browser in browsers.items():
        assert browser.log_in(site.proxy, name, PASSWORD).status == 303
    traffic = Traffic(threading.Event(), threading.Event(), [], [])
    with ThreadPoolExecutor(len(WRITERS)) as pool:
        writers = [
            pool.submit(write_replies, site, name, browser, traffic)
            for name, browser in browsers.items()
        ]
        until(lambda: len(traffic.sent) >= len(WRITERS), writers)
        site.deployment.app_servers[0].kill()
        traffic.killed.set()
        until(lambda: sum(s.after_the_kill for s in traffic.sent) >= 3 * len(WRITERS), writers)
        traffic.stop.set()
        for writer in writers:
            writer.result()

    # Only a form under way on the server that died may go unanswered, and it is sent again.
    assert set(traffic.writes) <= {303, 502}
    assert traffic.writes.count(502) <= len(WRITERS)
    assert any(sent.after_the_kill for sent in traffic.sent), "nothing was sent after the kill"

    db.session.rollback()  # a fresh look at the database
    for sent in traffic.sent:
        post = db.session.get(Post, sent.post_id)
        assert post is not None, f"acknowledged reply {sent.post_id} is lost"
        assert (post.body, post.idempotency_key) == (sent.body, sent.token)
    tokens = [sent.token for sent in traffic.sent]
    made = db.session.execute(
        select(Post.idempotency_key, func.count())
        .where(Post.idempotency_key.in_(tokens))
        .group_by(Post.idempotency_key)
    ).all()
    assert sorted(made) == sorted((token, 1) for token in tokens), "each form made one post"


def a_calm_page_when_no_server_answers(site: Site) -> None:
    site.deployment.app_servers[1].kill()

    answer = Browser().get(site.proxy, site.thread_path)

    assert answer.status == 502
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert UNAVAILABLE in answer.text
    assert answer.headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]
