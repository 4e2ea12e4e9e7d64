import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from forum.database import UTCDateTime
from forum.postgresql import without_time_limits
from forum.search.index import described_by_the_models, missing_triggers

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the loggers that exist already (the app's): only configure alembic's own.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def render_item(type_, obj, autogen_context):
    """Write the forum's UTCDateTime as a plain DateTime: migrations must not import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def report_step(ctx, step, heads, run_args):
    """One line for each migration run, in place of alembic's own chatter (see alembic.ini)."""
    if step.is_upgrade:
        logger.info("Migrated to %s: %s", step.up_revision_id, step.up_revision.doc)
    else:
        logger.info("Migrated back from %s", step.up_revision_id)


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=get_metadata(),
        literal_binds=True,
        include_object=described_by_the_models,
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("on_version_apply", report_step)
    # The search index's tables are no model's (forum/search/index.py).
    conf_args.setdefault("include_object", described_by_the_models)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild a table by copying it and dropping the old one, which
            # foreign keys pointing at it would refuse. Off for the migration (a pragma that
            # must be set outside any transaction, hence on the driver connection), checked after.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            # And the table copied in is renamed to the old one's name without SQLite checking
            # (or rewriting) the views and triggers that name it, which would refuse the
            # rename while the old table is gone: the search index's view and triggers
            # (0009_search) name `post` and `thread`, and read the new table by that name.
            connection.connection.driver_connection.execute("PRAGMA legacy_alter_table=ON")
        try:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    without_time_limits(connection)  # in the migration's own transaction
                context.run_migrations()
        finally:
            if sqlite:
                driver = connection.connection.driver_connection
                driver.execute("PRAGMA foreign_keys=ON")
                driver.execute("PRAGMA legacy_alter_table=OFF")
                broken = driver.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")
        # A table rebuilt on SQLite loses its triggers: the search index would silently go
        # stale. Such a migration must create them again, as 0009_search does.
        lost = missing_triggers(connection)
        if lost:
            raise RuntimeError(
                f"the migration left the search index without its triggers {sorted(lost)}:"
                " create them again as migration 0009_search does"
            )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
