#!/bin/sh
# Migrates the database, then serves with several workers (they share one PostgreSQL).
set -eu
# As the owner role: MIGRATION_DATABASE_URL (defaulting to DATABASE_URL) grants the
# application's role (DATABASE_URL's user, or APP_DATABASE_ROLE) what it needs (README,
# "Two database roles"). The service itself never sees the owner's credentials.
alembic upgrade head
unset MIGRATION_DATABASE_URL
# app.serve: Granian workers that each listen with SO_REUSEPORT (connections spread evenly),
# replaced when one dies.
exec python -m app.serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WEB_CONCURRENCY:-4}"
