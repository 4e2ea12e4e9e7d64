"""Per-thread aliases for anonymous posts: "Anonymous Heron".

An alias comes from a keyed hash (HMAC-SHA256) of the account and the thread: the same member
keeps one alias inside a thread, and nothing links their aliases in two threads without the key.
The key is derived from the app's SECRET_KEY and never leaves the server.
"""

import hashlib
import hmac
from collections.abc import Collection

ANIMALS = (
    "Albatross", "Badger", "Beaver", "Bee", "Bison", "Bluebird", "Butterfly", "Capybara",
    "Cardinal", "Caribou", "Chickadee", "Crane", "Cricket", "Deer", "Dolphin", "Dove",
    "Dragonfly", "Duck", "Eagle", "Egret", "Elk", "Falcon", "Finch", "Firefly", "Fox",
    "Gazelle", "Gecko", "Goose", "Hare", "Hedgehog", "Heron", "Hummingbird", "Ibis",
    "Kingfisher", "Kite", "Koala", "Lark", "Lynx", "Magpie", "Manatee", "Marten", "Meadowlark",
    "Mole", "Moose", "Moth", "Nightingale", "Octopus", "Orca", "Osprey", "Otter", "Owl",
    "Panda", "Pelican", "Penguin", "Pheasant", "Plover", "Puffin", "Quail", "Rabbit", "Raven",
    "Robin", "Salmon", "Sandpiper", "Seal", "Sparrow", "Starling", "Stork", "Swallow", "Swan",
    "Swift", "Tern", "Thrush", "Tortoise", "Turtle", "Walrus", "Warbler", "Whale", "Wolf",
    "Wombat", "Woodpecker", "Wren", "Yak",
)  # fmt: skip


def _alias_key(secret_key: str) -> bytes:
    # A key of its own, so an alias can never help anyone learn the session-signing key.
    return hmac.new(secret_key.encode(), b"forum anonymous aliases", hashlib.sha256).digest()


def _candidate(key: bytes, subject: str, attempt: int) -> str:
    digest = hmac.new(key, f"{subject}:{attempt}".encode(), hashlib.sha256).digest()
    return "Anonymous " + ANIMALS[int.from_bytes(digest[:8], "big") % len(ANIMALS)]


def _first_free(key: bytes, subject: str, taken: Collection[str]) -> str:
    """The first of `subject`'s candidates not `taken`; past every animal, a numbered one
    ("Anonymous Heron 2")."""
    for attempt in range(len(ANIMALS) * 4):
        alias = _candidate(key, subject, attempt)
        if alias not in taken:
            return alias
    base = _candidate(key, subject, 0)
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


def alias_for(secret_key: str, user_id: int, thread_id: int, taken: Collection[str] = ()) -> str:
    """The alias of `user_id` in `thread_id`, avoiding aliases `taken` by others there.

    Collisions resolve by order of arrival: whoever posted anonymously first keeps the name the
    hash gives; a later author whose hash lands on a taken name tries the next hash, and so on.
    """
    return _first_free(_alias_key(secret_key), f"{thread_id}:{user_id}", taken)


def unlinked_alias(secret_key: str, post_id: int, taken: Collection[str]) -> str:
    """An alias for one post its author took their name off: derived from the post alone and
    unlike every alias `taken` in its thread (the author's own included), so that nobody who
    saw the post under a name can tie that name to the author's anonymous posts."""
    return _first_free(_alias_key(secret_key), f"unlinked:{post_id}", taken)
