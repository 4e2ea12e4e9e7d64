"""The forum app the tests run: built once per test process, and put back as built before
each test.

Building an app compiles its URL rules, its templates and its SQL statements afresh (about
40 ms here before it renders anything), and every test needs an app. So each process
builds one and every test starts it as new: its configuration as built (tests change settings
such as the posting pace), no rate-limit counts, and an empty database (the `app` fixture
empties it; see databases.py). A test that changes the app itself, by adding a route, is
marked `own_app` and gets one built for it alone, on the same database.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, template_rendered

from forum import cli, create_app
from forum.extensions import limiter

from .clients import IsolatedClient
from .config import forum_config


def build_app(database_uri: str, **settings) -> Flask:
    """The forum on `database_uri`, with the suite's settings and `settings` over them, and
    with the `forum` command's commands (as that command runs it), for the tests of those."""
    app = create_app({**forum_config(database_uri), **settings})
    cli.init_app(app)
    app.test_client_class = IsolatedClient
    return app


def forget_rate_limits() -> None:
    """No counts from earlier tests, in whichever storage the limiter has: it is one object for
    every app of the process, so its storage is the one the last app built gave it."""
    limiter.reset()


class ReusedApp:
    """One app for every test of a process that doesn't change the app itself."""

    def __init__(self, database_uri: str) -> None:
        self.app = build_app(database_uri)
        self.config = dict(self.app.config)
        self.routes = routes(self.app)

    def as_built(self) -> Flask:
        self.app.config.clear()
        self.app.config.update(self.config)
        # Pages kept for guests, and replies for members, were rendered from an earlier
        # test's database.
        self.app.extensions["guest_pages"].clear()
        self.app.extensions["member_replies"].clear()
        return self.app

    def check_unchanged(self) -> None:
        """After a test: Flask refuses new routes only once the app has served a request, so
        a route added before that would otherwise stay for the tests after it."""
        added = routes(self.app) - self.routes
        assert not added, f"a test added {sorted(added)} to the shared app: mark it own_app"


def routes(app: Flask) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules()}


@contextmanager
def renders(app: Flask) -> Iterator[list[str]]:
    """`with renders(app) as rendered:` the names of the templates rendered inside the block."""
    rendered: list[str] = []

    def record(sender, template, context, **extra) -> None:
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record, app)
