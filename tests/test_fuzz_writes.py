"""Property-based fuzzing of every write operation of the contract (read from the app's
OpenAPI): bodies, path and query parameters and headers, valid examples mutated with NUL,
lone surrogates, deep nesting, huge numbers and wrong types. No answer is a 5xx, and a 4xx
writes nothing (a rejected event is kept in the inbox by design: SPEC §5). The query
parameters of every read are fuzzed too (no 5xx)."""

import copy
import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from app.main import create_api
from tests.builders import RESOURCES, body
from tests.conftest import ApiClient, MakeClient
from tests.database_state import changed_tables, snapshot

SOURCE = "urn:nl:politie:zhz:bvh"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
CONTRACT = create_api().openapi()
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str  # the template, e.g. /signals/{id}
    path_parameters: list[str]
    query_parameters: list[str]
    bodies: dict[str, Any] = field(default_factory=dict)  # media type -> example
    properties: list[str] = field(default_factory=list)  # the body schema's own


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = CONTRACT["components"]["schemas"][name]
    return schema


def _properties(schema: dict[str, Any]) -> list[str]:
    schema = _resolve(schema)
    if schema.get("type") == "array":
        return _properties(schema.get("items", {}))
    return sorted(schema.get("properties", {}))


def _example(media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples") or {}
    first = next(iter(examples.values()), {})
    return first.get("value", {})


def write_operations() -> list[Operation]:
    found = []
    for path, item in CONTRACT["paths"].items():
        for method, spec in item.items():
            if method not in WRITE_METHODS:
                continue
            parameters = spec.get("parameters", [])
            operation = Operation(
                operation_id=spec["operationId"],
                method=method.upper(),
                path=path,
                path_parameters=[p["name"] for p in parameters if p["in"] == "path"],
                query_parameters=[p["name"] for p in parameters if p["in"] == "query"],
            )
            for media_type, media in spec.get("requestBody", {}).get("content", {}).items():
                operation.bodies[media_type] = _example(media)
                operation.properties = sorted(
                    {*operation.properties, *_properties(media.get("schema", {}))}
                )
            found.append(operation)
    return found


OPERATIONS = write_operations()

# ---------------------------------------------------------------- strategies

BAD_STRINGS = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\ud83d",  # half of an emoji
    "\\u0000",  # the text, not the character
    "%00",
    "\u202e\ufeff\ufffe",
    "'; DROP TABLE signals; --",
    "111222333",  # a BSN (elfproef)
    "\u0661\u0661\u0661\u0662\u0662\u0662\u0663\u0663\u0663",
    " " * 300,
    "x" * 20_000,
    "2023-02-30",
    "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e",
    "<deep:40>",
    "<deep:1000>",
    "<deep:3000>",
    "<number:5000>",
]
characters = st.characters() | st.integers(0xD800, 0xDFFF).map(chr) | st.just("\x00")
strings = st.sampled_from(BAD_STRINGS) | st.text(characters, max_size=12)
numbers = (
    st.sampled_from(
        [2**31, -(2**31) - 1, 2**63, 10**30, 1e300, -1e308, float("nan"), float("inf"), -0.0]
    )
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
)
scalars = st.none() | st.booleans() | numbers | strings
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(strings, children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in an example that holds a value."""
    found: list[tuple[Any, ...]] = []
    if isinstance(document, dict):
        for key, item in document.items():
            found.append((*prefix, key))
            found += _paths(item, (*prefix, key))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found.append((*prefix, index))
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: Any, example: Any, properties: list[str]) -> Any:
    """The example with one to three of its values (or the schema's properties) replaced,
    removed or joined by an unknown one; now and then something else entirely."""
    if draw(st.integers(0, 9)) == 0:
        return draw(values)
    document = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 3))):
        places = _paths(document)
        if isinstance(document, dict):
            places += [(name,) for name in properties]
        if isinstance(document, list) and document and isinstance(document[0], dict):
            places += [(0, "data", name) for name in ("description", "address", "theme")]
        if not places:
            return draw(values)
        place = draw(st.sampled_from(places))
        target = document
        try:
            for key in place[:-1]:
                target = target[key]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(target, dict | list):
            continue
        action = draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
        last = place[-1]
        if action == "remove" and isinstance(target, dict):
            target.pop(last, None)
        elif action == "add" and isinstance(target, dict):
            target[draw(strings)] = draw(values)
        elif isinstance(target, dict) or (isinstance(last, int) and last < len(target)):
            target[last] = draw(values)
    return document


def encode(document: Any) -> bytes:
    """JSON with \\u escapes (lone surrogates and NUL too), NaN and Infinity as Python
    writes them; `"<deep:N>"` becomes N levels of nesting, `"<number:N>"` N digits."""
    text = json.dumps(document)
    for levels in (40, 1000, 3000):
        text = text.replace(f'"<deep:{levels}>"', '{"a": ' * levels + "1" + "}" * levels)
    return text.replace('"<number:5000>"', "9" * 5000).encode()


def broken(raw: bytes, how: str) -> bytes:
    if how == "truncated":
        return raw[: max(1, len(raw) // 2)]
    if how == "not-utf-8":
        return raw[:1] + b"\xed\xa0\x80\xff" + raw[1:]
    if how == "nul-byte":
        return raw.replace(b'"', b'"\x00', 1)
    if how == "empty":
        return b""
    return raw


def url_text(value: str) -> str:
    """Percent-encoded as UTF-8, a lone surrogate as the bytes it would have."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@dataclass
class FuzzRequest:
    method: str
    url: str
    content: bytes | None
    headers: dict[str, Any]

    def __repr__(self) -> str:
        shown = (self.content or b"")[:300]
        return f"{self.method} {self.url} {self.headers} {shown!r}"


@st.composite
def requests_for(draw: Any, operation: Operation, path_values: dict[str, str]) -> FuzzRequest:
    path = "/api/v1" + operation.path
    for name in operation.path_parameters:
        value = draw(st.sampled_from([path_values[name]] * 4 + ["%00", "%ED%A0%80", "x"]))
        if value == "x":
            value = url_text(draw(strings)) or "x"
        path = path.replace("{" + name + "}", value)
    query = []
    if draw(st.integers(0, 3)) == 0:
        names = [*operation.query_parameters, "x", "limit", "partner", "id"]
        for _ in range(draw(st.integers(1, 2))):
            name = draw(st.sampled_from(names))
            query.append(f"{url_text(name)}={url_text(draw(strings))}")
    url = path + ("?" + "&".join(query) if query else "")
    headers = {"If-Match": draw(st.sampled_from(["*", "*", "*", '"1"', "\x7f", "W/x" * 70]))}
    if draw(st.booleans()):
        # Bytes beyond ASCII as a header may carry them (Latin-1).
        headers["Idempotency-Key"] = draw(st.sampled_from(["k1", "k" * 300, b"\xe9\xff"]))
    content = None
    if operation.bodies:
        media_types = sorted(operation.bodies)
        media_type = draw(st.sampled_from(media_types))
        example = operation.bodies[media_type]
        content = encode(draw(mutated(example, operation.properties)))
        content = broken(
            content,
            draw(st.sampled_from(["none"] * 8 + ["truncated", "not-utf-8", "nul-byte", "empty"])),
        )
        headers["Content-Type"] = draw(
            st.sampled_from([media_type] * 6 + ["text/plain", "application/json; charset=latin-1"])
        )
    return FuzzRequest(operation.method, url, content, headers)


# ---------------------------------------------------------------- the test


def _record_resource(operation: Operation) -> str | None:
    segment = operation.path.split("/")[1]
    return segment if segment in RESOURCES and "{id}" in operation.path else None


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
def test_no_5xx_and_nothing_written_on_a_4xx(
    operation: Operation, make_client: MakeClient, admin: ApiClient, engine: Engine
) -> None:
    caller = admin
    if operation.operation_id == "postEvents":
        caller = make_client("partner", "politie", eventSources=[SOURCE])
    resource = _record_resource(operation)
    throwaway = make_client("analyst", name="throwaway")
    mapping = admin.post(
        "/api/v1/identity-mappings",
        json={"claim": "groups", "value": "fuzz", "role": "analyst", "priority": 100},
    )
    assert mapping.status_code == 201, mapping.text
    path_values = {
        "code": "p2-apv-ondermijningsproof",
        "clientId": throwaway.id,
        "mappingId": mapping.json()["id"],
    }
    if operation.path.startswith("/indicators/{code}") and operation.method == "PATCH":
        path_values["code"] = "p1-drugsacties"

    def ensure_record() -> None:
        """A record to change or delete (made again once a fuzzed DELETE removed it)."""
        if resource is None:
            return
        current = path_values.get("id")
        if current is None or admin.get(f"/api/v1/{resource}/{current}").status_code == 404:
            made = admin.post(f"/api/v1/{resource}", json=body(resource, partner="politie"))
            assert made.status_code == 201, made.text
            path_values["id"] = made.json()["id"]

    ensure_record()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def check(data: Any) -> None:
        ensure_record()
        request = data.draw(requests_for(operation, path_values))
        before = snapshot(engine)
        response = caller.request(
            request.method, request.url, content=request.content, headers=request.headers
        )
        assert response.status_code < 500, f"{request!r} -> {response.text}"
        if response.status_code < 400:
            return
        assert response.headers["content-type"].startswith("application/problem+json")
        changed = changed_tables(before, snapshot(engine))
        if operation.operation_id == "postEvents" and changed == ["inbox_events"]:
            # One event answered with its rejection: that rejection (only) is stored.
            assert response.json().get("inboxId"), response.text
            added = set(snapshot(engine)["inbox_events"]) - set(before["inbox_events"])
            assert len(added) == 1
            assert "'rejected'" in next(iter(added))
            return
        assert changed == [], f"{request!r} -> {response.status_code} changed {changed}"

    check()


# ---------------------------------------------------------------- reads (query parameters)

READS = [
    (path, spec)
    for path, item in CONTRACT["paths"].items()
    for method, spec in item.items()
    if method == "get" and any(p["in"] == "query" for p in spec.get("parameters", []))
]
READ_PATH_VALUES = {
    "code": "p1-drugsacties",
    "resource": "signals",
    "id": "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e",
    "clientId": "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e",
    "mappingId": "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e",
}


@pytest.mark.parametrize(("path", "spec"), READS, ids=[spec["operationId"] for _, spec in READS])
def test_reads_answer_any_query_parameters_without_a_5xx(
    path: str, spec: dict[str, Any], admin: ApiClient
) -> None:
    """The query parameters of every read, given bad bytes and wrong values (SPEC §8)."""
    names = [p["name"] for p in spec["parameters"] if p["in"] == "query"]
    for name, value in READ_PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)

    @settings(max_examples=max(10, EXAMPLES // 2), deadline=None, database=None)
    @given(
        query=st.lists(
            st.tuples(st.sampled_from([*names, "x"]), strings | numbers.map(str)),
            min_size=1,
            max_size=3,
        )
    )
    def check(query: list[tuple[str, str]]) -> None:
        text = "&".join(f"{url_text(name)}={url_text(value)}" for name, value in query)
        response = admin.get(f"/api/v1{path}?{text}")
        assert response.status_code < 500, f"{path}?{text} -> {response.text}"

    check()
