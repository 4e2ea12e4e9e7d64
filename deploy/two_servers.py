"""nginx in front of two app servers on this machine, over one PostgreSQL database and one
Redis, each run with the configuration files docs/deploy.md ships (deploy/nginx/forum.conf,
deploy/gunicorn.conf.py), changed in nothing but their ports and paths: to try a deployment
before making it for real. tests/deploy runs it too.

    .venv/bin/python deploy/two_servers.py postgresql://127.0.0.1:5432/forum \\
        redis://127.0.0.1:6379/4

It migrates the database (`forum db upgrade`), imports the article, starts the app servers and
nginx, says where they are, and serves until Ctrl+C. Everything listens on 127.0.0.1 alone, on
ports nothing else uses, and runs as the current user; nginx's files (its main configuration,
a self-signed certificate for forum.example.org, its pid file and error log) are kept in a
temporary folder, removed at the end.
"""

import argparse
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE_CONFIGURATION = DEPLOY / "nginx" / "forum.conf"
GUNICORN_CONFIGURATION = DEPLOY / "gunicorn.conf.py"
# The programs of the virtual environment this runs in.
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# The name forum.conf serves: requests must ask for it (HTTPS: in the handshake, too).
SITE = "forum.example.org"
STARTING_TIMEOUT = 30.0


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (the system's choice, just released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True


def nginx_program() -> str | None:
    """Debian puts nginx in /usr/sbin, which an ordinary user's PATH may leave out."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def why_not_here() -> str | None:
    """What this machine lacks to run the deployment, or None."""
    if nginx_program() is None:
        return "nginx is not installed (`make nginx` as root, or apt-get install nginx)"
    if shutil.which("openssl") is None:
        return "openssl is not installed (it makes the certificate nginx serves)"
    return None


class Process:
    """A server started here, in a process group of its own (gunicorn's workers, nginx's),
    writing to a log file."""

    name = "server"
    # How it is asked to stop at once, letting go of its port and files (nginx: SIGTERM).
    stop_signal = signal.SIGTERM

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def answers(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTING_TIMEOUT
        while not self.answers():
            if not self.running():
                raise RuntimeError(f"{self.name} stopped as it started: see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in {STARTING_TIMEOUT} s")
            time.sleep(0.05)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to every process of the server at once, as a crash of its host would."""
        self.signal(signal.SIGKILL)
        self.wait_ended()

    def signal(self, number: signal.Signals) -> None:
        if self.running():
            os.killpg(self.process.pid, number)

    def wait_ended(self) -> None:
        """Until every process of the server has ended (killed if it takes too long)."""
        if self.process is None:
            return
        try:
            self.process.wait(STARTING_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # The group's other processes (workers) end with their master: wait for the last one.
        deadline = time.monotonic() + STARTING_TIMEOUT
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                self.process = None
                return
            time.sleep(0.02)
        raise RuntimeError(f"{self.name}'s processes outlived their master")


def stop(servers: list[Process]) -> None:
    """Each asked to stop at once, all together (each takes a moment), and waited for."""
    for server in servers:
        server.signal(server.stop_signal)
    for server in servers:
        server.wait_ended()


class AppServer(Process):
    """One app server: gunicorn with deploy/gunicorn.conf.py, on a port of its own."""

    # gunicorn's quick shutdown (SIGTERM waits for requests under way, up to 30 s).
    stop_signal = signal.SIGINT

    def __init__(self, name: str, environment: dict[str, str], folder: Path) -> None:
        super().__init__(folder / f"{name}.log")
        self.name = name
        self.port = free_port()
        self.settings = environment

    def command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            *("--config", str(GUNICORN_CONFIGURATION)),
            *("--bind", f"{HOST}:{self.port}"),
        ]

    def environment(self) -> dict[str, str]:
        return self.settings

    def answers(self) -> bool:
        connection = HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except (OSError, HTTPException):
            return False
        finally:
            connection.close()


# nginx's main file. In a deployment, Debian's /etc/nginx/nginx.conf has its place; here it
# keeps every file nginx writes in the folder, and nginx in the foreground.
MAIN_CONFIGURATION = """\
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{
    worker_connections 256;
}}

http {{
    default_type application/octet-stream;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    include {folder}/forum.conf;
}}
"""


def site_configuration(app_ports: list[int], http_port: int, https_port: int, folder: Path) -> str:
    """deploy/nginx/forum.conf as shipped, with this machine's ports and paths in place of the
    deployment's (nginx's pages, and the read-only switch, in `folder`/site); and nothing
    listening anywhere but on 127.0.0.1."""
    text = SITE_CONFIGURATION.read_text()
    first, second = app_ports
    here = {
        "server 127.0.0.1:8001 ": f"server {HOST}:{first} ",
        "server 127.0.0.1:8002 ": f"server {HOST}:{second} ",
        "listen 80": f"listen {HOST}:{http_port}",
        "listen 443": f"listen {HOST}:{https_port}",
        "/etc/letsencrypt/live/forum.example.org/": f"{folder}/tls/",
        "/etc/nginx/forum": f"{folder}/site",
    }
    for shipped, replacement in here.items():
        if shipped not in text:
            raise RuntimeError(f"{SITE_CONFIGURATION} no longer says {shipped!r}: update me")
        text = text.replace(shipped, replacement)
    listening = re.findall(r"^\s*listen\s+(\S+)", text, re.MULTILINE)
    elsewhere = [address for address in listening if not address.startswith(f"{HOST}:")]
    if elsewhere:
        raise RuntimeError(f"{SITE_CONFIGURATION} would listen on {elsewhere}: update me")
    return text


class Proxy(Process):
    """nginx with deploy/nginx/forum.conf, in front of the app servers on `app_ports`."""

    name = "nginx"

    def __init__(self, folder: Path, app_ports: list[int]) -> None:
        self.folder = folder / "nginx"
        super().__init__(self.folder / "output.log")
        self.http_port = free_port()
        self.https_port = free_port()
        for sub in ("tls", "temp", "site"):
            (self.folder / sub).mkdir(parents=True)
        for page in (DEPLOY / "nginx").glob("*.html"):
            shutil.copy(page, self.folder / "site")
        # While this file exists, nothing sent reaches the app servers (forum.conf).
        self.read_only = self.folder / "site" / "read-only"
        self.certificate = self.folder / "tls" / "fullchain.pem"
        make_certificate(self.certificate, self.folder / "tls" / "privkey.pem")
        (self.folder / "forum.conf").write_text(
            site_configuration(app_ports, self.http_port, self.https_port, self.folder)
        )
        # As root, nginx's workers would otherwise run as `nobody`: here, as the current user.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            MAIN_CONFIGURATION.format(folder=self.folder, user=user)
        )

    def command(self) -> list[str]:
        nginx = nginx_program()
        assert nginx is not None, why_not_here()
        return [
            nginx,
            *("-p", str(self.folder)),
            *("-c", str(self.folder / "nginx.conf")),
            # Before it reads its configuration: not Debian's /var/log/nginx.
            *("-e", str(self.folder / "error.log")),
        ]

    def answers(self) -> bool:
        return port_open(self.https_port)

    @property
    def address(self) -> str:
        return f"https://{SITE}:{self.https_port}/"


