"""Small builders for record bodies: the least each resource needs, plus what a test adds."""

from typing import Any

from app.records.registry import RECORD_TYPES

MINIMAL: dict[str, dict[str, Any]] = {
    "signals": {"channel": "casusoverleg", "receivedOn": "2023-02-01"},
    "bestuurlijke-rapportages": {"theme": "drugs", "receivedOn": "2023-02-01"},
    "measures": {"kind": "sluiting", "decidedOn": "2023-02-01"},
    "campaigns": {
        "kind": "communicatiecampagne",
        "title": "Contant geld",
        "startsOn": "2023-02-01",
    },
    "inspections": {"kind": "integrale-controle", "occurredOn": "2023-02-01"},
}
RESOURCES = [record_type.resource for record_type in RECORD_TYPES]
# The API name of each type's own date field, and its reference prefix, as declared.
DATE_FIELD = {
    record_type.resource: record_type.counting.default_date_field for record_type in RECORD_TYPES
}
PREFIX = {record_type.resource: record_type.prefix for record_type in RECORD_TYPES}
assert set(MINIMAL) == set(RESOURCES), "every record type needs a minimal body here"


def body(resource: str, **fields: Any) -> dict[str, Any]:
    return {**MINIMAL[resource], **fields}


def create(client: Any, resource: str, **fields: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/{resource}", json=body(resource, **fields))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
