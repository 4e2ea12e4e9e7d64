"""A small, calm, private peer-support forum around one article."""

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import changes, config, paths, web
from .accounts.views import bp as accounts
from .database import configure_sqlite
from .extensions import babel, compress, csrf, db, limiter, login_manager
from .feeds.views import bp as feeds
from .following.views import bp as following
from .moderation.views import bp as moderation
from .moderation.views import public as moderation_public
from .notifications.views import bp as notifications
from .posting.views import bp as posting
from .reading import kept_replies
from .reading.views import bp as reading
from .safety.views import bp as safety
from .search.views import bp as search
from .settings.views import bp as settings
from .web.guest_pages import CompressedCopies, compressed_copy_key

FEATURES = [
    reading, feeds, posting, moderation, moderation_public, notifications, accounts, settings,
    safety, following, search,
]  # fmt: skip


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the forum: configuration, extensions, shared plumbing and features: what serves
    pages. The `forum` command adds its commands (forum.cli.init_app)."""
    app = Flask(
        __name__,
        instance_path=str(paths.INSTANCE),
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
    )
    app.config.from_mapping(config.DEFAULTS)
    if test_config is None:
        app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    else:  # tests describe their whole configuration and touch no instance folder
        app.config.from_mapping(test_config)
    # The client's address (rate limits count by it) and whether it came over HTTPS: as our
    # own proxies forwarded them, when there are any; the connection's otherwise.
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # The first to register an after_request, so it runs last: it compresses the response as
    # every other hook left it. A kept guest page is compressed once per encoding: its
    # compressed bytes are kept with it.
    app.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedCopies)
    app.config.setdefault("COMPRESS_CACHE_KEY", compressed_copy_key)
    compress.init_app(app)
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            # Imported here, and only for PostgreSQL: a forum on SQLite never loads psycopg.
            from .postgresql import configure_postgresql

            configure_postgresql(
                db.engine,
                app.config["DATABASE_CONNECT_TIMEOUT"],
                app.config["DATABASE_STATEMENT_TIMEOUT"],
            )

    # What guests see, noted at every write, for their pages' validators (forum.web.conditional).
    changes.track_changes()
    web.init_app(app)
    kept_replies.init_app(app)
    for blueprint in FEATURES:
        app.register_blueprint(blueprint)
    return app
