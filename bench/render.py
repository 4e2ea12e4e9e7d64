"""Server time of the thread pages, in-process: the 200-nested-reply and the 1,000-reply story
of a forum built by dataset.py, as a guest and as a member, through Flask's test client (no
network, no server: the time the forum itself takes). Prints the median and p90 of ROUNDS
requests each; --profile prints where the time of one page goes (cProfile, by own time).

    .venv/bin/python bench/dataset.py --posts 20000 --sqlite-file /tmp/forum-render.db
    .venv/bin/python bench/render.py sqlite:////tmp/forum-render.db [--rounds 50]
    .venv/bin/python bench/render.py sqlite:////tmp/forum-render.db --profile "member, 200"
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from explain import profiled, rendering_forum

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", help='a page to profile: "guest, 200", "member, 1000"...')
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    parser.add_argument("--save", help="a folder to write each page's HTML to (to compare)")
    args = parser.parse_args()
    app, data, clients = rendering_forum(args.database_url)
    if args.save:  # pages compared across versions say "3 hours ago" at the same moment
        from dataset import describe_moment

        import forum.web.wording

        frozen = describe_moment(app)
        forum.web.wording.utcnow = lambda: frozen
    pages = {
        f"{reader}, {replies}": (clients[reader], path)
        for replies, path in ((200, data.nested_thread), (1000, data.long_thread))
        for reader in ("guest", "member")
    }
    for name, (client, path) in pages.items():
        response = client.get(path)  # warm up: templates compiled, caches filled
        assert response.status_code == 200, (path, response.status_code)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{name.replace(', ', '-')}.html").write_bytes(response.data)

    if args.profile:
        stats = profiled(*pages[args.profile], requests=5)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        return

    # CPU time too: on a machine shared with other work, the wall clock also counts the time
    # this process waited for a core; its CPU time doesn't (one thread, no waiting on I/O).
    print(f"{'page':<14}{'bytes':>9}{'p50 ms':>9}{'p90 ms':>9}{'CPU p50':>9}")
    for name, (client, path) in pages.items():
        timings, cpu = [], []
        for _ in range(args.rounds):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        deciles = statistics.quantiles(timings, n=10)
        print(f"{name:<14}{len(response.data):>9}{statistics.median(timings):>9.1f}"
              f"{deciles[-1]:>9.1f}{statistics.median(cpu):>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
