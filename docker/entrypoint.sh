#!/bin/sh
# Migrates the database, then serves with several workers (they share one PostgreSQL).
set -eu
alembic upgrade head
# app.serve: Granian workers that each listen with SO_REUSEPORT (connections spread evenly),
# replaced when one dies.
exec python -m app.serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WEB_CONCURRENCY:-4}"
