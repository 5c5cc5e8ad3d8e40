"""SPEC §7: deny by default, roles per route, partner isolation, keys, the audit log."""

import logging
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.cli import main as cli
from tests.conftest import ApiClient, MakeClient, is_postgres

OPEN = {"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/docs"}
ROLES = ("partner", "coordinator", "analyst", "admin")
EVERYONE = set(ROLES)
RECORDS = {"partner", "coordinator", "admin"}
COORDINATION = {"coordinator", "admin"}
ANALYSIS = {"analyst", "admin"}
ADMIN = {"admin"}
RECORD_OPERATIONS = (
    ("list{}s", RECORDS),
    ("create{}", RECORDS),
    ("get{}", RECORDS),
    ("update{}", RECORDS),
    ("delete{}", COORDINATION),
    ("get{}History", RECORDS),
)
# Who may call each operation (SPEC §7). A new operation must be added here: deny by
# default means every route's roles are stated and tested.
POLICY: dict[str, set[str]] = {
    "listPlans": EVERYONE,
    "getPlan": EVERYONE,
    "listPillars": EVERYONE,
    "listThemes": EVERYONE,
    "listPartners": EVERYONE,
    "listIndicators": EVERYONE,
    "getIndicator": EVERYONE,
    "createClient": ADMIN,
    "listClients": ADMIN,
    "getClient": ADMIN,
    "revokeClient": ADMIN,
    "listAuditEvents": ADMIN,
    # People through OpenID Connect (issue 14).
    "createIdentityMapping": ADMIN,
    "listIdentityMappings": ADMIN,
    "deleteIdentityMapping": ADMIN,
    "getMe": EVERYONE,
    "getSubject": RECORDS,
    # Screens' dropdowns, badges and workflow buttons (issue 13, SPEC §4.3).
    "getVocabularies": EVERYONE,
    **{
        template.format(name): roles
        for name in ("Signal", "BestuurlijkeRapportage", "Measure", "Campaign", "Inspection")
        for template, roles in RECORD_OPERATIONS
    },
    # Progress, statistics, terugblik (issue 6) and partner events (issue 5).
    "getProgress": EVERYONE,
    "getIndicatorSeries": EVERYONE,
    "getStatistics": ANALYSIS,
    "getTerugblik": ANALYSIS,
    "createIndicator": ADMIN,
    "updateIndicator": ADMIN,
    "createMilestoneUpdate": COORDINATION,
    "listMilestoneUpdates": EVERYONE,
    "postEvents": {"partner", "admin"},
    "listEvents": {"partner", "admin"},
    "getEvent": {"partner", "admin"},
}


