"""Do the hot pages stay as fast on a big forum? Server time of home, /stories, a thread and a
profile, as a guest and as a member, on a small and a big database built by dataset.py, side by
side, with the big one's time as a multiple of the small one's (the goal: within 1.5x).

Each page is rendered every time (guests' kept pages and members' kept replies,
forum.web.guest_pages and forum.reading.kept_replies, are switched off: a kept page costs the
same on any database and would say nothing about scale). In-process,
through Flask's test client; the rounds alternate between the two databases, so that whatever
else the machine does hits both alike; medians of ROUNDS.

    .venv/bin/python bench/dataset.py --posts 10000 --sqlite-file /tmp/forum-10k.db
    .venv/bin/python bench/dataset.py --posts 200000 --sqlite-file /tmp/forum-200k.db
    .venv/bin/python bench/scale.py sqlite:////tmp/forum-10k.db sqlite:////tmp/forum-200k.db

    .venv/bin/python bench/dataset.py --posts 10000 --db postgres --pg-database bench_small
    .venv/bin/python bench/dataset.py --posts 1000000 --db postgres
    .venv/bin/python bench/scale.py postgresql+psycopg://127.0.0.1:5432/bench_small \\
        postgresql+psycopg://127.0.0.1:5432/bench_scale

Only loopback is ever contacted.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from explain import rendering_forum

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READERS = ("guest", "member")


def forum_pages(database_url: str) -> tuple[dict, int]:
    """(page name -> (client, address)) for a forum on `database_url`, and its post count."""
    _app, data, clients = rendering_forum(database_url)
    addresses = {
        "home": "/",
        "stories": "/stories",
        "thread": data.nested_thread,
        "profile": data.profiles["busy"],
    }
    pages = {
        f"{name}, {reader}": (clients[reader], address)
        for name, address in addresses.items()
        for reader in READERS
    }
    for client, address in pages.values():
        response = client.get(address)  # warm up: templates compiled, caches filled
        assert response.status_code == 200, (database_url, address, response.status_code)
    return pages, data.posts


def server_time(client, address: str) -> float:
    started = time.perf_counter()
    response = client.get(address)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small")
    parser.add_argument("big")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    forums = [forum_pages(args.small), forum_pages(args.big)]
    times: dict[tuple[int, str], list[float]] = {}
    for _ in range(args.rounds):
        for which, (pages, _posts) in enumerate(forums):
            for name, (client, address) in pages.items():
                times.setdefault((which, name), []).append(server_time(client, address))

    (small, small_posts), (_, big_posts) = forums
    print(f"p50 server time in ms, {args.rounds} alternating rounds")
    print(f"{'page':<20} {small_posts:>10,} {big_posts:>10,}  ratio")
    for name in small:
        a = statistics.median(times[(0, name)])
        b = statistics.median(times[(1, name)])
        print(f"{name:<20} {a:>10.1f} {b:>10.1f}  {b / a:.2f}")


if __name__ == "__main__":
    main()
