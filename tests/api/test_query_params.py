"""Strict query parameters (SPEC §4.1, §8): on every operation of the contract an unknown
query parameter, or a declared one given twice, is 400 naming it, and changes nothing."""

import uuid
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.routing import Mount

from app.problems import install_problem_handlers
from app.records.registry import BY_RESOURCE
from app.strict_query import declared_query, strict_query_parameters
from tests.builders import RESOURCES, create
from tests.conftest import ApiClient, MakeClient


def _operations(api: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation of the mounted API's `app.openapi()`, the contract it serves."""
    return [
        (method.upper(), path, operation)
        for path, operations in api.openapi()["paths"].items()
        for method, operation in operations.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]


@pytest.fixture
def filled(admin: ApiClient, make_client: MakeClient) -> dict[str, str]:
    """A real value for every path parameter of the contract."""
    politie = make_client("partner", "politie")
    values = {resource: create(politie, resource)["id"] for resource in RESOURCES}
    plans = admin.get("/api/v1/plans").json()
    indicators = admin.get("/api/v1/indicators").json()
    return {
        **values,
        "plan": plans[0]["code"] if isinstance(plans, list) else plans["items"][0]["code"],
        "indicator": (indicators if isinstance(indicators, list) else indicators["items"])[0][
            "code"
        ],
        "client": admin.id,
    }


def _url(path: str, filled: dict[str, str]) -> str:
    """The path with its parameters filled: record ids, a plan or indicator code, a client."""
    segments = []
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if not part.startswith("{"):
            segments.append(part)
            continue
        owner = parts[index - 1]
        if owner in filled:
            segments.append(filled[owner])
        elif owner == "plans":
            segments.append(filled["plan"])
        elif owner == "indicators":
            segments.append(filled["indicator"])
        elif owner == "clients":
            segments.append(filled["client"])
        elif owner == "statistics":
            segments.append("signals")
        else:  # an event or identity mapping: the parameters are refused before the lookup
            segments.append(str(uuid.uuid4()))
    return "/api/v1/" + "/".join(segments)


def _example(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    for source in (parameter, schema, *schema.get("anyOf", [])):
        if source.get("examples"):
            return str(source["examples"][0])
        if source.get("enum"):
            return str(source["enum"][0])
    return "1"


def _refused(response: Any, name: str, code: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"name": name, "code": code} in [
        {"name": param["name"], "code": param["code"]} for param in response.json()["invalidParams"]
    ], response.text


def test_every_operation_refuses_unknown_and_repeated_parameters(
    app: Any, admin: ApiClient, filled: dict[str, str]
) -> None:
    api = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1")
    operations = _operations(api)
    assert len(operations) > 50
    repeated = 0
    for method, path, operation in operations:
        url = _url(path, filled)
        unknown = admin.request(method, url, params={"bogus": "1"}, json={})
        _refused(unknown, "bogus", "unknown-parameter")
        declared = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        for parameter in declared:
            if parameter.get("schema", {}).get("type") == "array":
                continue  # a documented list may repeat
            value = _example(parameter)
            twice = admin.request(
                method, f"{url}?{parameter['name']}={value}&{parameter['name']}={value}"
            )
            _refused(twice, parameter["name"], "repeated-parameter")
            repeated += 1
    assert repeated > 100
    # Nothing was changed by the refused requests: every record is still there, unchanged.
    for resource in RESOURCES:
        record = admin.get(f"/api/v1/{resource}/{filled[resource]}")
        assert record.status_code == 200
        assert record.json()["version"] == 1
    assert admin.get("/api/v1/signals", params={"total": "true"}).json()["total"] == 1


def test_a_partner_is_refused_alike(make_client: MakeClient, filled: dict[str, str]) -> None:
    politie = make_client("partner", "politie")
    for resource in RESOURCES:
        url = f"/api/v1/{resource}/{filled[resource]}"
        _refused(politie.get(url, params={"embed": "x"}), "embed", "unknown-parameter")
        _refused(politie.get(f"{url}/history", params={"x": "1"}), "x", "unknown-parameter")
        has_status = "status" in BY_RESOURCE[resource].filters.any_of
        code = "repeated-parameter" if has_status else "unknown-parameter"
        _refused(politie.get(f"/api/v1/{resource}?status=a&status=b&limit=5"), "status", code)


def test_the_other_problems_come_in_the_same_answer(admin: ApiClient) -> None:
    response = admin.get("/api/v1/signals?foo=1&limit=0&from=2023-13-01&status=nieuw&status=x")
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"foo", "limit", "from", "status"}


def test_a_stranger_is_401_before_any_parameter_is_judged(http: TestClient) -> None:
    assert http.get("/api/v1/signals", params={"bogus": "1"}).status_code == 401


def test_refused_writes_change_nothing(admin: ApiClient, make_client: MakeClient) -> None:
    politie = make_client("partner", "politie")
    record = create(politie, "signals")
    body = {"channel": "casusoverleg", "receivedOn": "2023-02-01"}
    _refused(politie.post("/api/v1/signals?dryRun=1", json=body), "dryRun", "unknown-parameter")
    patched = politie.patch(
        f"/api/v1/signals/{record['id']}?force=1",
        json={"status": "afgesloten"},
        headers={"If-Match": '"1"'},
    )
    _refused(patched, "force", "unknown-parameter")
    coordinator = make_client("coordinator", "gemeente")
    gone = coordinator.delete(f"/api/v1/signals/{record['id']}?x=1", headers={"If-Match": '"1"'})
    _refused(gone, "x", "unknown-parameter")
    listed = politie.get("/api/v1/signals").json()["items"]
    assert [(item["id"], item["version"], item["status"]) for item in listed] == [
        (record["id"], 1, "nieuw")
    ]


# ---------------------------------------------------------------- the mechanism itself


class Window(BaseModel):
    start: str | None = None
    tags: list[str] = []


def _paging(page: Annotated[int, Query()] = 1) -> int:
    return page


def _toy_app() -> FastAPI:
    toy = FastAPI(dependencies=[Depends(strict_query_parameters)])
    install_problem_handlers(toy)

    @toy.get("/things")
    def things(
        window: Annotated[Window, Query()],
        page: Annotated[int, Depends(_paging)],
        kinds: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI's own idiom
    ) -> dict[str, Any]:
        return {"kinds": kinds, "tags": window.tags, "page": page}

    return toy


def test_declared_names_come_from_parameters_dependencies_and_query_models() -> None:
    route = next(route for route in _toy_app().routes if getattr(route, "path", "") == "/things")
    declared = declared_query(route.dependant)  # type: ignore[attr-defined]
    assert declared.names == {"start", "tags", "page", "kinds"}
    assert declared.repeatable == {"tags", "kinds"}


def test_lists_may_repeat_and_others_may_not() -> None:
    with TestClient(_toy_app()) as toy:
        fine = toy.get("/things?kinds=a&kinds=b&tags=x&tags=y&page=2&start=s")
        assert fine.status_code == 200
        assert fine.json() == {"kinds": ["a", "b"], "tags": ["x", "y"], "page": 2}
        twice = toy.get("/things?page=1&page=2")
        assert twice.status_code == 400
        assert twice.json()["invalidParams"][0]["name"] == "page"
        unknown = toy.get("/things?start=s&other=1")
        assert unknown.status_code == 400
        assert [p["name"] for p in unknown.json()["invalidParams"]] == ["other"]
