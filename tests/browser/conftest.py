"""Real Chromium against a live forum: Debian's browser, a server per test, and axe-core.

Playwright's own browser download is never used (see ../shared/notes/stack-verified.md §3):
the session launches the system Chromium with the flags a container needs.
"""

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
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
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for it, once per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    """Where pictures for people to look at go (pytest-playwright empties it at session start)."""
    directory = Path(pytestconfig.getoption("--output")) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now: rule id, impact, help and the elements.

    The forum's Content-Security-Policy (script-src 'self') blocks the inline script that
    `add_script_tag(path=...)` would write, and bypassing the CSP would test a different page.
    So axe is offered at a same-origin URL that Playwright answers from node_modules; the
    server never sees the request.
    """
    origin = urlsplit(page.url)
    axe_url = f"{origin.scheme}://{origin.netloc}/__tests__/axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
            "html": [node["html"] for node in violation["nodes"]][:3],
            "summary": [node["failureSummary"] for node in violation["nodes"]][:1],
        }
        for violation in result["violations"]
    ]
