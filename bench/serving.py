"""The forum served for a bench script: gunicorn on a free loopback port, over a SQLite file."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(database: Path, secret_key: str, access_log: Path | None = None) -> Iterator[str]:
    """The forum on `database`, one worker with eight threads (as `make run` serves it), for
    as long as the block runs; yields its base address once it answers. With `access_log`,
    gunicorn writes a line there for every request it answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": secret_key}
    logging = ["--access-logfile", str(access_log)] if access_log else []
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "8", *logging, "forum:create_app()"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # up to 10 s for the server to come up
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
