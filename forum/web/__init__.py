"""Request plumbing every feature shares and no feature owns: page or partial, headers, error
pages, template globals, wording, shared form pieces, access helpers, addresses and paging.
Nothing here imports a feature."""

from flask import Flask

from . import assets, conditional, errors, headers, partials, templating, vendor
from .urls import IdConverter


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    assets.init_app(app)
    vendor.init_app(app)
    headers.init_app(app)
    conditional.init_app(app)
    partials.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
