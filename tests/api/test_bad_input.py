"""Bad bytes and shapes (SPEC §8): NUL, lone surrogates, too deep nesting and numbers out of
range in any JSON body or query parameter are a 400 naming the field, and change nothing."""

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.builders import RESOURCES, body, create
from tests.conftest import ApiClient
from tests.database_state import changed_tables, snapshot

PROBLEM = "application/problem+json"
NUL = "Voor\x00straat"
SURROGATE = "Voor\ud800straat"
FREE_TEXT = {
    "signals": "description",
    "bestuurlijke-rapportages": "summary",
    "measures": "description",
    "campaigns": "description",
    "inspections": "findings",
}
WITH_ADDRESS = ["signals", "bestuurlijke-rapportages", "measures"]


def deep(levels: int) -> str:
    """JSON text nested `levels` deep (json.dumps itself would recurse too deep)."""
    return "[" * levels + '"x"' + "]" * levels


def encode(document: Any) -> bytes:
    """`document` as JSON with \\u escapes (a lone surrogate too: it has no UTF-8 bytes);
    the text `"<deep:N>"` becomes N levels of nesting."""
    text = json.dumps(document)
    for levels in (40, 1000, 5000):
        text = text.replace(f'"<deep:{levels}>"', deep(levels))
    return text.encode()


def send(client: ApiClient, method: str, url: str, document: Any, **headers: str) -> Any:
    return client.request(
        method,
        url,
        content=encode(document),
        headers={"Content-Type": "application/json", **headers},
    )


def assert_names(response: Any, name: str, code: str | None = None) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    params = response.json()["invalidParams"]
    named = [p for p in params if p["name"] == name or p["name"].startswith(f"{name}.")]
    assert named, params
    if code is not None:
        assert code in {p["code"] for p in named}, params


BAD_VALUES = [
    pytest.param(NUL, "nul", id="nul"),
    pytest.param(SURROGATE, "surrogate", id="surrogate"),
    pytest.param("<deep:40>", "depth", id="depth-40"),
    pytest.param("<deep:1000>", "depth", id="depth-1000"),
    pytest.param("<deep:5000>", "depth", id="depth-5000"),
    pytest.param(10**12, "out-of-range", id="integer"),
    pytest.param(1e300, "out-of-range", id="float"),
]


