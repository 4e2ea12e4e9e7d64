"""Passwords are hashed with argon2's own default profile in production; the suite uses the
cheapest profile, which proves the same things a thousand times faster."""

from argon2 import PasswordHasher, extract_parameters, profiles
from support.config import REDIS_URL

from forum import create_app
from forum.accounts import passwords


def test_a_deployment_hashes_with_argon2s_defaults(monkeypatch, tmp_path):
    """The app as `make run` and gunicorn build it: from the environment, no test settings."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'forum.db'}")
    monkeypatch.setenv("SECRET_KEY", "a deployment's own key")
    # Rate limits where the suite keeps them: the limiter is one object for every app of the
    # process, and the storage of the last app built is the one the next tests count in.
    if REDIS_URL:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    deployed = create_app()

    with deployed.app_context():
        stored = passwords.hash_password("quiet river at dawn")
        assert passwords.verify_password(stored, "quiet river at dawn")

    assert extract_parameters(stored) == extract_parameters(PasswordHasher().hash("x"))
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY


def test_the_suite_hashes_with_the_cheapest_profile(app):
    stored = passwords.hash_password("quiet river at dawn")

    assert extract_parameters(stored) == profiles.CHEAPEST
    assert passwords.verify_password(stored, "quiet river at dawn")
    assert not passwords.verify_password(stored, "quiet river at dusk")
    assert not passwords.verify_password(None, "quiet river at dawn")  # no such member
