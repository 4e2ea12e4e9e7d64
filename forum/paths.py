"""Where the forum's folders are: this module alone decides, and every other asks it.

In a checkout (`make run`, the tests, the editable install of `make setup`) templates/, static/
and migrations/ are the repository's own, at its top, and htmx is the pinned npm package in
node_modules/. A wheel can carry only the `forum` package, so its build (setup.py) copies them
into the package, in forum/_bundled/, and an installed forum finds them there: it needs no
checkout, and never reads one.

setup.py reads this file on its own (the forum's dependencies may be missing where a wheel is
built): it imports nothing but the standard library.
"""

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLE = PACKAGE / "_bundled"

# The files of htmx's dist/ that the forum serves; the rest of the npm package stays private.
HTMX_FILES = ("htmx.min.js", "htmx.min.js.map")

# What a wheel carries in forum/_bundled/, by name: the folder of the repository it copies,
# and which of its files (None: every one).
BUNDLED: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "templates": ("templates", None),
    "static": ("static", None),
    "migrations": ("migrations", None),
    # Its version (package.json), and the files served.
    "htmx.org": (
        "node_modules/htmx.org",
        ("package.json", *(f"dist/{name}" for name in HTMX_FILES)),
    ),
}

# Only a wheel's build makes forum/_bundled/ (never in the repository: .gitignore).
INSTALLED = BUNDLE.is_dir()


def _folder(name: str) -> Path:
    return BUNDLE / name if INSTALLED else CHECKOUT / BUNDLED[name][0]


TEMPLATES = _folder("templates")
STATIC = _folder("static")
MIGRATIONS = _folder("migrations")
# The npm package's own layout, in both cases: package.json beside dist/.
HTMX = _folder("htmx.org")
HTMX_DIST = HTMX / "dist"
# The article, crisis resources and phrase lists: data of the package itself, in both cases.
CONTENT = PACKAGE / "content"
# The SQLite database and the generated secret key, when the environment names neither:
# instance/ in a checkout; once installed, Flask's own choice for an installed package, in the
# environment it is installed in (a deployment usually sets DATABASE_URL and SECRET_KEY).
INSTANCE = Path(sys.prefix) / "var" / "forum-instance" if INSTALLED else CHECKOUT / "instance"
