"""The contract describes itself (issue 13): every property of every schema has a description
and a title a person wrote or one made readably from its name, and every parameter has a
description. Lists every shortfall, so that a new field learns here what it needs."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import humanize

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def contract(http: TestClient) -> dict[str, Any]:
    return http.get("/api/v1/openapi.json").json()


def machine_made(title: str, name: str) -> bool:
    """Pydantic's titles from an alias ("Receivedon", "Kvknumber") or a raw name."""
    return title != humanize(name) and title in {
        name.title(),
        name.replace("_", " ").title(),
        name,
    }


def properties(node: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every property of every schema, nested ones included."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                yield f"{where}.{name}", name, prop
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{where}[{index}]")


def test_every_property_has_a_description_and_a_readable_title(contract: dict[str, Any]) -> None:
    problems = []
    for where, name, prop in properties(contract, ""):
        if not str(prop.get("description", "")).strip():
            problems.append(f"{where}: no description")
        title = prop.get("title")
        if not title:
            problems.append(f"{where}: no title")
        elif machine_made(title, name):
            problems.append(f"{where}: machine-made title {title!r}")
    assert not problems, "\n".join(problems)


def test_every_parameter_has_a_description(contract: dict[str, Any]) -> None:
    problems = []
    for path, item in contract["paths"].items():
        for method in METHODS:
            for parameter in item.get(method, {}).get("parameters", []):
                if "$ref" in parameter:
                    continue
                if not str(parameter.get("description", "")).strip():
                    problems.append(f"{method.upper()} {path}: {parameter['name']}")
    assert not problems, problems


@pytest.mark.parametrize(
    ("schema", "prop", "title"),
    [
        ("SignalRead", "receivedOn", "Received on"),
        ("SignalInput", "kvkNumber", "KvK number"),
        ("MeasureRead", "rapportageId", "Rapportage id"),
        ("SignalRead", "status", "Status"),
        ("Problem", "invalidParams", "Invalid params"),
    ],
)
def test_titles_read_as_words(contract: dict[str, Any], schema: str, prop: str, title: str) -> None:
    assert contract["components"]["schemas"][schema]["properties"][prop]["title"] == title


def test_the_check_catches_what_it_should() -> None:
    assert machine_made("Receivedon", "receivedOn")
    assert not machine_made("Received on", "receivedOn")
    assert not machine_made("Status", "status")
    assert re.fullmatch(r"[A-Z].*", humanize("discussed_on"))
