"""Concurrent writers on PostgreSQL: retries and races store exactly one record."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders import body
from tests.conftest import ApiClient, MakeClient, is_postgres

POSTGRES_ONLY = pytest.mark.skipif(not is_postgres(), reason="needs real concurrent connections")
THREADS = 8


def post_concurrently(app: Any, headers: dict[str, str], payload: dict[str, Any]) -> list[Any]:
    """Each thread has its own client (its own event loop and database engine)."""
    clients = [TestClient(app) for _ in range(THREADS)]
    for client in clients:
        client.__enter__()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            return list(
                pool.map(
                    lambda client: client.post("/api/v1/signals", json=payload, headers=headers),
                    clients,
                )
            )
    finally:
        for client in clients:
            client.__exit__(None, None, None)


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie")


@POSTGRES_ONLY
def test_concurrent_repeats_of_one_idempotency_key_store_one_record(
    app: Any, politie: ApiClient
) -> None:
    headers = {**politie.headers, "Idempotency-Key": "race-1"}
    responses = post_concurrently(app, headers, body("signals"))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(politie.get("/api/v1/signals").json()["items"]) == 1


@POSTGRES_ONLY
def test_concurrent_creates_with_one_external_id_store_one_record(
    app: Any, politie: ApiClient, admin: ApiClient
) -> None:
    responses = post_concurrently(app, politie.headers, body("signals", externalId="RACE-7"))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert len(politie.get("/api/v1/signals").json()["items"]) == 1
    # The statistics rollups, written by the INSERT itself, count the one stored.
    assert admin.get("/api/v1/statistics/signals?groupBy=channel").json()["total"] == 1


@POSTGRES_ONLY
def test_concurrent_creates_get_distinct_references(app: Any, politie: ApiClient) -> None:
    responses = post_concurrently(app, politie.headers, body("signals"))
    assert {r.status_code for r in responses} == {201}
    references = {r.json()["reference"] for r in responses}
    assert len(references) == THREADS


def test_a_request_holds_one_pooled_connection_at_a_time(
    make_client: MakeClient,
) -> None:
    """A key's first request in a minute notes `lastUsedAt`. That must not take a second
    pooled connection while the request holds one, or many requests at once empty the pool
    and wait on it: with a pool of one connection, every request must still succeed."""
    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import database_url

    fresh = make_client("partner", "politie")
    settings = Settings(
        database_url=database_url(),
        database_pool_size=1,
        database_max_overflow=0,
        log_level="WARNING",
    )
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            response = client.get("/api/v1/signals", headers=fresh.headers, timeout=10)
            assert response.status_code == 200
        with ThreadPoolExecutor(8) as pool:
            statuses = set(
                pool.map(
                    lambda _: client.get("/api/v1/signals", headers=fresh.headers).status_code,
                    range(16),
                )
            )
    assert statuses == {200}
