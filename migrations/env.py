"""Alembic environment: migrates as the owner, MIGRATION_DATABASE_URL (defaulting to
DATABASE_URL), or the given URL; tells the migrations the application's role to grant to.

With two roles (README, "Two database roles") the application's role is APP_DATABASE_ROLE,
or else the user of DATABASE_URL when it differs from MIGRATION_DATABASE_URL's.
"""

from logging.config import fileConfig
from typing import Any

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
SQLITE_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")

# The record search index (migration 0015) lives outside the models on purpose: on
# PostgreSQL a generated `tsvector` column with its GIN index, on SQLite FTS5 virtual tables
# (and their shadow tables) kept by triggers. The column has no type SQLite knows, so it
# cannot be one model for both; reading it with every record would be waste; and
# autogenerate can compare neither a generated column's expression nor a virtual table.
# So they are left out of the comparison, by name; the search tests prove they work.
SEARCH_COLUMN = "search_vector"
SEARCH_TABLE_SUFFIXES = ("_search", *(f"_search_{shadow}" for shadow in SQLITE_FTS5_SHADOWS))


def include_object(
    object_: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if not reflected or name is None:
        return True
    if type_ == "column":
        return name != SEARCH_COLUMN
    if type_ == "index":
        return not name.endswith(f"_{SEARCH_COLUMN}")
    if type_ == "table":
        return not name.endswith(SEARCH_TABLE_SUFFIXES)
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_object,
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
