"""With the database unreachable, requests answer 503 problem+json with `Retry-After`, never
500 (SPEC §9): in process, an app pointed at a port where nothing listens."""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app.access.caller import Caller
from app.access.dependencies import authenticate
from app.main import create_app
from app.schemas import Confidentiality, Role
from app.settings import Settings

SOURCE = "urn:nl:test:ops"


def _closed_port() -> int:
    """A port on loopback where nothing listens (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def unreachable() -> Iterator[TestClient]:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere"
    app = create_app(Settings(database_url=url, log_level="CRITICAL", admin_api_key=None))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _api(app: Any) -> FastAPI:
    return next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1")


@pytest.fixture
def as_partner(unreachable: TestClient) -> Iterator[TestClient]:
    """Past authentication (as if the caller were cached), so the request itself needs the
    database."""
    caller = Caller(
        client_id=uuid.uuid4(),
        name="partner",
        role=Role.PARTNER,
        partner="politie",
        max_confidentiality=Confidentiality.ZEER_GEHEIM,
        event_sources=(SOURCE,),
    )
    api = _api(unreachable.app)
    api.dependency_overrides[authenticate] = lambda: caller
    yield unreachable
    api.dependency_overrides.clear()


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["status"] == 503
    assert body["type"].endswith(":service-unavailable")
    assert "instance" in body


def _event() -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": "nl.ondermijning.signal.created",
        "time": "2024-03-01T09:30:00Z",
        "subject": "S-1",
        "datacontenttype": "application/json",
        "data": {"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"},
    }


def test_authentication_with_a_key_answers_503(unreachable: TestClient) -> None:
    response = unreachable.get("/api/v1/signals", headers={"Authorization": "Bearer " + "k" * 40})
    _assert_unavailable(response)


def test_authentication_without_a_key_answers_503(unreachable: TestClient) -> None:
    # The failed authentication cannot be audited, so it cannot be answered 401 either.
    _assert_unavailable(unreachable.get("/api/v1/signals"))


def test_a_record_list_answers_503(as_partner: TestClient) -> None:
    _assert_unavailable(as_partner.get("/api/v1/signals"))


def test_a_record_read_and_create_answer_503(as_partner: TestClient) -> None:
    _assert_unavailable(as_partner.get(f"/api/v1/signals/{uuid.uuid4()}"))
    created = as_partner.post(
        "/api/v1/signals",
        json={"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"},
    )
    _assert_unavailable(created)


def test_a_single_event_and_a_batch_answer_503(as_partner: TestClient) -> None:
    single = as_partner.post(
        "/api/v1/events",
        json=_event(),
        headers={"Content-Type": "application/cloudevents+json"},
    )
    _assert_unavailable(single)
    batch = as_partner.post(
        "/api/v1/events",
        json=[_event(), _event()],
        headers={"Content-Type": "application/cloudevents-batch+json"},
    )
    _assert_unavailable(batch)


def test_progress_answers_503(as_partner: TestClient) -> None:
    _assert_unavailable(as_partner.get("/api/v1/progress"))


def test_readiness_answers_503_with_retry_after(unreachable: TestClient) -> None:
    _assert_unavailable(unreachable.get("/readyz"))
    assert unreachable.get("/healthz").status_code == 200


def test_a_worker_starts_while_the_database_is_down() -> None:
    """A worker started (or replaced) during an outage serves 503s instead of failing its
    start, even when it has an admin client to ensure: the next start ensures it."""
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere"
    app = create_app(Settings(database_url=url, log_level="CRITICAL", admin_api_key="a" * 40))
    with TestClient(app, raise_server_exceptions=False) as client:
        _assert_unavailable(client.get("/readyz"))
        _assert_unavailable(client.get("/api/v1/signals", headers={"Authorization": "Bearer x"}))


def test_a_browser_may_read_retry_after(tmp_path: Any) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/cors.db",
        cors_origins=["https://app.example.nl"],
        log_level="CRITICAL",
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz", headers={"Origin": "https://app.example.nl"})
    exposed = response.headers["access-control-expose-headers"].lower().split(", ")
    assert "retry-after" in exposed


def test_a_database_that_does_not_answer_is_503_within_the_connect_timeout() -> None:
    """A host that takes the connection but never answers (a hung server, a dropped route)
    must not hold requests for minutes: the connect timeout turns it into a 503."""
    outcome: dict[str, Any] = {}
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(100)  # the kernel completes the handshakes; nobody ever answers
        url = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/silent"
        settings = Settings(
            database_url=url, database_connect_timeout_seconds=2, log_level="CRITICAL"
        )

        def run() -> None:
            with TestClient(create_app(settings), raise_server_exceptions=False) as client:
                started = time.monotonic()
                outcome["response"] = client.get("/readyz")
                outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(40)
    assert "response" in outcome, "the request hung"
    _assert_unavailable(outcome["response"])
    assert outcome["seconds"] < 6
