"""A forum of any size for the bench scripts: members, threads and posts in every state.

    .venv/bin/python bench/dataset.py --posts 100000                    # SQLite, a file in /tmp
    .venv/bin/python bench/dataset.py --posts 1000000 --db postgres      # database bench_scale

Two kinds of content:

- the crowd: most of the posts, written in bulk (a few statements per thousand rows, one
  transaction). Each row is what `Thread.start` and `Post.reply` would write (`BulkWriter`
  mirrors `Post.write` and `Post.make_anonymous`: the same path, alias and rendered body, the
  thread's counters kept as `Post.counts_as_reply` counts): the app's own functions, one post
  at a time, take about 2 ms a post, over three minutes for 100,000;
- the measured pages: a story with 200 nested replies and one with 1,000, written with
  `Thread.start` and `Post.reply` themselves, after the crowd (so they are the newest ids, as a
  busy thread's replies are).

Members: one per 550 posts, with a few of each kind that profiles are measured for (one who
wrote a great deal, a typical one, one who wrote a lot but long ago, one who wrote three posts
long ago). A reader and a
moderator can log in (`PASSWORD`). 20% of posts are anonymous, about 1% removed, 1% deleted,
0.1% waiting for a moderator; some open reports, and reactions on a quarter of the posts.

PostgreSQL: a database of its own (`--pg-database`, default bench_scale, dropped and created
again) on the server of `--pg-url` (default postgresql://127.0.0.1:5432/test). Only loopback is
ever contacted.
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "quiet river at dawn"
SECRET_KEY = "bench dataset secret key, not for production"
POSTS_PER_MEMBER = 550
CHUNK = 5000
BODIES = [
    "Thank you for sharing this. I hear you, and you are *not* alone in it.",
    "I went through something similar last winter. What helped me was talking to my GP, "
    "slowly, one appointment at a time.\n\nSending you **support**.",
    "Reading this today helped me more than I can say.",
    "That sounds so hard. Is there someone near you who can sit with you tonight?",
    "- small steps\n- a walk\n- a glass of water\n\nThat's all I managed some days, and it "
    "counted.",
    "I'm glad you wrote this down. Writing it is a step too.",
    "Me too. Every word of it.",
    "> it gets a little easier\n\nIt really does. Not all at once.",
]
# The stories whose pages are measured, by their number of replies.
MEASURED = {200: "A long conversation", 1000: "A very long conversation"}
STORY = (
    "I don't know how to start this, so I'll just start. For months I told everyone I was "
    "*fine*.\n\nLast week I finally said it out loud to my sister. She didn't fix it; she just "
    "listened, and asked what would help.\n\nI'm writing this because I didn't think saying it "
    "would change anything, and it did."
)


@dataclass
class Dataset:
    """What the bench scripts ask for, as addresses and names."""

    database_url: str
    posts: int
    members: int
    threads: int
    nested_thread: str
    """A story with 200 nested replies (up to 8 deep)."""
    long_thread: str
    """A story with 1,000 replies."""
    profiles: dict[str, str]
    """"busy", "typical", "former" (wrote a lot, long ago), "quiet" (three posts long ago): the
    addresses of those members' profiles."""
    reader: str
    """A member who can log in with PASSWORD."""
    moderator: str


