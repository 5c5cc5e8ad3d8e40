"""The served contract is complete for every operation (issue 7), including those added later.

Each test walks the document the app serves and lists every operation that falls short, with
what it is missing, so that a new endpoint learns here what the contract expects of it.
"""

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import API_VERSION
from app.openapi import NoExample, example_for
from app.problems import PROBLEM_JSON

METHODS = ("get", "put", "post", "patch", "delete")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")
JSON_MEDIA = re.compile(r"^application/(.+\+)?json$")
PROBLEM_REF = "#/components/schemas/Problem"

Operation = tuple[str, str, str, dict[str, Any]]  # name, method, path, operation


@pytest.fixture
def contract(http: TestClient) -> dict[str, Any]:
    response = http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(contract: dict[str, Any]) -> Iterator[Operation]:
    for path, item in contract["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                name = f"{method.upper()} {path} ({operation.get('operationId', 'no operationId')})"
                yield name, method, path, operation


def report(problems: list[str]) -> str:
    return "the contract falls short:\n  - " + "\n  - ".join(problems)


def resolve(node: dict[str, Any], contract: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = contract["components"]["schemas"][name]
    return node


def test_info_contact_version_and_servers(contract: dict[str, Any]) -> None:
    info = contract["info"]
    problems = [
        f"info.contact.{field} is missing"
        for field in ("name", "url", "email")
        if not info.get("contact", {}).get(field)
    ]
    if not SEMVER.match(info.get("version", "")):
        problems.append(f"info.version {info.get('version')!r} is not semver")
    if info.get("version") != API_VERSION:
        problems.append(f"info.version {info.get('version')!r} is not API_VERSION {API_VERSION}")
    major = API_VERSION.split(".", 1)[0]
    servers = contract.get("servers", [])
    if not servers:
        problems.append("there are no servers")
    problems += [
        f"server {server['url']!r} lacks the major version /v{major}"
        for server in servers
        if f"/v{major}" not in server["url"]
    ]
    if not info.get("description"):
        problems.append("info.description is missing")
    assert not problems, report(problems)


def test_tags_per_domain(contract: dict[str, Any]) -> None:
    declared = [tag["name"] for tag in contract.get("tags", [])]
    problems = [f"tag {name!r} is declared twice" for name, n in Counter(declared).items() if n > 1]
    problems += [
        f"tag {tag['name']!r} has no description"
        for tag in contract.get("tags", [])
        if not tag.get("description")
    ]
    used: set[str] = set()
    for name, _, _, operation in operations(contract):
        tags = operation.get("tags", [])
        used.update(tags)
        if not tags:
            problems.append(f"{name}: no tag (give its router `tags=[...]`)")
        problems += [
            f"{name}: tag {tag!r} is not declared in app.main.TAGS"
            for tag in tags
            if tag not in declared
        ]
    problems += [f"tag {name!r} is declared but unused" for name in declared if name not in used]
    assert not problems, report(problems)


def test_every_operation_has_summary_description_and_stable_id(contract: dict[str, Any]) -> None:
    problems = []
    ids = Counter(op.get("operationId") for _, _, _, op in operations(contract))
    for name, _, _, operation in operations(contract):
        if not operation.get("summary"):
            problems.append(f"{name}: no summary (`summary=` on the route)")
        if not (operation.get("description") or "").strip():
            problems.append(f"{name}: no description (a docstring on the endpoint)")
        operation_id = operation.get("operationId", "")
        if not OPERATION_ID.match(operation_id):
            problems.append(
                f"{name}: operationId {operation_id!r} is not an explicit lowerCamelCase id "
                "(`operation_id=` on the route)"
            )
        elif ids[operation_id] > 1:
            problems.append(f"{name}: operationId {operation_id!r} is not unique")
    assert not problems, report(problems)


def test_every_operation_has_its_security_requirement(contract: dict[str, Any]) -> None:
    schemes = contract.get("components", {}).get("securitySchemes", {})
    problems = []
    for name, _, _, operation in operations(contract):
        security = operation.get("security", contract.get("security"))
        if not security:
            problems.append(f"{name}: no security requirement")
            continue
        problems += [
            f"{name}: security scheme {scheme!r} is not in components.securitySchemes"
            for requirement in security
            for scheme in requirement
            if scheme not in schemes
        ]
    assert not problems, report(problems)


def test_every_operation_documents_its_errors_and_version_header(
    contract: dict[str, Any],
) -> None:
    problems = []
    for name, method, path, operation in operations(contract):
        responses: dict[str, Any] = operation.get("responses", {})
        has_input = bool(operation.get("parameters")) or "requestBody" in operation
        expected = {"500"}
        if has_input:
            expected.add("400")
        if operation.get("security"):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        problems += [
            f"{name}: response {status} is not documented"
            for status in sorted(expected - set(responses))
        ]
        if "422" in responses:
            problems.append(f"{name}: documents 422; invalid input is 400 (ADR)")
        if not any(status.startswith("2") for status in responses):
            problems.append(f"{name}: no 2xx response")
        for status, response in responses.items():
            if not response.get("description"):
                problems.append(f"{name}: response {status} has no description")
            if status.startswith(("2", "3")):
                if "API-Version" not in response.get("headers", {}):
                    problems.append(f"{name}: response {status} lacks the API-Version header")
            elif status.startswith(("4", "5")):
                content = response.get("content", {})
                schema = content.get(PROBLEM_JSON, {}).get("schema", {})
                if schema.get("$ref") != PROBLEM_REF:
                    problems.append(
                        f"{name}: response {status} is not {PROBLEM_JSON} with the Problem schema"
                    )
                others = sorted(set(content) - {PROBLEM_JSON})
                if others:
                    problems.append(f"{name}: response {status} also offers {others}")
        if (
            method in {"post", "put", "patch"}
            and "requestBody" in operation
            and "415" not in responses
        ):
            problems.append(f"{name}: takes a body but does not document 415")
    assert not problems, report(problems)


def test_every_body_and_parameter_has_an_example(contract: dict[str, Any]) -> None:
    components = contract.get("components", {})
    problems = []
    for name, _, _, operation in operations(contract):
        bodies = [("request body", operation.get("requestBody", {}))] + [
            (f"response {status}", response)
            for status, response in operation.get("responses", {}).items()
            if status.startswith("2")
        ]
        for label, body in bodies:
            for media_type, media in body.get("content", {}).items():
                if not JSON_MEDIA.match(media_type) or "example" in media or "examples" in media:
                    continue
                missing: list[str] = []
                with contextlib.suppress(NoExample):
                    example_for(media.get("schema", {}), components, "body", missing)
                problems.append(
                    f"{name}: {label} ({media_type}) has no example; give these fields "
                    f"`examples=[...]`: {', '.join(missing) or '(see its schema)'}"
                )
        for parameter in operation.get("parameters", []):
            if not _has_example(parameter, contract):
                problems.append(
                    f"{name}: {parameter['in']} parameter {parameter['name']!r} has no example "
                    "(`examples=[...]` in its Query/Path/Header)"
                )
    assert not problems, report(problems)


def _has_example(parameter: dict[str, Any], contract: dict[str, Any]) -> bool:
    if "example" in parameter or parameter.get("examples"):
        return True
    schema = parameter.get("schema", {})
    if "example" in schema or schema.get("examples"):
        return True
    branches = schema.get("anyOf", []) + schema.get("oneOf", []) + [schema]
    return any(resolve(branch, contract).get("enum") for branch in branches)


def test_creates_link_to_the_operations_on_what_they_made(contract: dict[str, Any]) -> None:
    """Links let clients and the fuzzer's stateful phase follow a resource from create on."""
    problems = []
    for name, method, path, operation in operations(contract):
        created = operation.get("responses", {}).get("201")
        if method != "post" or not created:
            continue
        targets = {
            op["operationId"]
            for _, _, other, op in operations(contract)
            if other.startswith(path + "/{") and other.count("{") == path.count("{") + 1
        }
        missing = targets - set(created.get("links", {}))
        if missing:
            problems.append(f"{name}: response 201 has no links to {sorted(missing)}")
    links = contract["paths"]["/clients"]["post"]["responses"]["201"]["links"]
    assert links["getClient"]["parameters"] == {"clientId": "$response.body#/id"}
    assert not problems, report(problems)
