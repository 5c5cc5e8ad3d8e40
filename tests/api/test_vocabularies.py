"""`GET /vocabularies` (SPEC §4.3): every enum with its Dutch labels, the workflows, and the
same labels in the contract."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.records.registry import RECORD_TYPES
from tests.conftest import MakeClient

URL = "/api/v1/vocabularies"


@pytest.fixture
def contract(http: TestClient) -> dict[str, Any]:
    return http.get("/api/v1/openapi.json").json()


def enum_nodes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema in the document that lists `enum` values, with where it is."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield where, node
        for key, value in node.items():
            yield from enum_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from enum_nodes(value, f"{where}/{index}")


@pytest.mark.parametrize(
    ("role", "partner"),
    [("partner", "politie"), ("coordinator", None), ("analyst", None), ("admin", None)],
)
def test_every_role_reads_the_vocabularies(
    make_client: MakeClient, role: str, partner: str | None
) -> None:
    response = make_client(role, partner).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"enums", "workflows"}
    for name, vocabulary in body["enums"].items():
        assert vocabulary["description"], name
        assert vocabulary["values"], name
        for value in vocabulary["values"]:
            assert set(value) == {"value", "label", "description"}
            assert value["label"].strip(), (name, value)
            assert value["description"].strip(), (name, value)


def test_without_a_key_it_is_401(http: TestClient) -> None:
    response = http.get(URL)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("enum", "value", "label"),
    [
        ("MeasureKind", "sluiting", "Sluiting (Opiumwet 13b / Gemeentewet 174a)"),
        ("MeasureKind", "bibob-weigering", "Weigering op grond van de Wet Bibob"),
        ("LegalBasis", "opiumwet-13b", "Opiumwet artikel 13b"),
        ("Confidentiality", "beperkt-openbaar", "Beperkt openbaar"),
        ("Confidentiality", "zeer-geheim", "Zeer geheim"),
        ("SignalStatus", "in-behandeling", "In behandeling"),
        ("Channel", "meld-misdaad-anoniem", "Meld Misdaad Anoniem"),
        ("Role", "coordinator", "Coördinator"),
        ("RecordResource", "bestuurlijke-rapportages", "Bestuurlijke rapportages"),
    ],
)
def test_labels_carry_the_domain_terms(
    make_client: MakeClient, enum: str, value: str, label: str
) -> None:
    values = make_client("coordinator").get(URL).json()["enums"][enum]["values"]
    assert {item["value"]: item["label"] for item in values}[value] == label


def test_workflows_are_the_record_types_declarations(make_client: MakeClient) -> None:
    workflows = make_client("partner", "politie").get(URL).json()["workflows"]
    declared = {
        record_type.resource: {
            state: sorted(targets) for state, targets in record_type.workflow.transitions.items()
        }
        for record_type in RECORD_TYPES
        if record_type.workflow is not None
    }
    assert workflows == declared
    assert workflows["signals"]["nieuw"] == ["afgesloten", "in-behandeling"]
    assert workflows["signals"]["afgesloten"] == []
    assert "ingetrokken" in workflows["measures"]["opgelegd"]


def test_the_contract_carries_the_same_labels_for_every_enum(
    make_client: MakeClient, contract: dict[str, Any]
) -> None:
    enums = make_client("analyst").get(URL).json()["enums"]
    schemas = contract["components"]["schemas"]
    problems = []
    for where, node in enum_nodes(contract, ""):
        name = where.rsplit("/", 1)[-1]
        if where != f"/components/schemas/{name}":
            problems.append(f"{where}: an enum outside components/schemas (no labels)")
            continue
        if name not in enums:
            problems.append(f"{name}: not in the vocabularies")
            continue
        values = enums[name]["values"]
        if [item["value"] for item in values] != node["enum"]:
            problems.append(f"{name}: other values than in the contract")
        if node.get("x-enum-labels") != {item["value"]: item["label"] for item in values}:
            problems.append(f"{name}: x-enum-labels differ from the vocabularies")
        descriptions = {item["value"]: item["description"] for item in values}
        if node.get("x-enum-descriptions") != descriptions:
            problems.append(f"{name}: x-enum-descriptions differ from the vocabularies")
    assert not problems, problems
    # And nothing in the vocabularies that the contract does not have.
    assert set(enums) <= set(schemas)
    assert {"Confidentiality", "Role", "SignalStatus", "MeasureKind", "Interval"} <= set(enums)
