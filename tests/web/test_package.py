"""The forum as an operator installs it: the wheel built from this checkout, installed into an
environment of its own, set up and served by gunicorn from a folder outside the repository.

The wheel carries its templates, static files, migrations, content and htmx, and nothing else of
the checkout; once installed it reads none of the checkout's files (a mark put in its own copy
of the base template shows on its pages), its static files and htmx are kept by browsers for a
year, and it hashes the same code as the checkout it was built from.

Built offline, with this environment's setuptools (pinned in the dev extras), in a copy of the
checkout so that no build leaves files in the repository. The wheel is installed alone; this
environment's site-packages give it its dependencies (a .pth file), so it all takes seconds.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

import pytest
from support.throwaway import Gunicorn

from forum.paths import CHECKOUT, CONTENT, HTMX, HTMX_DIST, HTMX_FILES, MIGRATIONS, STATIC
from forum.paths import TEMPLATES as CHECKOUT_TEMPLATES
from forum.web.conditional import CODE, code_version


def builds_wheels_offline() -> bool:
    """setuptools makes wheels by itself from 70.1 on (older ones need the `wheel` package,
    which the environment doesn't have): read from its metadata, not imported."""
    try:
        major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    except PackageNotFoundError:
        return False
    return (major, minor) >= (70, 1)


pytestmark = pytest.mark.skipif(
    not builds_wheels_offline(),
    reason="this environment's setuptools can't build a wheel offline: "
    "`make setup` installs the one pinned in pyproject.toml's dev extras",
)

# What a checkout holds that is no part of the build's source: copied, it would only slow the
# copy down. What the build must leave out (tests, node_modules, instance, .git) is there.
NOT_COPIED = shutil.ignore_patterns(
    ".venv", "node_modules", ".git", "instance", "__pycache__", "*.egg-info", "build", "dist",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "test-results",
)  # fmt: skip
# Never in the wheel: the build must pick what it carries.
NEVER_SHIPPED = {"tests", "node_modules", "instance", ".git", "bench", "__pycache__"}
A_YEAR = "max-age=31536000"
SITE_PACKAGES = "import sysconfig; print(sysconfig.get_path('purelib'))"
# What the installed forum says of itself.
DESCRIBE = """
import json, forum, forum.paths
from forum.web.conditional import CODE, code_version
print(json.dumps({
    "package": forum.__file__,
    "templates": str(forum.paths.TEMPLATES),
    "instance": str(forum.paths.INSTANCE),
    "code_version": code_version(CODE),
}))
"""
MARK = "<!-- the installed copy -->"


def run(*command: str | Path, directory: Path | None = None, **environment: str) -> str:
    """Run a command to its end, and give what it printed; fail the test, saying what it
    printed, if it failed."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=directory,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def files_under(wheel: zipfile.ZipFile, folder: str) -> dict[str, bytes]:
    prefix = folder + "/"
    return {
        name.removeprefix(prefix): wheel.read(name)
        for name in wheel.namelist()
        if name.startswith(prefix)
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout as it is (node_modules, .git and an
    instance/ folder beside it, as in a checkout someone has run)."""
    source = tmp_path_factory.mktemp("checkout") / "forum"
    shutil.copytree(CHECKOUT, source, ignore=NOT_COPIED)
    (source / "node_modules").symlink_to(CHECKOUT / "node_modules")
    if (CHECKOUT / ".git").exists():
        (source / ".git").symlink_to(CHECKOUT / ".git")
    (source / "instance").mkdir()
    (source / "instance" / "secret_key").write_text("a checkout's own secret")

    built = tmp_path_factory.mktemp("wheel")
    run(
        *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
        *("--no-index", "--quiet", "--wheel-dir", built, source),
    )
    [found] = built.glob("*.whl")
    return found


@dataclass(frozen=True)
class Installed:
    python: Path
    forum: Path
    templates: Path
    instance: Path
    code_version: str
    """The hash of the code that renders pages, as the installed forum makes it."""


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Installed:
    """The wheel alone in a new environment, which finds its dependencies in this one."""
    environment = tmp_path_factory.mktemp("environment")
    run(sys.executable, "-m", "venv", "--without-pip", environment)
    python = environment / "bin" / "python"
    run(
        *(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps"),
        *("--no-index", "--quiet", wheel),
    )
    site_packages = Path(run(python, "-c", SITE_PACKAGES).strip())
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    described = run(python, "-c", DESCRIBE, directory=tmp_path_factory.mktemp("elsewhere"),
                    PYTHONPATH="")  # fmt: skip
    found = json.loads(described)
    assert Path(found["package"]).is_relative_to(site_packages)
    return Installed(
        python=python,
        forum=environment / "bin" / "forum",
        templates=Path(found["templates"]),
        instance=Path(found["instance"]),
        code_version=found["code_version"],
    )


@pytest.fixture(scope="module")
def served(installed: Installed, tmp_path_factory) -> Iterator[Gunicorn]:
    """The installed forum, set up and served as a deployment is, from a folder outside the
    repository, on a SQLite database of its own, with a mark in its own copy of base.html."""
    deployment = tmp_path_factory.mktemp("deployment")
    assert not deployment.resolve().is_relative_to(CHECKOUT)
    settings = {
        "DATABASE_URL": f"sqlite:///{deployment / 'forum.db'}",
        "SECRET_KEY": "",  # generated into the installed forum's instance folder
        "REDIS_URL": "",
        "PYTHONPATH": "",
    }
    migrated = run(installed.forum, "db", "upgrade", directory=deployment, **settings)
    imported = run(installed.forum, "import-article", directory=deployment, **settings)
    assert "Migrated to 0001_initial" in migrated
    assert "Article created" in imported

    base = installed.templates / "base.html"
    marked = base.read_text().replace("</body>", f"{MARK}</body>")
    assert MARK in marked
    base.write_text(marked)

    server = Gunicorn(settings, python=installed.python, directory=deployment)
    server.start()
    yield server
    server.stop()


def test_the_wheel_carries_what_the_forum_serves_and_nothing_else_of_the_checkout(wheel):
    with zipfile.ZipFile(wheel) as built:
        names = built.namelist()
        carried = {
            folder: files_under(built, f"forum/_bundled/{folder}")
            for folder in ("templates", "static", "migrations", "htmx.org")
        }
        content = files_under(built, "forum/content")

    tops = {PurePosixPath(name).parts[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"forum"}
    for name in names:
        assert not NEVER_SHIPPED.intersection(PurePosixPath(name).parts), name
    assert carried["templates"] == files_in(CHECKOUT_TEMPLATES)
    assert carried["static"] == files_in(STATIC)
    assert carried["migrations"] == files_in(MIGRATIONS)
    assert content == files_in(CONTENT)
    # htmx as npm installed it, and only what the forum serves of it.
    assert carried["htmx.org"] == {
        "package.json": (HTMX / "package.json").read_bytes(),
        **{f"dist/{name}": (HTMX_DIST / name).read_bytes() for name in HTMX_FILES},
    }


def test_the_installed_forum_hashes_the_same_code_as_the_checkout(installed):
    """Guests' pages carry a validator made of the code that renders them: a server installed
    from the wheel and one run from the checkout answer the same pages with the same one."""
    assert installed.code_version == code_version(CODE)


def test_the_installed_forum_serves_its_pages_from_its_own_files(served, installed):
    response, home = served.get("/")
    article = re.search(r'href="(/t/1-[^"]+)"', home)

    assert response.status == 200
    assert "Seeking help is a sign of strength" in home
    assert MARK in home  # the installed copy of base.html, not the repository's
    assert article is not None
    response, thread = served.get(article[1])
    assert response.status == 200
    assert "Seeking help is a sign of strength" in thread
    assert MARK in thread
    # The secret key generated where an installed forum keeps its instance folder.
    assert (installed.instance / "secret_key").is_file()
    assert installed.instance.is_relative_to(installed.python.parents[1])


def test_the_installed_forums_files_are_kept_by_browsers_for_a_year(served):
    _, home = served.get("/")
    stylesheet = re.search(r'"(/static/css/forum\.[0-9a-f]{10}\.css)"', home)
    version = json.loads((HTMX / "package.json").read_text())["version"]
    assert stylesheet is not None, "no fingerprinted stylesheet on the home page"

    for address, file in [
        (stylesheet[1], STATIC / "css" / "forum.css"),
        (f"/vendor/htmx/{version}/htmx.min.js", HTMX_DIST / "htmx.min.js"),
    ]:
        response, body = served.get(address)
        cache_control = response.getheader("Cache-Control", "")
        assert response.status == 200, address
        assert "immutable" in cache_control, (address, cache_control)
        assert A_YEAR in cache_control, (address, cache_control)
        assert body == file.read_text(), address
