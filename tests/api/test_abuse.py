"""SPEC §7 Abuse: key length and prefix, expiry in the future, sources unique per partner,
the failed-authentication limit per client address and its collapsed audit entries."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.main import create_app
from app.settings import Settings
from tests.conftest import ApiClient, MakeClient, clean, database_url, is_postgres

ONE = "application/cloudevents+json"


def signal_event(source: str, event_id: str, subject: str) -> str:
    return json.dumps(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": source,
            "type": "nl.ondermijning.signal.created",
            "time": "2023-03-01T09:30:00Z",
            "subject": subject,
            "datacontenttype": "application/json",
            "data": {"channel": "partnermelding", "receivedOn": "2023-03-01"},
        }
    )


def test_key_prefix_shows_at_most_eight_characters(admin: ApiClient) -> None:
    created = admin.post("/api/v1/clients", json={"name": "x", "role": "analyst"}).json()
    assert len(created["apiKey"]) >= 32
    assert len(created["keyPrefix"]) <= 8
    assert created["apiKey"].startswith(created["keyPrefix"])
    listed = admin.get("/api/v1/clients").json()["items"]
    assert all(len(client["keyPrefix"]) <= 8 for client in listed)


@pytest.mark.parametrize("key", ["short", "omk_" + "x" * 27])
def test_an_admin_key_shorter_than_32_characters_refuses_to_start(key: str) -> None:
    with pytest.raises(ValidationError, match="ADMIN_API_KEY must be at least 32 characters"):
        Settings(admin_api_key=key)
    assert Settings(admin_api_key="omk_" + "x" * 28).admin_api_key is not None


def test_expires_at_must_lie_in_the_future(admin: ApiClient) -> None:
    for moment in (datetime.now(UTC) - timedelta(minutes=1), datetime(2020, 1, 1, tzinfo=UTC)):
        response = admin.post(
            "/api/v1/clients",
            json={"name": "x", "role": "analyst", "expiresAt": moment.isoformat()},
        )
        assert response.status_code == 400, response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["expiresAt"]
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    made = admin.post("/api/v1/clients", json={"name": "y", "role": "analyst", "expiresAt": future})
    assert made.status_code == 201, made.text
    assert len(admin.get("/api/v1/clients").json()["items"]) == 2  # the admin and `y`


def test_a_source_belongs_to_one_partner(admin: ApiClient) -> None:
    source = "urn:nl:politie:zhz:bvh"
    politie = admin.post(
        "/api/v1/clients",
        json={"name": "p", "role": "partner", "partner": "politie", "eventSources": [source]},
    )
    assert politie.status_code == 201, politie.text
    other = admin.post(
        "/api/v1/clients",
        json={
            "name": "s",
            "role": "partner",
            "partner": "sdd",
            "eventSources": ["urn:nl:sdd:events", source],
        },
    )
    assert other.status_code == 409, other.text
    assert other.headers["content-type"] == "application/problem+json"
    assert source in other.json()["detail"]
    # The same partner may have several clients for its source (a key rotation).
    again = admin.post(
        "/api/v1/clients",
        json={"name": "p2", "role": "partner", "partner": "politie", "eventSources": [source]},
    )
    assert again.status_code == 201, again.text
    names = {client["name"] for client in admin.get("/api/v1/clients").json()["items"]}
    assert "s" not in names


def test_another_partner_cannot_pre_claim_a_source_s_event_ids(
    admin: ApiClient, make_client: MakeClient
) -> None:
    """Issue 12: with the source registered twice, sdd's event with politie's next id made
    politie's real event a `duplicate` that was never stored."""
    source = "urn:nl:politie:zhz:bvh"
    politie = make_client("partner", "politie", eventSources=[source])
    with pytest.raises(Exception, match="another partner"):
        make_client("partner", "sdd", eventSources=[source])
    sdd = make_client("partner", "sdd", eventSources=["urn:nl:sdd:events"])
    event_id = str(uuid.uuid4())
    headers = {"Content-Type": ONE}
    claim = sdd.post("/api/v1/events", content=signal_event(source, event_id, "X"), headers=headers)
    assert claim.status_code in (400, 403), claim.text
    real = politie.post(
        "/api/v1/events", content=signal_event(source, event_id, "BVH-1"), headers=headers
    )
    assert real.status_code == 201, real.text


ATTACKER = ("203.0.113.7", 40000)
NEIGHBOUR = ("198.51.100.20", 40001)
BAD = {"Authorization": "Bearer omk_" + "guess" * 8}