def make_certificate(certificate: Path, key: Path) -> None:
    """A self-signed certificate for SITE, good for two days."""
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec"),
            *("-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"),
            *("-subj", f"/CN={SITE}", "-addext", f"subjectAltName=DNS:{SITE}"),
            # Its own authority too, as strict checkers want one described.
            *("-addext", "keyUsage=critical,digitalSignature,keyCertSign"),
            *("-addext", "extendedKeyUsage=serverAuth"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )


def settings(database_url: str, redis_url: str) -> dict[str, str]:
    """What every app server is given, as docs/deploy.md says: the same database, Redis and
    secret key for all; one proxy in front; cookies over HTTPS only."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    return {
        **environment,
        # The forum of this folder, whatever the virtual environment's own path says.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_hex(32),
        "TRUSTED_PROXIES": "1",
        "SECURE_COOKIES": "1",
    }


class Deployment:
    """The database migrated and the article in it, two app servers, and nginx in front:
    `with Deployment(...) as deployment:`, all stopped at the end."""

    def __init__(self, database_url: str, redis_url: str, **more_settings: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="forum-deploy-"))
        self.settings = {**settings(database_url, redis_url), **more_settings}
        self.app_servers = [AppServer(name, self.settings, self.folder) for name in ("a", "b")]
        self.proxy = Proxy(self.folder, [server.port for server in self.app_servers])

    def forum(self, *arguments: str) -> None:
        """The `forum` command, as the operator runs it on a deploy."""
        done = subprocess.run(
            [str(BIN / "forum"), *arguments],
            cwd=ROOT,
            env=self.settings,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"forum {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")

    def __enter__(self) -> "Deployment":
        servers = [*self.app_servers, self.proxy]
        try:
            self.forum("db", "upgrade")
            for server in servers:
                server.start()
            self.forum("import-article")  # while they start
            for server in servers:
                server.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exception) -> None:
        stop([self.proxy, *self.app_servers])
        shutil.rmtree(self.folder, ignore_errors=True)


def serve(database_url: str, redis_url: str, until: Callable[[], None]) -> None:
    with Deployment(database_url, redis_url) as deployment:
        proxy = deployment.proxy
        print(f"The forum, through nginx: {proxy.address}")
        print(
            f"  e.g. curl --resolve {SITE}:{proxy.https_port}:{HOST} "
            f"--cacert {proxy.certificate} {proxy.address}"
        )
        for server in deployment.app_servers:
            print(f"App server {server.name}: http://{HOST}:{server.port}/ (log: {server.log})")
        print("Ctrl+C stops them all.")
        until()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="PostgreSQL, e.g. postgresql://127.0.0.1/forum")
    parser.add_argument("redis_url", help="Redis, e.g. redis://127.0.0.1:6379/4")
    arguments = parser.parse_args()
    reason = why_not_here()
    if reason:
        raise SystemExit(reason)
    # Stopped by a service manager or `timeout`, as by Ctrl+C: the servers stop too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        serve(arguments.database_url, arguments.redis_url, until=signal.pause)
    except KeyboardInterrupt:
        print("Stopped.")


if __name__ == "__main__":
    main()
