"""The client's address (rate limits count by it) and scheme, behind proxies: X-Forwarded-For
and X-Forwarded-Proto are believed only as far as TRUSTED_PROXIES says proxies of our own
wrote them, and not at all by default. (tests/deploy runs the same behind a real nginx.)"""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from support.apps import build_app
from support.clients import device
from support.forms import log_in

from forum import config
from forum.database import db

WRONG = "not my password at all"
# Wrong passwords for one pseudonym from one address before that address must wait.
TRIES = 5


def guess(client, forwarded_for: str) -> int:
    """A wrong password for Wren, sent through a proxy that says it came from `forwarded_for`."""
    return log_in(client, "Wren", WRONG, headers={"X-Forwarded-For": forwarded_for}).status_code


def made_to_wait(client, forwarded_for: str) -> None:
    for _ in range(TRIES):
        assert guess(client, forwarded_for) == 422
    assert guess(client, forwarded_for) == 429


@pytest.fixture
def behind(database_uri: str) -> Iterator[Callable[[int], Flask]]:
    """Makes the forum behind `proxies` proxies, on the test's database."""
    built: list[Flask] = []

    def build(proxies: int) -> Flask:
        built.append(build_app(database_uri, TRUSTED_PROXIES=proxies))
        return built[-1]

    yield build
    for forum in built:
        with forum.app_context():
            db.engine.dispose()


def test_by_default_a_forwarded_address_is_ignored(client, wren):
    """Anyone can write X-Forwarded-For: without proxies of our own, every guess counts against
    the connection's address, whatever the header says."""
    made_to_wait(client, "198.51.100.1")

    assert guess(client, "198.51.100.2") == 429


def test_behind_one_proxy_the_address_it_forwards_is_the_clients(behind, wren):
    forum = behind(1)
    proxy = device(forum)  # every request comes from the proxy's own address
    made_to_wait(proxy, "198.51.100.1")

    assert guess(proxy, "198.51.100.2") == 422, "another client is not made to wait"
    # The client wrote the first entry itself; the proxy added the address it saw.
    assert guess(proxy, "198.51.100.2, 198.51.100.1") == 429


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_end(behind, wren):
    """A load balancer, then nginx: each adds the address it was asked from."""
    forum = behind(2)
    proxy = device(forum)
    made_to_wait(proxy, "198.51.100.1, 10.0.0.5")

    assert guess(proxy, "198.51.100.2, 10.0.0.5") == 422
    assert guess(proxy, "203.0.113.9, 198.51.100.1, 10.0.0.5") == 429


def test_https_is_known_from_a_trusted_proxy_only(client, behind):
    """HTTPS ended at the proxy: the app sends HSTS when the proxy it trusts says so."""
    https = {"X-Forwarded-Proto": "https"}

    assert "Strict-Transport-Security" not in client.get("/help", headers=https).headers
    behind_one = device(behind(1)).get("/help", headers=https)
    assert behind_one.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(("value", "proxies"), [("", 0), ("0", 0), (" 1 ", 1), ("2", 2)])
def test_the_number_of_proxies_comes_from_the_environment(monkeypatch, tmp_path, value, proxies):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    monkeypatch.setenv("SECRET_KEY", "k")

    assert config.from_environment(tmp_path)["TRUSTED_PROXIES"] == proxies


@pytest.mark.parametrize("value", ["yes", "-1", "1.5", "127.0.0.1"])
def test_anything_but_a_number_of_proxies_stops_the_forum_starting(monkeypatch, tmp_path, value):
    """Never a guess: a forum that believed every forwarded address would let anyone out of
    every rate limit."""
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    monkeypatch.setenv("SECRET_KEY", "k")

    with pytest.raises(ValueError, match="TRUSTED_PROXIES must be a number of proxies"):
        config.from_environment(tmp_path)
