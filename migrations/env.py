"""Alembic environment: migrates as the owner, MIGRATION_DATABASE_URL (defaulting to
DATABASE_URL), or the given URL; tells the migrations the application's role to grant to.

With two roles (README, "Two database roles") the application's role is APP_DATABASE_ROLE,
or else the user of DATABASE_URL when it differs from MIGRATION_DATABASE_URL's.
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table on the metadata
from app.db import make_engine
from app.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        config.attributes.setdefault("application_role", None)
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    settings = get_settings()
    config.attributes.setdefault("application_role", settings.application_role())
    url = config.get_main_option("sqlalchemy.url") or settings.migration_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations_online()