def api_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, concrete path, operation id) for every operation of the versioned API."""
    from app.cli import contract

    result = []
    for path, item in contract(app)["paths"].items():  # type: ignore[attr-defined]
        concrete = "/api/v1" + re.sub(r"\{[^}]+\}", _placeholder, path)
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                result.append((method.upper(), concrete, operation["operationId"]))
    assert result
    return result


def _placeholder(match: re.Match[str]) -> str:
    name = match.group(0)
    if "code" in name:
        return "p1-integrale-controles"
    if "resource" in name:
        return "signals"
    return str(uuid.uuid4())


def test_every_operation_has_a_stated_policy(app: FastAPI) -> None:
    missing = sorted({op for _, _, op in api_routes(app)} - POLICY.keys())
    assert not missing, f"add these operations to POLICY: {missing}"


def test_every_route_without_a_key_is_401(http: TestClient, app: FastAPI) -> None:
    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import database_url

    # Far more failures than the limit per address allows (tests/api/test_abuse.py).
    settings = Settings(
        database_url=database_url(), log_level="WARNING", failed_authentications_per_minute=10**6
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as unlimited:
        for method, path, operation in api_routes(app):
            for headers in (
                {},
                {"Authorization": "Bearer omk_wrong"},
                {"Authorization": "Basic x"},
            ):
                response = unlimited.request(method, path, headers=headers, json={})
                assert response.status_code == 401, (operation, headers, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert response.headers["content-type"] == "application/problem+json"


def test_open_endpoints_need_no_key(http: TestClient) -> None:
    for path in OPEN:
        assert http.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_403_exactly_where_spec_forbids(
    make_client: MakeClient, app: FastAPI, role: str
) -> None:
    client = make_client(role, "politie" if role == "partner" else None)
    for method, path, operation in api_routes(app):
        response = client.request(method, path, json={})
        allowed = role in POLICY[operation]
        if allowed:
            assert response.status_code not in (401, 403), (operation, response.text)
        else:
            assert response.status_code == 403, (operation, response.status_code)
            assert response.json()["type"].endswith("forbidden")


def test_revoked_key_is_401_at_once(admin: ApiClient, make_client: MakeClient) -> None:
    partner = make_client("partner", "politie")
    assert partner.get("/api/v1/plans").status_code == 200
    revoked = admin.delete(f"/api/v1/clients/{partner.id}")
    assert revoked.status_code == 200
    assert revoked.json()["revokedAt"] is not None
    assert partner.get("/api/v1/plans").status_code == 401


def test_expired_key_is_401(make_client: MakeClient, engine: Engine) -> None:
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    expired = make_client("admin", expiresAt=soon)
    with engine.begin() as connection:  # made while valid (SPEC §7: expiresAt in the future)
        connection.execute(
            text("UPDATE clients SET expires_at = :past WHERE name = 'admin-all'"),
            {"past": datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)},
        )
    assert expired.get("/api/v1/plans").status_code == 401
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert make_client("admin", expiresAt=future).get("/api/v1/plans").status_code == 200


def test_client_is_made_and_key_shown_once(admin: ApiClient, engine: Engine) -> None:
    response = admin.post(
        "/api/v1/clients",
        json={
            "name": "Politie ZHZ",
            "role": "partner",
            "partner": "politie",
            "eventSources": ["urn:nl:politie:zhz"],
            "maxConfidentiality": "confidentieel",
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    key = created["apiKey"]
    assert len(key) >= 40
    assert response.headers["location"] == f"/api/v1/clients/{created['id']}"
    assert created["maxConfidentiality"] == "confidentieel"
    assert key not in admin.get(f"/api/v1/clients/{created['id']}").text
    assert key not in admin.get("/api/v1/clients").text
    assert "apiKey" not in admin.get("/api/v1/clients").json()["items"][0]
    with engine.connect() as connection:
        dump = " ".join(str(row) for row in connection.execute(text("SELECT * FROM clients")))
    assert key not in dump
    own = admin.http.get("/api/v1/plans", headers={"Authorization": f"Bearer {key}"})
    assert own.status_code == 200


def test_client_validation(admin: ApiClient) -> None:
    no_partner = admin.post("/api/v1/clients", json={"name": "x", "role": "partner"})
    assert no_partner.status_code == 400
    unknown = admin.post("/api/v1/clients", json={"name": "x", "role": "partner", "partner": "fbi"})
    assert unknown.json()["invalidParams"][0]["code"] == "unknown-partner"
    naive = admin.post(
        "/api/v1/clients", json={"name": "x", "role": "admin", "expiresAt": "2030-01-01T00:00:00"}
    )
    assert naive.status_code == 400
    assert admin.get(f"/api/v1/clients/{uuid.uuid4()}").status_code == 404
    assert len(admin.get("/api/v1/clients").json()["items"]) == 1


def test_keys_never_reach_the_logs(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client("admin")
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/plans")
        client.http.get("/api/v1/plans", headers={"Authorization": "Bearer omk_secret-guess"})
    assert client.key not in caplog.text
    assert "omk_secret-guess" not in caplog.text


def test_failed_authentication_is_audited_with_trace_id(admin: ApiClient) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    admin.http.get(
        "/api/v1/plans",
        headers={
            "Authorization": "Bearer omk_nope",
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
        },
    )
    entries = admin.get("/api/v1/audit-events", params={"action": "authenticate"}).json()["items"]
    assert entries[0]["outcome"] == "failure"
    assert entries[0]["traceId"] == trace_id
    assert entries[0]["detail"] == "unknown key"
    assert "omk_nope" not in str(entries)


def test_writes_and_reads_are_audited_with_request_and_trace(
    make_client: MakeClient, admin: ApiClient
) -> None:
    partner = make_client("partner", "politie")
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    request_id = "6f1c0a52-8f0e-4d3e-9a3c-2b7d1e4f5a60"
    headers = {"traceparent": f"00-{trace_id}-b7ad6b7169203331-01", "X-Request-ID": request_id}
    created = partner.post(
        "/api/v1/signals",
        json={"channel": "casusoverleg", "receivedOn": "2023-01-05"},
        headers=headers,
    ).json()
    partner.get(f"/api/v1/signals/{created['id']}", headers=headers)
    entries = admin.get("/api/v1/audit-events", params={"recordId": created["id"]}).json()["items"]
    assert [e["action"] for e in entries] == ["read", "create"]
    for entry in entries:
        assert entry["traceId"] == trace_id
        assert entry["requestId"] == request_id
        assert entry["clientId"] == partner.id
        assert entry["partner"] == "politie"
        assert entry["outcome"] == "success"
    assert entries[1]["changes"]["channel"] == {"old": None, "new": "casusoverleg"}


def test_denied_requests_are_audited(make_client: MakeClient, admin: ApiClient) -> None:
    analyst = make_client("analyst")
    assert analyst.get("/api/v1/signals").status_code == 403
    entries = admin.get("/api/v1/audit-events", params={"outcome": "denied"}).json()["items"]
    assert entries[0]["clientId"] == analyst.id


def test_audit_log_paging_and_filters(admin: ApiClient, make_client: MakeClient) -> None:
    analyst = make_client("analyst")
    for _ in range(3):  # (failed authentications would be one entry: test_abuse.py)
        assert analyst.get("/api/v1/signals").status_code == 403
    first = admin.get("/api/v1/audit-events", params={"limit": 2, "action": "authorize"})
    assert len(first.json()["items"]) == 2
    cursor = first.json()["nextCursor"]
    rest = admin.get(
        "/api/v1/audit-events", params={"limit": 2, "cursor": cursor, "action": "authorize"}
    ).json()
    assert len(rest["items"]) == 1
    assert admin.get("/api/v1/audit-events", params={"outcome": "maybe"}).status_code == 400


@pytest.mark.skipif(not is_postgres(), reason="the trigger is PostgreSQL's")
def test_postgres_refuses_update_and_delete_of_audit_entries(
    admin: ApiClient, engine: Engine
) -> None:
    admin.http.get("/api/v1/plans", headers={"Authorization": "Bearer bad"})
    for statement in (
        "UPDATE audit_events SET outcome = 'success'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one() >= 1


def test_cli_creates_lists_and_revokes(
    http: TestClient, capsys: pytest.CaptureFixture[str], engine: Engine, monkeypatch: Any
) -> None:
    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    assert (
        cli(
            [
                "create-client",
                "--name",
                "SDD",
                "--role",
                "partner",
                "--partner",
                "sdd",
                "--event-source",
                "urn:nl:sdd:events",
            ]
        )
        == 0
    )
    output = capsys.readouterr().out
    key = re.search(r"api key \(shown once\): (\S+)", output).group(1)  # type: ignore[union-attr]
    client_id = output.split()[1]
    headers = {"Authorization": f"Bearer {key}"}
    assert http.get("/api/v1/plans", headers=headers).status_code == 200
    assert cli(["list-clients"]) == 0
    listing = capsys.readouterr().out
    assert "SDD" in listing
    assert key not in listing
    assert cli(["revoke-client", client_id]) == 0
    # Revoked from another process: the app's key cache hears of it by a database notice
    # (PostgreSQL), milliseconds later; it must not take longer than a moment.
    deadline = time.monotonic() + 2
    while http.get("/api/v1/plans", headers=headers).status_code != 401:
        assert time.monotonic() < deadline, "the revocation did not reach the key cache"
        time.sleep(0.02)
    assert cli(["create-client", "--name", "x", "--role", "partner"]) == 2


def test_admin_api_key_setting_ensures_an_admin(engine: Engine) -> None:
    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import clean, database_url

    key = "omk_" + uuid.uuid4().hex * 2
    settings = Settings(database_url=database_url(), admin_api_key=key, log_level="WARNING")
    for _ in range(2):  # a second start finds it and makes no second client
        with TestClient(create_app(settings)) as client:
            listed = client.get("/api/v1/clients", headers={"Authorization": f"Bearer {key}"})
            assert listed.status_code == 200
            assert len(listed.json()["items"]) == 1
    clean(engine)
