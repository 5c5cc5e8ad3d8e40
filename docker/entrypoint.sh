#!/bin/sh
# Migrates the database, then serves with several workers (they share one PostgreSQL).
set -eu
alembic upgrade head
exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-4}" --proxy-headers --no-access-log
