"""The per-process cache of callers (app/access/cache.py): it saves the key lookup, and any
change to a client, by any process, empties it at once."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from app.access.cache import CallerCache
from app.access.caller import Caller
from app.access.keys import hash_key
from app.schemas import Confidentiality, Role
from tests.conftest import ApiClient, MakeClient, is_postgres

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _caller() -> Caller:
    return Caller(uuid.uuid4(), "x", Role.PARTNER, "politie", Confidentiality.GEHEIM)


def test_nothing_is_cached_without_a_listener() -> None:
    cache = CallerCache()
    cache.put("d", _caller(), None, cache.generation)
    assert cache.get("d", NOW) is None


def test_a_lookup_that_raced_a_notice_is_not_kept() -> None:
    cache = CallerCache()
    cache.activate()
    generation = cache.generation  # the lookup starts
    cache.clear()  # a notice arrives meanwhile
    cache.put("d", _caller(), None, generation)
    assert cache.get("d", NOW) is None
    cache.put("d", caller := _caller(), None, cache.generation)
    assert cache.get("d", NOW) is caller


def test_a_cached_key_still_expires_on_time() -> None:
    cache = CallerCache()
    cache.activate()
    cache.put("d", _caller(), NOW + timedelta(seconds=1), cache.generation)
    assert cache.get("d", NOW) is not None
    assert cache.get("d", NOW + timedelta(seconds=1)) is None


def test_a_lost_listener_stops_the_cache() -> None:
    cache = CallerCache()
    cache.activate()
    cache.put("d", _caller(), None, cache.generation)
    cache.deactivate()
    assert cache.get("d", NOW) is None


def _wait_for_notice(cache: CallerCache, generation: int) -> None:
    deadline = time.monotonic() + 5
    while cache.generation == generation:
        assert time.monotonic() < deadline, "no notice arrived"
        time.sleep(0.005)


@pytest.mark.skipif(not is_postgres(), reason="notices are PostgreSQL's")
def test_revocation_by_another_process_is_refused_at_once(
    make_client: MakeClient, engine: Engine
) -> None:
    partner = make_client("partner", "politie")
    assert partner.get("/api/v1/plans").status_code == 200
    cache: CallerCache = partner.http.app_state["callers"]
    assert cache.active
    assert cache.get(hash_key(partner.key), datetime.now(UTC)) is not None  # cached
    generation = cache.generation
    # As `python -m app.cli revoke-client` or a manual UPDATE would, on its own connection.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE clients SET revoked_at = now() WHERE id = :id"), {"id": partner.id}
        )
    _wait_for_notice(cache, generation)
    assert partner.get("/api/v1/plans").status_code == 401


@pytest.mark.skipif(not is_postgres(), reason="notices are PostgreSQL's")
def test_only_access_changes_send_a_notice(make_client: MakeClient, engine: Engine) -> None:
    partner = make_client("partner", "politie")
    assert partner.get("/api/v1/plans").status_code == 200
    cache: CallerCache = partner.http.app_state["callers"]
    generation = cache.generation
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE clients SET last_used_at = now() WHERE id = :id"), {"id": partner.id}
        )
        connection.execute(
            text("UPDATE clients SET max_confidentiality = 'intern' WHERE id = :id"),
            {"id": partner.id},
        )
    _wait_for_notice(cache, generation)
    assert cache.get(hash_key(partner.key), datetime.now(UTC)) is None
    # The new ceiling applies to the next request.
    response = partner.post(
        "/api/v1/signals",
        json={
            "channel": "partnermelding",
            "receivedOn": "2024-01-02",
            "confidentiality": "vertrouwelijk",
        },
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "above-ceiling"


def test_revocation_through_the_api_is_refused_at_once(
    admin: ApiClient, make_client: MakeClient
) -> None:
    partner = make_client("partner", "politie")
    for _ in range(3):
        assert partner.get("/api/v1/plans").status_code == 200
    assert admin.delete(f"/api/v1/clients/{partner.id}").status_code == 200
    assert partner.get("/api/v1/plans").status_code == 401
