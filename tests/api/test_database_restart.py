"""Pooled connections cut by the database (a restart, a firewall) are replaced: one that sat
idle is tested before use (app.db._ping_if_idle), so no request fails on it."""

import time

import pytest
from sqlalchemy import Engine, text

from app.db import PING_AFTER_IDLE_SECONDS
from tests.conftest import ApiClient, MakeClient, is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs a server to cut connections")


def _cut_every_other_connection(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )


def test_idle_connections_cut_by_the_database_are_replaced(
    make_client: MakeClient, engine: Engine
) -> None:
    admin: ApiClient = make_client("admin")
    for _ in range(3):
        assert admin.get("/api/v1/signals").status_code == 200
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.1)
    assert _cut_every_other_connection(engine) >= 1
    for _ in range(3):
        assert admin.get("/api/v1/signals").status_code == 200
