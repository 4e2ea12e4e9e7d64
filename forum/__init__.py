"""A small, calm, private peer-support forum around one article."""

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import (
    accounts,
    cli,
    config,
    errors,
    htmx,
    moderation,
    posting,
    profiles,
    reading,
    safety,
    security,
    settings,
    templating,
    vendor,
)
from .database import configure_sqlite
from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class IdConverter(IntegerConverter):
    """A database id: a number too large for the column is a 404, not a database error."""

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the forum: configuration, extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config.DEFAULTS)
    if test_config is None:
        app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    else:  # tests describe their whole configuration and touch no instance folder
        app.config.from_mapping(test_config)
    app.config["HTMX_VERSION"] = vendor.htmx_version()
    app.url_map.converters["id"] = IdConverter

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    accounts.init_app(app)
    app.register_blueprint(reading.bp)
    app.register_blueprint(profiles.bp)
    app.register_blueprint(posting.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(safety.bp)
    app.register_blueprint(vendor.bp)
    security.init_app(app)
    htmx.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