class BulkWriter:
    """Rows as `Thread.start` and `Post.reply` write them, with ids taken in turn here instead
    of one flush per post: a post's path needs its id."""

    def __init__(self, secret_key: str, start: datetime, rng: random.Random) -> None:
        from forum.markdown import render_markdown

        self.secret_key = secret_key
        self.render = render_markdown  # keeps the last 16 renders: BODIES never render twice
        self.rng = rng
        self.now = start
        self.next_post_id = 1
        self.next_thread_id = 1
        self.posts: list[dict] = []
        self.threads: list[dict] = []
        self.thread_aliases: dict[int, dict[int, str]] = {}

    def tick(self) -> datetime:
        self.now += timedelta(seconds=self.rng.randint(5, 90))
        return self.now

    def start(
        self, kind: str, title: str, author_id: int | None, anonymous: bool
    ) -> tuple[dict, dict]:
        """A thread and its opening post, as `Thread.start`."""
        from slugify import slugify

        now = self.tick()
        thread = {
            "id": self.next_thread_id, "kind": kind, "title": title,
            "slug": slugify(title, max_length=80, word_boundary=True) or "thread",
            "pinned": False, "locked": False, "locked_reason": None, "content_warning": None,
            "intent": "listening" if kind == "story" else None, "removed_at": None,
            "created_at": now, "last_activity_at": now, "reply_count": 0,
        }  # fmt: skip
        self.next_thread_id += 1
        self.threads.append(thread)
        self.thread_aliases[thread["id"]] = {}
        opening = self.write(thread, None, author_id, STORY, anonymous, now)
        opening["depth"] = 0
        return thread, opening

    def reply(
        self, thread: dict, parent: dict, author_id: int, anonymous: bool, state: str = ""
    ) -> dict:
        """A reply, as `Post.reply`; `state`: "waiting" (for a moderator), "removed" (by one),
        "deleted" (by its author), or "" (published)."""
        now = self.tick()
        post = self.write(thread, parent, author_id, self.rng.choice(BODIES), anonymous, now)
        post["depth"] = parent["depth"] + 1
        if state == "waiting":
            post["awaiting_approval"] = True
        elif state == "removed":
            post["removed_at"], post["removal_reason"] = now, "harmful"
        elif state == "deleted":
            post["deleted_by_author_at"], post["body"], post["body_html"] = now, "", ""
        if not state:  # Post.counts_as_reply
            thread["reply_count"] += 1
        if state != "waiting":  # Post.reply moves the activity unless the reply waits
            thread["last_activity_at"] = now
        return post

    def write(self, thread, parent, author_id, body, anonymous, now) -> dict:
        from forum.anonymity import alias_for
        from forum.models import path_segment

        post_id = self.next_post_id
        self.next_post_id += 1
        alias = None
        if anonymous and author_id is not None:  # Post.make_anonymous
            aliases = self.thread_aliases[thread["id"]]
            alias = aliases.get(author_id)
            if alias is None:
                alias = alias_for(self.secret_key, author_id, thread["id"], set(aliases.values()))
                aliases[author_id] = alias
        post = {
            "id": post_id, "thread_id": thread["id"],
            "parent_id": parent["id"] if parent else None,
            "path": (parent["path"] if parent else "") + path_segment(post_id),
            "author_id": author_id, "anonymous": alias is not None, "anon_alias": alias,
            "body": body, "body_html": self.render(body, 2), "created_at": now,
            "edited_at": None, "removed_at": None, "removed_by_id": None,
            "removal_reason": None, "removal_note": None, "awaiting_approval": False,
            "may_be_at_risk": False, "deleted_by_author_at": None, "unlinked_at": None,
            "content_warning": None, "idempotency_key": None,
        }  # fmt: skip
        self.posts.append(post)
        return post

    def flush(self) -> None:
        """Write the threads and posts gathered so far (only whole threads are gathered)."""
        from forum.models import Post, Thread

        _insert(Thread.__table__, self.threads)
        _insert(Post.__table__, [{k: v for k, v in p.items() if k != "depth"} for p in self.posts])
        self.threads.clear()
        self.posts.clear()
        self.thread_aliases.clear()


