"""Front-end files installed by `npm ci` (or carried by the wheel: forum.paths) and served by
the forum itself, never from a CDN."""

import json

from flask import Blueprint, Flask, abort, current_app

from ..paths import HTMX, HTMX_DIST, HTMX_FILES
from .assets import Asset, read_asset

bp = Blueprint("vendor", __name__)


def htmx_version() -> str:
    package = HTMX / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except FileNotFoundError:
        raise RuntimeError("htmx is not installed: run `npm ci` (or `make run`)") from None


@bp.get("/vendor/htmx/<version>/<name>")
def htmx(version: str, name: str):
    """htmx, at a URL that names its version: the same bytes for good, so browsers keep it for
    a year without asking again."""
    if version != current_app.config["HTMX_VERSION"] or name not in HTMX_FILES:
        abort(404)
    return current_app.extensions["htmx_files"][name].immutable_response()


def init_app(app: Flask) -> None:
    app.config["HTMX_VERSION"] = htmx_version()
    # Read once, as the site's own files are (forum.web.assets).
    files: dict[str, Asset] = {name: read_asset(HTMX_DIST / name, name) for name in HTMX_FILES}
    app.extensions["htmx_files"] = files
    app.register_blueprint(bp)
