"""Personal data follows each record type's one declaration (SPEC §4): the audit log and
history hold only the names of those fields, never their values — also for entries written
before a field was declared personal."""

from typing import Any

import pytest
from sqlalchemy import Engine, insert

from app.audit.models import AuditEvent
from app.db import new_id, utcnow
from app.records.registry import BY_RESOURCE, RECORD_TYPES
from tests.builders import RESOURCES, create
from tests.conftest import ApiClient, MakeClient

# What SPEC §4 names as personal data, by record type.
SPEC_PERSONAL_DATA = {
    "signals": {"externalId", "kvkNumber", "address", "neighbourhood", "description"},
    "bestuurlijke-rapportages": {"externalId", "kvkNumber", "address", "summary"},
    "measures": {"externalId", "kvkNumber", "address", "description"},
    "campaigns": {"externalId", "title", "organisations", "description"},
    "inspections": {"externalId", "sector", "neighbourhood", "findings"},
}


def personal_value(field: str, marker: str) -> Any:
    if field == "address":
        return {"street": f"{marker}straat", "houseNumber": "1", "city": f"{marker}stad"}
    if field == "kvkNumber":
        return {"Eerst": "87654321", "Later": "11223344"}[marker]
    if field == "organisations":
        return [f"{marker}organisatie"]
    return f"{marker}{field}"


def test_each_type_declares_what_the_spec_calls_personal_data() -> None:
    assert {t.resource: set(t.personal_fields) for t in RECORD_TYPES} == SPEC_PERSONAL_DATA


@pytest.mark.parametrize("resource", RESOURCES)
def test_audit_and_history_keep_no_personal_values(
    make_client: MakeClient, admin: ApiClient, resource: str
) -> None:
    politie = make_client("partner", "politie")
    fields = sorted(BY_RESOURCE[resource].personal_fields)
    first = {field: personal_value(field, "Eerst") for field in fields}
    later = {field: personal_value(field, "Later") for field in fields}
    record = create(politie, resource, **first)
    url = f"/api/v1/{resource}/{record['id']}"
    response = politie.patch(url, json=later, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text

    history = politie.get(f"{url}/history")
    audit = admin.get("/api/v1/audit-events", params={"recordId": record["id"]})
    for text in (history.text, audit.text):
        for marker in ("Eerst", "Later", "87654321", "11223344"):
            assert marker not in text
    update = next(e for e in history.json()["items"] if e["action"] == "update")
    assert update["changes"] == {field: {"redacted": True} for field in fields}


def test_entries_written_before_a_field_was_personal_are_shown_redacted(
    engine: Engine, admin: ApiClient, make_client: MakeClient
) -> None:
    politie = make_client("partner", "politie")
    record = create(politie, "inspections", sector="autobranche")
    with engine.begin() as connection:
        connection.execute(
            insert(AuditEvent).values(
                id=new_id(),
                occurred_at=utcnow(),
                client_name="earlier release",
                action="update",
                resource="inspections",
                record_id=record["id"],
                changes={
                    "sector": {"old": "autobranche", "new": "horeca"},
                    "kind": {"old": "overig", "new": "integrale-controle"},
                },
                outcome="success",
            )
        )
    history = politie.get(f"/api/v1/inspections/{record['id']}/history").json()["items"]
    audit = admin.get("/api/v1/audit-events", params={"recordId": record["id"]}).json()["items"]
    for entries in (history, audit):
        earlier = next(e for e in entries if e.get("clientName") == "earlier release")
        assert earlier["changes"] == {
            "sector": {"redacted": True},
            "kind": {"old": "overig", "new": "integrale-controle"},
        }
    # The stored entry itself is untouched (the log is append-only).
    again = admin.get("/api/v1/audit-events", params={"recordId": record["id"]}).json()["items"]
    assert audit == again
