"""Throwaway Redis and PostgreSQL servers for the resilience tests, which stop them, freeze them
(SIGSTOP: the process is there, its port accepts connections, nothing answers), thaw them and
start them again, as an outage would; and the forum served by gunicorn, as in production.

Each runs on a free port of 127.0.0.1 with its files in a temporary folder of its own, so no
test ever touches a server that something else uses. PostgreSQL refuses to run as root: when
the tests run as root, the server runs as the `postgres` account that Debian's packages make.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path

from two_servers import HOST, free_port, port_open

# Long enough for a slow machine to start a server; a test that waits this long has failed.
STARTING_TIMEOUT = 15.0


def wait_until(ready: Callable[[], bool], what: str, timeout: float = STARTING_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.02)


def postgresql_bin() -> Path | None:
    """Debian's PostgreSQL programs (the newest installed version), if there are any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=_version)
    return found[-1].parent if found else None


def _version(program: Path) -> int:
    return int(program.parent.parent.name) if program.parent.parent.name.isdigit() else 0


def postgresql_account() -> str | None:
    """Who the server runs as: the current user, or `postgres` when we are root (None when
    there is no such account)."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        return None


def why_no_postgresql() -> str | None:
    """Why these tests can't have a PostgreSQL server of their own, or None when they can."""
    if postgresql_bin() is None:
        return "PostgreSQL's programs are not installed (apt-get install postgresql)"
    if postgresql_account() is None:
        return "running as root, and there is no `postgres` account to run PostgreSQL as"
    return None


def why_no_redis() -> str | None:
    return None if shutil.which("redis-server") else "redis-server is not installed"


class Server:
    """A server process a test starts, stops, freezes and thaws."""

    name = "server"
    # How the server is asked to stop: at once, dropping every connection.
    stop_signal = signal.SIGTERM

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def launch(self) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def answers(self) -> bool:
        raise NotImplementedError

    def processes(self) -> list[int]:
        """Every process of the server: the one started, and any it started."""
        assert self.process is not None
        return [self.process.pid, *children_of(self.process.pid)]

    def start(self) -> None:
        self.process = self.launch()
        wait_until(self.answers, f"{self.name} answering on port {self.port}")

    def stop(self) -> None:
        """Stop now, dropping every connection, as a server taken down would."""
        if self.process is None:
            return
        self.thaw()  # a frozen process can't act on a signal to stop
        self.process.send_signal(self.stop_signal)
        self.process.wait(timeout=STARTING_TIMEOUT)
        self.process = None
        wait_until(lambda: not port_open(self.port), f"{self.name} closing port {self.port}")

    def freeze(self) -> None:
        self._signal_all(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            self._signal_all(signal.SIGCONT)

    def _signal_all(self, number: signal.Signals) -> None:
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):  # a backend whose client just left
                os.kill(pid, number)

    def running(self) -> bool:
        return self.process is not None


class ThrowawayRedis(Server):
    """redis-server keeping nothing on disk."""

    name = "Redis"

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def command(self) -> list[str]:
        return [
            "redis-server",
            *("--bind", HOST, "--port", str(self.port), "--dir", str(self.directory)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
        ]

    def answers(self) -> bool:
        return _exchange(self.port, b"PING\r\n") == b"+PONG\r\n"


class ThrowawayPostgreSQL(Server):
    """A PostgreSQL cluster of its own, with one database, `forum`, and trust authentication
    for connections from this machine. Its files live in a folder that the server's account
    owns; `remove()` deletes them."""

    name = "PostgreSQL"
    # "Fast" shutdown: clients are disconnected at once, and the cluster stays consistent.
    stop_signal = signal.SIGINT

    def __init__(self) -> None:
        super().__init__()
        self.bin = postgresql_bin()
        self.account = postgresql_account()
        # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
        self.directory = Path(tempfile.mkdtemp(prefix="forum-resilience-pg-"))
        shutil.chown(self.directory, self.account, self.account)
        self.data = self.directory / "data"
        self._as_account(
            self.bin / "initdb",
            *("-D", str(self.data), "-U", "forum", "-A", "trust", "-E", "UTF8", "--no-sync"),
        )

    @property
    def url(self) -> str:
        return f"postgresql://forum@{HOST}:{self.port}/forum"

    def command(self) -> list[str]:
        return [
            str(self.bin / "postgres"),
            *("-D", str(self.data), "-p", str(self.port), "-k", str(self.directory)),
            *("-c", f"listen_addresses={HOST}"),
            # A throwaway server: nothing it holds needs to survive a crash of the machine.
            *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
        ]

    def launch(self) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self._account_arguments(),
        )

    def answers(self) -> bool:
        result = subprocess.run(
            [self.bin / "pg_isready", "-q", "-h", HOST, "-p", str(self.port), "-t", "1"],
            check=False,
        )
        return result.returncode == 0

    def create_database(self) -> None:
        self._as_account(
            self.bin / "createdb", "-h", HOST, "-p", str(self.port), "-U", "forum", "forum"
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _account_arguments(self) -> dict:
        if os.geteuid() != 0:
            return {}
        return {"user": self.account, "group": self.account, "extra_groups": []}

    def _as_account(self, *command) -> None:
        subprocess.run(
            [str(part) for part in command],
            check=True,
            stdout=subprocess.DEVNULL,
            **self._account_arguments(),
        )


class Gunicorn(Server):
    """The forum served by gunicorn, configured by `environment` as a deployment is: by this
    Python, or by `python` (another environment's), from `directory` (by default, this one)."""

    name = "gunicorn"

    def __init__(
        self,
        environment: dict[str, str],
        python: Path = Path(sys.executable),
        directory: Path | None = None,
    ) -> None:
        super().__init__()
        self.environment = environment
        self.python = python
        self.directory = directory

    def command(self) -> list[str]:
        return [
            *(str(self.python), "-m", "gunicorn"),
            *("--bind", f"{HOST}:{self.port}", "--workers", "1", "--threads", "2"),
            "forum:create_app()",
        ]

    def launch(self) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(),
            env={**os.environ, **self.environment},
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def answers(self) -> bool:
        return port_open(self.port)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[HTTPResponse, str]:
        """The answer to a GET of `path`, and its body as text."""
        connection = HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response, response.read().decode()
        finally:
            connection.close()


def _exchange(port: int, request: bytes) -> bytes:
    try:
        with socket.create_connection((HOST, port), timeout=1) as connection:
            connection.sendall(request)
            return connection.recv(64)
    except OSError:
        return b""


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (PostgreSQL's backends and helpers), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children