@pytest.fixture
def fixed_minute(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Half a minute into the current minute, for every request of the test: a test that
    ran across the turn of a minute would otherwise see the count start afresh."""
    import app.access.dependencies
    import app.access.limits

    now = datetime.now(UTC).replace(second=30, microsecond=0)
    monkeypatch.setattr(app.access.limits, "utcnow", lambda: now)
    monkeypatch.setattr(app.access.dependencies, "utcnow", lambda: now)
    return now


@pytest.fixture
def limited_app(engine: Engine) -> Iterator[Any]:
    """A second app on the same database with a limit of 3: another process, for the count."""
    yield create_app(
        Settings(
            database_url=database_url(), log_level="WARNING", failed_authentications_per_minute=3
        )
    )
    clean(engine)


def _audit_failures(admin: ApiClient) -> list[dict[str, Any]]:
    response = admin.get("/api/v1/audit-events", params={"action": "authenticate"})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["outcome"] == "failure"]


def test_failed_authentications_are_limited_per_address(
    limited_app: Any, admin: ApiClient, fixed_minute: datetime
) -> None:
    with (
        TestClient(limited_app, client=ATTACKER) as attacker,
        TestClient(limited_app, client=NEIGHBOUR) as neighbour,
    ):
        assert [attacker.get("/api/v1/plans", headers=BAD).status_code for _ in range(3)] == [
            401
        ] * 3
        limited = attacker.get("/api/v1/plans", headers=BAD)
        assert limited.status_code == 429, limited.text
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["status"] == 429
        assert limited.headers["retry-after"] == "30"  # the rest of the minute
        # While over the limit no key is tried from there, a valid one neither (a guess
        # must not be told apart by its answer).
        assert attacker.get("/api/v1/plans", headers=admin.headers).status_code == 429
        assert attacker.get("/api/v1/plans").status_code == 429  # no key at all
        # Another address is not affected.
        assert neighbour.get("/api/v1/plans", headers=admin.headers).status_code == 200
        assert neighbour.get("/api/v1/plans", headers=BAD).status_code == 401
    failures = {e["clientAddress"]: e for e in _audit_failures(admin)}
    assert set(failures) == {ATTACKER[0], NEIGHBOUR[0]}
    assert failures[ATTACKER[0]]["count"] == 6  # every attempt, the refused ones too
    assert failures[ATTACKER[0]]["detail"] == "unknown key"
    assert failures[NEIGHBOUR[0]]["count"] == 1
    assert "guess" not in str(failures)


def test_the_limit_holds_across_processes(
    limited_app: Any, engine: Engine, fixed_minute: datetime
) -> None:
    """Two apps (as two worker processes) count in the same database."""
    other = create_app(
        Settings(
            database_url=database_url(), log_level="WARNING", failed_authentications_per_minute=3
        )
    )
    with (
        TestClient(limited_app, client=ATTACKER) as first,
        TestClient(other, client=ATTACKER) as second,
    ):
        assert first.get("/api/v1/plans", headers=BAD).status_code == 401
        assert second.get("/api/v1/plans", headers=BAD).status_code == 401
        assert first.get("/api/v1/plans", headers=BAD).status_code == 401
        assert second.get("/api/v1/plans", headers=BAD).status_code == 429
        assert first.get("/api/v1/plans", headers=BAD).status_code == 429


def test_the_default_limit_is_20_a_minute_and_one_audit_entry(
    http: TestClient, admin: ApiClient, fixed_minute: datetime
) -> None:
    assert Settings().failed_authentications_per_minute == 20
    with TestClient(http.app, client=ATTACKER) as attacker:
        codes = [attacker.get("/api/v1/plans", headers=BAD).status_code for _ in range(60)]
    assert codes == [401] * 20 + [429] * 40
    failures = _audit_failures(admin)
    assert len(failures) == 1
    assert failures[0]["count"] == 60
    assert failures[0]["clientAddress"] == ATTACKER[0]


def test_a_new_minute_counts_afresh(engine: Engine) -> None:
    from app.access.limits import failures_so_far, record_failure

    minute = datetime(2030, 5, 1, 12, 0, 10, tzinfo=UTC)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        assert [
            record_failure(connection, "192.0.2.1", "unknown key", minute) for _ in range(3)
        ] == [
            1,
            2,
            3,
        ]
        assert record_failure(connection, "192.0.2.2", "unknown key", minute) == 1
        later = minute + timedelta(seconds=49)  # 12:00:59
        assert failures_so_far(connection, "192.0.2.1", later) == 3
        assert (
            record_failure(
                connection, "192.0.2.1", "unknown key", later + timedelta(seconds=1)
            )  # 12:01
            == 1
        )
        count = connection.execute(
            text("SELECT count(*) FROM audit_events WHERE client_address = '192.0.2.1'")
        ).scalar_one()
    assert count == 2
    clean(engine)


def test_audit_entries_carry_the_client_address(
    http: TestClient, admin: ApiClient, make_client: MakeClient
) -> None:
    partner = make_client("partner", "politie")
    with TestClient(http.app, client=NEIGHBOUR) as other:
        created = other.post(
            "/api/v1/signals",
            json={"channel": "casusoverleg", "receivedOn": "2023-01-05"},
            headers=partner.headers,
        )
        assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    entries = admin.get("/api/v1/audit-events", params={"recordId": record_id}).json()["items"]
    assert [(e["action"], e["clientAddress"], e["count"]) for e in entries] == [
        ("create", NEIGHBOUR[0], 1)
    ]


@pytest.mark.skipif(not is_postgres(), reason="the trigger is PostgreSQL's")
def test_the_trigger_lets_only_a_collapsed_count_rise(
    engine: Engine, admin: ApiClient, fixed_minute: datetime
) -> None:
    with TestClient(admin.http.app, client=ATTACKER) as attacker:
        attacker.get("/api/v1/plans", headers=BAD)
    made = admin.post("/api/v1/clients", json={"name": "x", "role": "analyst"})
    assert made.status_code == 201  # an ordinary entry beside the collapsed one
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET count = count + 1 WHERE failure_window IS NOT NULL")
        )
    for statement in (
        "UPDATE audit_events SET count = 1 WHERE failure_window IS NOT NULL",
        "UPDATE audit_events SET count = count + 1, detail = 'x' WHERE failure_window IS NOT NULL",
        "UPDATE audit_events SET count = count + 1 WHERE failure_window IS NULL",
        "UPDATE audit_events SET failure_window = NULL WHERE failure_window IS NOT NULL",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


# SPEC §7 audit completeness: refused reads, invalid input, the CLI, the admin's reads.


def _entries(admin: ApiClient, **params: str) -> list[dict[str, Any]]:
    response = admin.get("/api/v1/audit-events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_read_outside_the_caller_s_scope_is_audited_as_not_found(
    admin: ApiClient, make_client: MakeClient
) -> None:
    politie = make_client("partner", "politie")
    sdd = make_client("partner", "sdd")
    capped = make_client("coordinator", maxConfidentiality="intern")
    created = politie.post(
        "/api/v1/signals",
        json={"channel": "casusoverleg", "receivedOn": "2023-01-05", "confidentiality": "geheim"},
    )
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    missing = str(uuid.uuid4())
    assert sdd.get(f"/api/v1/signals/{record_id}").status_code == 404
    assert capped.get(f"/api/v1/signals/{record_id}").status_code == 404
    assert sdd.get(f"/api/v1/signals/{missing}").status_code == 404
    changed = sdd.patch(
        f"/api/v1/signals/{record_id}", json={"status": "in-behandeling"}, headers={"If-Match": "*"}
    )
    assert changed.status_code == 404, changed.text
    entries = _entries(admin, outcome="not-found")
    seen = {(e["clientId"], e["action"], e["resource"], e["recordId"]) for e in entries}
    assert seen == {
        (sdd.id, "read", "signals", record_id),
        (capped.id, "read", "signals", record_id),
        (sdd.id, "read", "signals", missing),
        (sdd.id, "update", "signals", record_id),
    }
    assert all(e["clientAddress"] == "testclient" for e in entries)
    # The refused change is not part of the record's history.
    history = politie.get(f"/api/v1/signals/{record_id}/history").json()["items"]
    assert len(history) == 1
    # A path that names no record is no refused read.
    assert admin.get("/api/v1/nothing-here").status_code == 404
    assert len(_entries(admin, outcome="not-found")) == 4


def test_invalid_input_is_audited_without_its_values(
    admin: ApiClient, make_client: MakeClient
) -> None:
    partner = make_client("partner", "politie")
    bad = partner.post(
        "/api/v1/signals",
        json={"channel": "nope-value", "receivedOn": "not-a-date", "description": "Jan Jansen"},
    )
    assert bad.status_code == 400
    unknown = admin.post(
        "/api/v1/clients", json={"name": "x", "role": "partner", "partner": "fbi-value"}
    )
    assert unknown.status_code == 400
    assert admin.get("/api/v1/audit-events", params={"outcome": "maybe-value"}).status_code == 400
    entries = _entries(admin, outcome="invalid")
    by_resource = {e["resource"]: e for e in entries}
    assert set(by_resource) == {"signals", "clients", "audit-events"}
    signal = by_resource["signals"]
    assert (signal["clientId"], signal["action"]) == (partner.id, "create")
    assert "channel" in signal["detail"]
    assert "receivedOn" in signal["detail"]
    assert by_resource["clients"]["detail"] == "invalid input: partner (unknown-partner)"
    assert by_resource["audit-events"]["action"] == "read"
    text_of_log = json.dumps(entries)
    for value in ("nope-value", "not-a-date", "Jan Jansen", "fbi-value", "maybe-value"):
        assert value not in text_of_log
    assert not partner.get("/api/v1/signals").json()["items"]  # and nothing was written


def test_the_admin_s_reads_of_the_log_and_the_clients_are_audited(admin: ApiClient) -> None:
    assert admin.get("/api/v1/clients").status_code == 200
    assert admin.get(f"/api/v1/clients/{admin.id}").status_code == 200
    first = _entries(admin, resource="audit-events")
    assert first == []  # a read of the log is not in its own answer
    entries = _entries(admin, resource="clients")
    assert [(e["action"], e["recordId"], e["clientId"]) for e in entries] == [
        ("read", admin.id, admin.id),
        ("list", None, admin.id),
    ]
    reads = _entries(admin, resource="audit-events")
    assert [(e["action"], e["detail"]) for e in reads] == [
        ("list", "2 entries; filters: resource"),  # the read of the clients' entries
        ("list", "0 entries; filters: resource"),
    ]


def test_clients_made_and_revoked_on_the_command_line_are_audited(
    http: TestClient,
    admin: ApiClient,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app.db
    from app.cli import main as cli

    monkeypatch.setattr(app.db, "_engine", engine)
    assert cli(["create-client", "--name", "SDD", "--role", "partner", "--partner", "sdd"]) == 0
    client_id = capsys.readouterr().out.split()[1]
    assert cli(["revoke-client", client_id]) == 0
    entries = _entries(admin, resource="clients", recordId=client_id)
    assert [(e["action"], e["outcome"], e["clientId"]) for e in entries] == [
        ("revoke", "success", None),
        ("create", "success", None),
    ]
    assert all(e["detail"].startswith("command line (user ") for e in entries)


@pytest.mark.skipif(not is_postgres(), reason="keys are cached on PostgreSQL only")
def test_a_cached_key_costs_no_statement(http: TestClient, admin: ApiClient) -> None:
    """The limit keeps the success path as it was: no statement for a key in the cache."""
    from sqlalchemy import event

    engine = http.app_state["engine"]
    assert admin.get("/api/v1/plans").status_code == 200  # looked up, and cached
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert admin.get("/api/v1/plans").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert statements  # the plans themselves
    assert not [s for s in statements if "clients" in s or "audit_events" in s], statements


def test_a_key_shorter_than_32_characters_is_never_stored(engine: Engine) -> None:
    from sqlmodel import Session

    from app.access.schemas import ClientCreate
    from app.access.service import create_client
    from app.problems import InvalidInput

    with Session(engine) as session, pytest.raises(InvalidInput):
        create_client(session, ClientCreate(name="x", role="admin"), key="omk_" + "x" * 27)


def test_the_migration_cuts_earlier_key_prefixes_to_eight(engine: Engine) -> None:
    from alembic import command

    from tests.conftest import alembic_config

    config = alembic_config(database_url())
    command.downgrade(config, "0007")
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO clients (id, name, role, event_sources, max_confidentiality, "
                    "key_hash, key_prefix, created_at) VALUES (:id, 'old', 'admin', '[]', "
                    "'zeer-geheim', :hash, 'omk_abcdef', :now)"
                ),
                {"id": uuid.uuid4().hex, "hash": "0" * 64, "now": datetime.now(UTC)},
            )
    finally:
        command.upgrade(config, "head")
    with engine.connect() as connection:
        prefix = connection.scalar(text("SELECT key_prefix FROM clients WHERE name = 'old'"))
    assert prefix == "omk_abcd"
    clean(engine)
