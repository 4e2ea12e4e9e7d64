"""What a member's request costs beyond a guest's, in-process: a thread with no reply, one with
3, the home page and the 200-nested-reply story, as a guest and as a member (the bell, the
sign-in, their place in the thread, new replies...), and the bell htmx asks for while a
member's page is in sight, through Flask's test client. Prints the median CPU time of ROUNDS
requests in a row of each (a page's rounds taken between other pages' cost more: the big page's
garbage and its evictions from the processor's caches fall on them); --profile prints where one
page's time goes (cProfile, by cumulative time). Every page is rendered, unless --kept: then
guests' pages and members' replies are kept from one request to the next, as they are served.

    .venv/bin/python bench/dataset.py --posts 20000 --sqlite-file /tmp/forum-render.db
    .venv/bin/python bench/overhead.py sqlite:////tmp/forum-render.db [--rounds 30]
    .venv/bin/python bench/overhead.py sqlite:////tmp/forum-render.db --profile "member, 0"
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from explain import profiled, rendering_forum, signed_in_clients

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def thread_with(app, replies: int) -> str:
    """The address of the first open thread with `replies` replies."""
    from sqlalchemy import select

    from forum.database import db
    from forum.models import Thread
    from forum.web.urls import thread_url

    with app.app_context(), app.test_request_context():
        thread = db.session.scalars(
            select(Thread)
            .where(Thread.reply_count == replies, Thread.removed_at.is_(None), ~Thread.locked)
            .order_by(Thread.id)
        ).first()
        address = thread_url(thread)
        db.session.remove()
    return address


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile", help='a page to profile: "guest, 0", "member, home"...')
    parser.add_argument("--top", type=int, default=40, help="lines of the profile to print")
    parser.add_argument(
        "--kept", action="store_true", help="guests' pages and members' replies kept, as served"
    )
    args = parser.parse_args()
    app, data, clients = rendering_forum(args.database_url, kept=args.kept)
    paths = {
        "0": thread_with(app, 0),
        "3": thread_with(app, 3),
        "home": "/",
        "200": data.nested_thread,
    }
    pages = {
        f"{reader}, {name}": (clients[reader], path)
        for name, path in paths.items()
        for reader in ("guest", "member")
    }
    # The bell as htmx asks for it again and again while a member's page is in sight.
    polling = signed_in_clients(app, data)["member"]
    polling.environ_base.update(HTTP_HX_REQUEST="true", HTTP_HX_REQUEST_TYPE="partial")
    pages["member, bell"] = (polling, "/notifications/bell")
    for client, path in pages.values():
        for _ in range(2):  # warm up: templates compiled, statements cached, the place noted
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

    if args.profile:
        profiled(*pages[args.profile], requests=20).sort_stats("cumulative").print_stats(args.top)
        return

    print(f"{'page':<14}{'CPU p50 ms':>11}")
    for name, (client, path) in pages.items():
        cpu = []
        for _ in range(args.rounds):
            began = time.process_time()
            client.get(path)
            cpu.append((time.process_time() - began) * 1000)
        print(f"{name:<14}{statistics.median(cpu):>11.2f}")


if __name__ == "__main__":
    main()
