"""Real Chromium against a live forum: Debian's browser, and a server for each test's app.

Playwright's own browser download is never used (the machines that run the suite cannot fetch
it, and Debian's Chromium is the one installed): the session launches the system Chromium,
with the flags it needs to run as root in a container without a display or GPU.

Headless runs prefer Debian's `chromium-headless-shell`, the same Chromium release built
without the browser's windows: it is what Playwright itself runs headless, and here it opens a
browser context in a quarter of the time the full browser takes, which more than halves the
browser tests. Without it (or with --headed) the full `chromium` runs them.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from support.browser import SignIn, serving
from support.browser import sign_in as sign_in_with_cookie

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HEADLESS_SHELL = shutil.which("chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Chains to pytest-playwright's fixture, so --headed and --slowmo still work.
    headless = browser_type_launch_args.get("headless", True)
    executable = os.environ.get("CHROMIUM_PATH") or (
        HEADLESS_SHELL if headless and HEADLESS_SHELL else CHROMIUM
    )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """pytest-playwright's own fallback, as a plain function.

    pytest-playwright 0.10 defines this fixture as a method of a plugin object, which pytest
    >= 9.1 deprecates with a PytestRemovedIn10Warning (an error in this suite) when it is used.
    Same behaviour: --base-url or the ini value, else None. Tests use full URLs from
    `live_server`, which changes with every test, so it isn't the base URL.
    """
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's own app, served on a free port; yields its base URL.

    Requests are handled in the server's threads, each with its own app context and database
    session: commit what a test creates before the browser asks for it.
    """
    with serving(app) as url:
        yield url


@pytest.fixture
def sign_in(app: Flask, live_server: str) -> SignIn:
    """`sign_in(page, pseudonym)`: that member is logged in on the page's browser context, without
    the login form (see support.browser.sign_in)."""

    def signing_in(page: Page, pseudonym: str) -> None:
        sign_in_with_cookie(page, app, live_server, pseudonym)

    return signing_in


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    """Where pictures for people to look at go (pytest-playwright empties it at session start)."""
    directory = Path(pytestconfig.getoption("--output")) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
