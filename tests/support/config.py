"""The forum's settings under test, and what the environment says to test against.

SQLite by default. TEST_DATABASE_URL points the suite at PostgreSQL, and TEST_REDIS_URL keeps
the rate limits in Redis, as a deployment of several app servers does. When pytest-xdist runs
the suite in several worker processes, each worker gets a PostgreSQL schema and a Redis
database of its own (see `worker_schema` and `worker_redis_url`), so no worker ever empties
tables or counters that another is using.
"""

import os
from urllib.parse import urlsplit, urlunsplit

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()

# "gw0", "gw1"... in an xdist worker; unset when pytest runs alone.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_index() -> int:
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def worker_schema(purpose: str = "test") -> str:
    """The PostgreSQL schema this process's tests use (or use for `purpose`): one per worker."""
    return f"{purpose}_{WORKER or 'main'}"


def worker_redis_url(url: str) -> str:
    """`url` with the database number counted down by the worker's index: redis://host/15
    for the first worker (or a run without workers), redis://host/14 for the second..."""
    if not url:
        return ""
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    number = first - worker_index()
    if number < 0:
        raise RuntimeError(
            f"TEST_REDIS_URL {url} leaves no Redis database for worker {WORKER}: "
            "give it a higher database number, or run fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


REDIS_URL = worker_redis_url(TEST_REDIS_URL)


def forum_config(database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        # Emptied before every test (support/apps.py), so no test's counts reach another.
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        "SITE_NAME": "Test Forum",
        # Hashing at production cost takes about a second a password here and proves nothing
        # more; accounts/test_password_hashing.py checks that deployments keep argon2's
        # defaults.
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        # Off unless a test is about it: most tests need a new member's post seen at once.
        "FIRST_POSTS_NEED_APPROVAL": 0,
    }
