"""Redis stopped or frozen: joining and logging in keep working, their limits counted in each
process's memory meanwhile; /healthz says the store is degraded without taking the server out
of rotation; and once Redis answers again, the limits go back to it, with no restart."""

import itertools
import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from support.forms import join, log_in
from support.members import make_member
from support.throwaway import ThrowawayRedis, wait_until

from forum.models import User

DEGRADED = {"status": "degraded", "rate_limits": "memory fallback"}
# The login form again, saying the pseudonym and password don't match (a limit reached is 429).
WRONG_PASSWORD = 422
# Redis's socket timeout is half a second; a request may meet it twice (the limiter's count,
# then its look at whether Redis is back): about a second. Allow for a busy machine, not for
# a hang.
FROZEN_COSTS_AT_MOST = 3.0
# Test addresses (RFC 5737), one per test: the limiter's memory fallback outlives a test.
ADDRESSES = (f"198.51.100.{number}" for number in itertools.count(1))


@pytest.fixture
def phone(forum_with_redis: Flask) -> FlaskClient:
    client = forum_with_redis.test_client()
    client.environ_base["REMOTE_ADDR"] = next(ADDRESSES)
    return client


@pytest.fixture
def wren(forum_with_redis: Flask) -> User:
    return make_member("Wren", days_old=30)


def timed(request: Callable[[], object]) -> tuple[object, float]:
    start = time.monotonic()
    answer = request()
    return answer, time.monotonic() - start


def counts_in(redis: ThrowawayRedis) -> int:
    with Redis.from_url(redis.url) as client:
        return client.dbsize()


def test_with_redis_stopped_joining_and_logging_in_keep_working(
    redis: ThrowawayRedis, forum_with_redis: Flask, phone: FlaskClient
):
    redis.stop()

    joined = join(phone, "Juniper")
    other_phone = forum_with_redis.test_client()
    logged_in = log_in(other_phone, "Juniper")

    assert joined.status_code == 200
    assert "recovery codes" in joined.get_data(as_text=True)
    assert logged_in.status_code == 303
    health = phone.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == DEGRADED


def test_with_redis_stopped_guessing_is_still_refused(
    redis: ThrowawayRedis, phone: FlaskClient, wren: User
):
    """The limits hold meanwhile, counted in this process's memory."""
    redis.stop()

    answers = [log_in(phone, "Wren", "not the password").status_code for _ in range(25)]

    assert answers[0] == WRONG_PASSWORD
    assert 429 in answers


def test_with_redis_frozen_logging_in_costs_a_second_not_a_hang(
    redis: ThrowawayRedis, phone: FlaskClient, wren: User
):
    redis.freeze()

    response, took = timed(lambda: log_in(phone, "Wren"))
    health, health_took = timed(lambda: phone.get("/healthz"))

    assert response.status_code == 303
    assert took < FROZEN_COSTS_AT_MOST, f"logging in took {took:.1f} s"
    assert health.get_json() == DEGRADED
    assert health_took < FROZEN_COSTS_AT_MOST, f"/healthz took {health_took:.1f} s"


def test_once_redis_is_back_the_limits_are_counted_there_again(
    redis: ThrowawayRedis, phone: FlaskClient, wren: User
):
    redis.stop()
    assert log_in(phone, "Wren", "not the password").status_code == WRONG_PASSWORD

    redis.start()

    assert phone.get("/healthz").get_json() == {"status": "ok"}
    # The limiter looks at Redis again on its own schedule (after 1, 2, 4... seconds).
    wrong_guesses = (f"Stranger{number}" for number in itertools.count())
    wait_until(
        lambda: (
            log_in(phone, next(wrong_guesses), "no").status_code == WRONG_PASSWORD
            and counts_in(redis)
        ),
        "a failed login counted in Redis",
        timeout=10,
    )
