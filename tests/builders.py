"""Small builders for record bodies: the least each resource needs, plus what a test adds."""

from typing import Any

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
RESOURCES = list(MINIMAL)
DATE_FIELD = {
    "signals": "receivedOn",
    "bestuurlijke-rapportages": "receivedOn",
    "measures": "decidedOn",
    "campaigns": "startsOn",
    "inspections": "occurredOn",
}
PREFIX = {
    "signals": "SIG",
    "bestuurlijke-rapportages": "BR",
    "measures": "MR",
    "campaigns": "CA",
    "inspections": "CTR",
}


def body(resource: str, **fields: Any) -> dict[str, Any]:
    return {**MINIMAL[resource], **fields}


def create(client: Any, resource: str, **fields: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/{resource}", json=body(resource, **fields))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
