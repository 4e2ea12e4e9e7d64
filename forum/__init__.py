"""A small, calm, private peer-support forum around one article."""

from pathlib import Path
from typing import Any

from flask import Flask

from . import changes, cli, config, web
from .accounts.views import bp as accounts
from .database import configure_postgresql, configure_sqlite
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .moderation.views import bp as moderation
from .moderation.views import public as moderation_public
from .posting.views import bp as posting
from .reading.views import bp as reading
from .safety.views import bp as safety
from .search.views import bp as search
from .settings.views import bp as settings

ROOT = Path(__file__).resolve().parent.parent
FEATURES = [reading, posting, moderation, moderation_public, accounts, settings, safety, search]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the forum: configuration, extensions, shared plumbing, features and commands."""
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

    # The first to register an after_request, so it runs last: it compresses the response as
    # every other hook left it.
    compress.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(
                db.engine,
                app.config["DATABASE_CONNECT_TIMEOUT"],
                app.config["DATABASE_STATEMENT_TIMEOUT"],
            )

    # What guests see, noted at every write, for their pages' validators (forum.web.conditional).
    changes.track_changes()
    web.init_app(app)
    for blueprint in FEATURES:
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app