@pytest.mark.parametrize(("value", "code"), BAD_VALUES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_create_refuses_bad_values_naming_the_field(
    admin: ApiClient, engine: Engine, resource: str, value: Any, code: str
) -> None:
    field = FREE_TEXT[resource]
    before = snapshot(engine)
    response = send(admin, "POST", f"/api/v1/{resource}", body(resource, **{field: value}))
    assert_names(response, field, code)
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize("value", [NUL, SURROGATE])
@pytest.mark.parametrize("resource", WITH_ADDRESS)
def test_a_nested_field_is_named_by_its_path(
    admin: ApiClient, engine: Engine, resource: str, value: str
) -> None:
    before = snapshot(engine)
    document = body(resource, address={"street": value, "city": "Dordrecht"})
    response = send(admin, "POST", f"/api/v1/{resource}", document)
    assert_names(response, "address.street")
    assert changed_tables(before, snapshot(engine)) == []


@pytest.mark.parametrize(("value", "code"), BAD_VALUES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_patch_refuses_bad_values_and_keeps_the_record(
    admin: ApiClient, engine: Engine, resource: str, value: Any, code: str
) -> None:
    record = create(admin, resource, partner="politie")
    field = FREE_TEXT[resource]
    before = snapshot(engine)
    url = f"/api/v1/{resource}/{record['id']}"
    for media_type in ("application/merge-patch+json", "application/json"):
        response = admin.patch(
            url,
            content=encode({field: value}),
            headers={"Content-Type": media_type, "If-Match": '"1"'},
        )
        assert_names(response, field, code)
    assert changed_tables(before, snapshot(engine)) == []
    assert admin.get(url).json()["version"] == 1


def test_a_bad_property_name_is_named_escaped(admin: ApiClient) -> None:
    response = send(admin, "POST", "/api/v1/signals", body("signals", **{"descr\x00": "x"}))
    assert_names(response, "descr\\u0000", "nul")


def test_nan_and_infinity_are_not_numbers(admin: ApiClient, engine: Engine) -> None:
    before = snapshot(engine)
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        text = json.dumps(body("campaigns")).replace("}", f', "participants": {literal}}}')
        response = admin.post(
            "/api/v1/campaigns", content=text, headers={"Content-Type": "application/json"}
        )
        assert_names(response, "participants", "number")
    assert changed_tables(before, snapshot(engine)) == []


def test_every_problem_is_listed_at_once(admin: ApiClient) -> None:
    document = body("signals", description=NUL, neighbourhood=SURROGATE)
    response = send(admin, "POST", "/api/v1/signals", document)
    assert_names(response, "description", "nul")
    assert_names(response, "neighbourhood", "surrogate")


# The writes whose body FastAPI parses into a model (not the record API's own reader).
OTHER_WRITES = [
    pytest.param(
        "POST",
        "/api/v1/clients",
        {"name": "x", "role": "analyst"},
        "name",
        id="createClient",
    ),
    pytest.param(
        "POST",
        "/api/v1/indicators",
        {
            "code": "p1-nieuw",
            "plan": "2023-2024",
            "pillar": "p1",
            "title": "x",
            "kind": "count",
            "target": {"value": 10, "per": "year"},
            "countingRule": {"resource": "inspections", "filters": {}},
        },
        "title",
        id="createIndicator",
    ),
    pytest.param(
        "PATCH", "/api/v1/indicators/p1-drugsacties", {"title": "x"}, "title", id="updateIndicator"
    ),
    pytest.param(
        "POST",
        "/api/v1/indicators/p2-apv-ondermijningsproof/updates",
        {"date": "2023-02-15", "status": "gestart", "note": "x"},
        "note",
        id="createMilestoneUpdate",
    ),
]


@pytest.mark.parametrize(("value", "code"), BAD_VALUES)
@pytest.mark.parametrize(("method", "url", "document", "field"), OTHER_WRITES)
def test_other_writes_refuse_bad_values(
    admin: ApiClient,
    engine: Engine,
    method: str,
    url: str,
    document: dict[str, Any],
    field: str,
    value: Any,
    code: str,
) -> None:
    before = snapshot(engine)
    response = send(admin, method, url, {**document, field: value})
    assert_names(response, field, code)
    assert changed_tables(before, snapshot(engine)) == []


def test_an_indicator_target_beyond_an_integer_column(admin: ApiClient, engine: Engine) -> None:
    before = snapshot(engine)
    response = send(
        admin,
        "PATCH",
        "/api/v1/indicators/p1-drugsacties",
        {"target": {"value": 2**40, "per": "year"}},
    )
    assert_names(response, "target.value", "out-of-range")
    assert changed_tables(before, snapshot(engine)) == []


QUERIES = [
    pytest.param("/api/v1/signals?theme=drugs%00", "theme", "nul", id="nul"),
    pytest.param("/api/v1/signals?postcode=%ED%A0%80", "postcode", "utf-8", id="surrogate"),
    pytest.param("/api/v1/signals?theme=%FF", "theme", "utf-8", id="not-utf-8"),
    pytest.param("/api/v1/measures?kvkNumber=%00", "kvkNumber", "nul", id="measures"),
    pytest.param("/api/v1/events?source=urn:x%00", "source", "nul", id="events"),
    pytest.param("/api/v1/events?type=%ED%B0%80", "type", "utf-8", id="events-surrogate"),
    pytest.param("/api/v1/statistics/signals?theme=%00", "theme", "nul", id="stats"),
    pytest.param("/api/v1/progress?plan=2023%00", "plan", "nul", id="progress"),
    pytest.param("/api/v1/signals?th%00eme=drugs", "th\\u0000eme", "nul", id="name"),
    pytest.param("/api/v1/indicators/p1%00", "path", "nul", id="path"),
]


@pytest.mark.parametrize(("url", "name", "code"), QUERIES)
def test_query_parameters_with_bad_bytes_are_named(
    admin: ApiClient, url: str, name: str, code: str
) -> None:
    assert_names(admin.get(url), name, code)


def test_a_write_with_a_bad_query_parameter_changes_nothing(
    admin: ApiClient, engine: Engine
) -> None:
    before = snapshot(engine)
    response = send(admin, "POST", "/api/v1/signals?x=%00", body("signals"))
    assert_names(response, "x", "nul")
    assert changed_tables(before, snapshot(engine)) == []


def test_good_non_ascii_input_still_works(admin: ApiClient) -> None:
    text = "Caf\u00e9 \u2018De W\u00e2n\u2019 \U0001f600 ge\u00efnventariseerd"
    record = create(admin, "signals", partner="politie", description=text)
    assert record["description"] == text
    response = admin.get("/api/v1/signals?theme=cr%C3%A8che")
    assert response.status_code == 200, response.text