def _insert(table, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from forum.database import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def _members(count: int) -> list[dict]:
    from forum.accounts.pseudonyms import likeness_key

    words = ["quiet", "harbour", "morning", "tea", "slow", "steps", "north", "light", "river"]
    rows, keys = [], set()
    for number in range(count):
        name = f"{words[number % len(words)]}_{number:05d}"
        key = likeness_key(name)
        while key in keys:  # look-alikes share a key, which is unique
            name += "x"
            key = likeness_key(name)
        keys.add(key)
        rows.append({"pseudonym": name, "pseudonym_key": key, "password_hash": "!"})
    return rows


def _crowd(app, posts: int, rng: random.Random) -> dict[str, int]:
    """Members, threads and `posts` posts in bulk; the ids of the members profiles are measured
    for."""
    from sqlalchemy import insert, select

    from forum.database import db
    from forum.models import Reaction, Report, User

    member_count = max(10, posts // POSTS_PER_MEMBER)
    db.session.execute(insert(User), _members(member_count))
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    busy, typical, former, quiet = ids[0], ids[len(ids) // 2], ids[1], ids[-1]
    writers = [member for member in ids if member != quiet]
    # A prolific member writes one post in 20, and another one in 100 of the first 30% (and
    # then no more: their newest post is far back); the rest spread evenly.
    share = {busy: len(writers) // 20, former: len(writers) // 100}
    early = list(accumulate(share.get(member, 1) for member in writers))
    late = list(accumulate(0 if member == former else share.get(member, 1) for member in writers))

    def anyone() -> int:
        weights = early if written < posts * 3 // 10 else late
        return rng.choices(writers, cum_weights=weights)[0]

    start = datetime.now(UTC) - timedelta(seconds=posts * 50 + 86400)
    writer = BulkWriter(app.config["SECRET_KEY"], start, rng)
    quiet_posts = [posts // 10, posts // 5, posts * 3 // 10]  # three posts, long ago
    written = 0
    while written < posts:
        kind = "story" if rng.random() < 0.7 else "discussion"
        title = f"Bench {kind} {writer.next_thread_id}"
        thread, opening = writer.start(kind, title, anyone(), rng.random() < 0.2)
        thread_posts = [opening]
        written += 1
        # Most threads have a few replies, some dozens, a few hundreds.
        size = min(int(rng.paretovariate(1.2) * 8) - 8, 400, posts - written)
        for _ in range(size):
            parent = thread_posts[0] if rng.random() < 0.4 else rng.choice(thread_posts)
            if (
                parent["depth"] >= 8
                or parent["awaiting_approval"]
                or parent["deleted_by_author_at"]
            ):
                parent = thread_posts[0]
            roll = rng.random()
            state = (
                "waiting" if roll < 0.001 else
                "removed" if roll < 0.011 else
                "deleted" if roll < 0.021 else ""
            )  # fmt: skip
            author = anyone()
            if quiet_posts and written >= quiet_posts[0]:
                author = quiet
                quiet_posts.pop(0)
            thread_posts.append(writer.reply(thread, parent, author, rng.random() < 0.2, state))
            written += 1
        if rng.random() < 0.002:
            thread["removed_at"] = writer.now
        if len(writer.posts) >= CHUNK * 4:
            writer.flush()
    writer.flush()

    # Reactions on a quarter of the posts; open reports on a few, closed ones on more.
    top = writer.next_post_id
    kinds = ["support", "me-too", "thank-you"]
    reactions = {(rng.randrange(1, top), anyone(), rng.choice(kinds)) for _ in range(posts // 4)}
    _insert(Reaction.__table__, [
        {"post_id": p, "user_id": u, "kind": k, "created_at": writer.now} for p, u, k in reactions
    ])  # fmt: skip
    reports = []
    for number in range(max(20, posts // 500)):
        reports.append({
            "post_id": rng.randrange(1, top), "reporter_id": anyone(),
            "reason": "at-risk" if number % 10 == 0 else "spam", "note": "",
            "created_at": writer.now, "resolved_at": None if number % 10 < 2 else writer.now,
            "resolution": None if number % 10 < 2 else "dismissed",
        })  # fmt: skip
    _insert(Report.__table__, reports)
    return {"busy": busy, "typical": typical, "former": former, "quiet": quiet}


def _measured_threads(members: list, rng: random.Random) -> tuple[str, str]:
    """The two stories whose pages are measured, through the app's own functions."""
    from forum.models import Thread, ThreadKind
    from forum.web.urls import thread_url

    paths = []
    for replies, title in MEASURED.items():
        opening = Thread.start(ThreadKind.STORY, title, STORY, members[0], intent="listening")
        posts = [opening]
        for number in range(replies):
            # A bushy tree: each reply answers one of the last few posts, up to 8 deep.
            parent = posts[-(number % 4) - 1] if posts[-1].depth < 8 else opening
            posts.append(
                parent.reply(
                    members[number % len(members)], BODIES[number % len(BODIES)],
                    anonymous=number % 5 == 0,
                )
            )  # fmt: skip
        paths.append(opening.thread)
    return tuple(thread_url(thread) for thread in paths)  # type: ignore[return-value]


def build(database_url: str, posts: int, seed: int = 13) -> Dataset:
    """Migrate the empty database at `database_url` and fill it; returns what was made."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from forum.accounts.members import add_member
    from forum.article import DEFAULT_ARTICLE, ArticleSource, import_article
    from forum.cli import create_app_with_commands
    from forum.database import db
    from forum.models import Role, User

    rng = random.Random(seed)
    app = create_app_with_commands()  # with Flask-Migrate
    with app.app_context(), app.test_request_context():
        upgrade()
        measured = 1200 + 2
        special = _crowd(app, max(0, posts - measured), rng)
        if db.engine.dialect.name == "postgresql":  # ids were given here: move the sequences on
            for table in ("user", "thread", "post", "reaction", "report"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))"
                ))  # fmt: skip
        import_article(ArticleSource.read(DEFAULT_ARTICLE))
        reader = add_member("bench_reader", PASSWORD)
        moderator = add_member("bench_moderator", PASSWORD, Role.MODERATOR)
        for member in (reader, moderator):
            member.recovery_codes_confirmed = True
        assert (reader.pseudonym, moderator.pseudonym) == ("bench_reader", "bench_moderator")
        writers = [db.session.get(User, special[kind]) for kind in ("busy", "typical")]
        _measured_threads([reader, *writers], rng)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return describe(app)


def describe_moment(app) -> datetime:
    """A moment a little after the last post: "now", for pages compared across versions."""
    from sqlalchemy import func, select

    from forum.database import db
    from forum.models import Post

    with app.app_context():
        last = db.session.scalar(select(func.max(Post.created_at)))
        db.session.remove()
    return last + timedelta(minutes=7)


def describe(app) -> Dataset:
    """What a database `build` filled holds, found again in it."""
    from sqlalchemy import func, select

    from forum.database import db
    from forum.models import Post, Thread, User
    from forum.web.urls import thread_url

    with app.app_context(), app.test_request_context():
        crowd = list(
            db.session.scalars(select(User).where(User.password_hash == "!").order_by(User.id))
        )
        special = {
            "busy": crowd[0], "typical": crowd[len(crowd) // 2], "former": crowd[1],
            "quiet": crowd[-1],
        }  # fmt: skip
        titled = {
            thread.title: thread_url(thread)
            for thread in db.session.scalars(
                select(Thread).where(Thread.title.in_(MEASURED.values()))
            )
        }
        dataset = Dataset(
            database_url=app.config["SQLALCHEMY_DATABASE_URI"],
            posts=db.session.scalar(select(func.count()).select_from(Post)),
            members=db.session.scalar(select(func.count()).select_from(User)),
            threads=db.session.scalar(select(func.count()).select_from(Thread)),
            nested_thread=titled[MEASURED[200]],
            long_thread=titled[MEASURED[1000]],
            profiles={kind: f"/u/{member.pseudonym}" for kind, member in special.items()},
            reader="bench_reader",
            moderator="bench_moderator",
        )
        db.session.remove()
    return dataset


def postgres_database(admin_url: str, name: str) -> str:
    """A new, empty database `name` on `admin_url`'s server (dropped first if it was there)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return parts._replace(scheme="postgresql+psycopg", path="/" + name).geturl()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--sqlite-file", default="/tmp/forum-bench.db")
    parser.add_argument("--pg-url", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--pg-database", default="bench_scale")
    args = parser.parse_args()
    if args.db == "postgres":
        url = postgres_database(args.pg_url, args.pg_database)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_file + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{args.sqlite_file}"
    began = time.perf_counter()
    dataset = build(url, args.posts)
    print(f"{dataset.posts} posts, {dataset.threads} threads, {dataset.members} members "
          f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
    for field, value in vars(dataset).items():
        print(f"  {field}: {value}")


if __name__ == "__main__":
    main()
