"""The site's own files (static/) and htmx, at addresses that name their content, so that a
browser keeps them for a year and never asks again: `forum.3f09c1d2a4.css` is that file's
content for good, and the next version of it has another address.

Every file is read, hashed and kept in memory once, when the app starts (the whole folder is a
few tens of kilobytes), never per request. Pages ask `static_url("css/forum.css")`; the plain
address (`/static/css/forum.css`) still answers, for a link written down somewhere, with a
short cache.
"""

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Request, Response, abort, current_app, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

# Fingerprinted: the same address always has the same bytes.
FOR_A_YEAR = 31_536_000
# Un-fingerprinted: the same address may get other bytes after a deploy.
PLAIN_MAX_AGE = 300
HASH_DIGITS = 10
FINGERPRINT = re.compile(f"[0-9a-f]{{{HASH_DIGITS}}}")


@dataclass(frozen=True)
class Asset:
    name: str
    """Where it is, under static/ ("css/forum.css")."""
    data: bytes
    mimetype: str
    digest: str

    @property
    def fingerprinted(self) -> str:
        """Its name with its content's hash before the extension: css/forum.3f09c1d2a4.css."""
        folder, _, file = self.name.rpartition("/")
        stem, dot, extension = file.partition(".")
        named = f"{stem}.{self.digest}{dot}{extension}"
        return f"{folder}/{named}" if folder else named

    def response(self, max_age: int) -> Response:
        # Bytes, not a file: the response has a length, so flask-compress compresses it (it
        # leaves streamed files alone).
        response = Response(self.data, mimetype=self.mimetype)
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response.set_etag(self.digest)
        return response

    def immutable_response(self) -> Response:
        response = self.response(FOR_A_YEAR)
        response.cache_control.immutable = True
        return response


def read_asset(path: Path, name: str) -> Asset:
    data = path.read_bytes()
    if path.suffix == ".map":  # a source map: JSON, which `mimetypes` doesn't know by this name
        mimetype = "application/json"
    else:
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Asset(name, data, mimetype, hashlib.sha256(data).hexdigest()[:HASH_DIGITS])


class Assets:
    """The files of one folder, by name and by fingerprinted name."""

    def __init__(self, folder: Path) -> None:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        self.by_name = {
            p.relative_to(folder).as_posix(): read_asset(p, p.relative_to(folder).as_posix())
            for p in files
        }
        self.by_fingerprint = {asset.fingerprinted: asset for asset in self.by_name.values()}

    def digest(self) -> str:
        """One hash of every file: changes when any of them does."""
        return hashlib.sha256(
            "".join(f"{a.name}:{a.digest};" for a in self.by_name.values()).encode()
        ).hexdigest()


def assets() -> Assets:
    return current_app.extensions["assets"]


def static_url(filename: str) -> str:
    """The address of static/`filename` that names its content (cached for a year)."""
    asset = assets().by_name.get(filename)
    if asset is None:  # a mistake in a template: fail loudly, in tests
        raise LookupError(f"static/{filename} does not exist")
    return url_for("static", filename=asset.fingerprinted)


def data_uri(filename: str) -> str:
    """static/`filename` inside the page itself (the icon: one request fewer on a first view;
    `img-src 'self' data:` allows it)."""
    asset = assets().by_name[filename]
    if asset.mimetype == "image/svg+xml":
        # Percent-encoded text is smaller than base64 for SVG, and compresses better.
        return f"data:{asset.mimetype},{quote(asset.data.decode().strip(), safe='=:/')}"
    return f"data:{asset.mimetype};base64,{base64.b64encode(asset.data).decode()}"


def without_fingerprint(filename: str) -> str:
    """css/forum.3f09c1d2a4.css -> css/forum.css (a name without a fingerprint: itself)."""
    folder, slash, file = filename.rpartition("/")
    parts = file.split(".")
    if len(parts) > 2 and FINGERPRINT.fullmatch(parts[1]):
        file = ".".join([parts[0], *parts[2:]])
    return folder + slash + file


def serve_static(filename: str) -> Response:
    """Flask's `static` endpoint: a fingerprinted address for a year, immutable; a plain one
    for a few minutes. So does an address with another version's fingerprint: while servers
    are updated one by one, a page from an updated one may ask one not yet updated (or the
    other way round) for its stylesheet, which must come all the same."""
    found = assets()
    asset = found.by_fingerprint.get(filename)
    if asset is not None:
        return asset.immutable_response()
    asset = found.by_name.get(without_fingerprint(filename))
    if asset is None:
        abort(404)
    return asset.response(PLAIN_MAX_AGE)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's own, but for two things. An immutable file is the same for every reader, so it
    doesn't say `Vary: Cookie`. Flask adds that to any answer whose request looked at the
    session, and Flask-Login looks at it after every request: a member's browser would then
    fetch the stylesheet again whenever their cookie changes (after every message shown).
    And a request without a session cookie (a guest's) starts an empty session without
    building the cookie's signer first, for nothing to check."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:
        super().save_session(app, session, response)
        if response.cache_control.immutable:
            response.vary.discard("cookie")  # lower case: how HeaderSet.discard finds it


def init_app(app: Flask) -> None:
    app.extensions["assets"] = Assets(Path(app.static_folder))
    app.session_interface = SessionInterface()
    # The same endpoint and address as Flask's own static route, served from memory.
    app.view_functions["static"] = serve_static
