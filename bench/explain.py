"""The SQL behind the hot pages, and how the database runs it, on a forum built by dataset.py.

Each page is asked for in-process (Flask's test client) as a guest, a member or a moderator;
every statement it runs is caught and run again under EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN
QUERY PLAN and timed (SQLite). Prints, per page, each statement's time and the tables it reads
whole (a sequential scan on PostgreSQL, a SCAN without an index on SQLite).

    .venv/bin/python bench/dataset.py --posts 200000 --sqlite-file /tmp/forum-bench.db
    .venv/bin/python bench/explain.py sqlite:////tmp/forum-bench.db
    .venv/bin/python bench/dataset.py --posts 1000000 --db postgres
    .venv/bin/python bench/explain.py postgresql+psycopg://127.0.0.1:5432/bench_scale [--plans]

Only loopback is ever contacted.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from dataset import SECRET_KEY, describe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Statements every request runs that say nothing about the page (sessions, sign-ins).
BORING = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET |SHOW |select pg_)", re.I)
TABLES: set[str] = set()


@contextmanager
def caught(engine):
    """The statements run on `engine` inside the block, with their parameters."""
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def catch(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", catch)


def explain(connection, dialect: str, statement: str, parameters) -> tuple[float, list[str], str]:
    """The statement's time in ms, the tables it reads whole, and its plan."""
    if dialect == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = "\n".join(row[0] for row in rows)
        took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
        scans = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)))
        return took, scans, plan
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    plan = "\n".join(row[-1] for row in rows)
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        connection.exec_driver_sql(statement, parameters).all()
        timings.append((time.perf_counter() - began) * 1000)
    scans = sorted(
        {match for match in re.findall(r"^SCAN (\w+)(?! USING (?:COVERING )?INDEX)$", plan, re.M)}
        & TABLES  # not a subquery's rows
    )
    return statistics.median(timings), scans, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    parser.add_argument("--match", default="", help="only pages whose name contains this")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, SECRET_KEY=SECRET_KEY)

    from forum import create_app
    from forum.database import db

    TABLES.update(db.metadata.tables)

    app = create_app()
    # In-process over http: a secure cookie would never be sent back.
    app.config.update(RATELIMIT_ENABLED=False, SESSION_COOKIE_SECURE=False)
    data = describe(app)
    pages = [
        ("guest", "home", "/"),
        ("guest", "stories", "/stories"),
        ("guest", "thread, 200 nested replies", data.nested_thread),
        ("guest", "thread, 1,000 replies", data.long_thread),
        ("guest", "feed of new threads", "/feed.atom"),
        ("guest", "feed of new stories", "/stories/feed.atom"),
        ("guest", "feed of a thread's replies, 1,000 replies", f"{data.long_thread}/feed.atom"),
        ("member", "thread, 200 nested replies", data.nested_thread),
        *(("guest", f"profile, {kind}", path) for kind, path in data.profiles.items()),
        ("moderator", "home (header count)", "/"),
        ("moderator", "moderation queue", "/mod"),
    ]
    print(f"{data.posts} posts, {data.threads} threads, {data.members} members")
    clients = signed_in_clients(app, data)
    with app.app_context():
        dialect = db.engine.dialect.name
        engine = db.engine
    # Each request in an app context of its own, as a server runs it: one shared with the
    # requests would keep the first one's reader in `g`.
    for reader, name, path in pages:
        if args.match not in name:
            continue
        client = clients[reader]
        client.get(path)  # warm the caches, as a live server's would be
        with caught(engine) as statements:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        print(f"\n{reader} · {name} · {path} · {len(statements)} statements")
        with engine.connect() as connection:
            for statement, parameters in statements:
                if BORING.match(statement):
                    continue
                took, scans, plan = explain(connection, dialect, statement, parameters)
                words = " ".join(statement.split())
                where = f"  reads whole: {', '.join(scans)}" if scans else ""
                print(f"  {took:8.2f} ms  {words[:90]}{where}")
                if args.plans:
                    print("    " + plan.replace("\n", "\n    "))
            connection.rollback()  # EXPLAIN ANALYZE runs what it explains: nothing is kept


def signed_in_clients(app, data) -> dict:
    """A test client per kind of reader; the member and the moderator signed in."""
    from sqlalchemy import select

    from forum.accounts import sign_ins
    from forum.database import db
    from forum.models import User

    clients = {"guest": app.test_client()}
    with app.app_context():
        for reader, pseudonym in (("member", data.reader), ("moderator", data.moderator)):
            user = db.session.scalar(select(User).where(User.pseudonym == pseudonym))
            token = sign_ins.begin(user, user_agent="bench", remember=False)
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = token
                session["_fresh"] = True
            clients[reader] = client
        db.session.remove()
    return clients


def rendering_forum(database_url: str, kept: bool = False) -> tuple:
    """The forum on `database_url` as the in-process measures drive it, with what dataset.py
    put there and a test client per kind of reader (`signed_in_clients`): (app, data,
    clients). Every page is rendered: a guest's page or a member's replies kept from the round
    before (forum.web.guest_pages, forum.reading.kept_replies) would time a look-up, not the
    forum's rendering; unless `kept`, as they are served."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    from forum import create_app

    app = create_app()
    # In-process over http: a secure cookie would never be sent back.
    app.config.update(RATELIMIT_ENABLED=False, SESSION_COOKIE_SECURE=False)
    if not kept:
        app.extensions.pop("guest_pages", None)
        app.extensions.pop("member_replies", None)
    data = describe(app)
    return app, data, signed_in_clients(app, data)


def profiled(client, path: str, requests: int) -> pstats.Stats:
    """Where the time of `requests` requests for `path` goes (cProfile)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    return pstats.Stats(profiler).strip_dirs()


if __name__ == "__main__":
    main()
