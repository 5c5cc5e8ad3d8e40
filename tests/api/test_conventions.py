"""SPEC §8 conventions on every response: headers, problem details, limits, probes, logs."""

import json
import logging

import pytest
from anyio import to_thread
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app import API_VERSION
from app.main import create_app
from app.settings import Settings
from tests.conftest import ApiClient, database_url

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def assert_conventions(response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["API-Version"] == API_VERSION
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-request-id"]


def assert_problem(response, status: int) -> dict:
    assert_conventions(response, status)
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert "Traceback" not in response.text
    return body


def test_success_carries_version_and_security_headers(admin: ApiClient) -> None:
    assert_conventions(admin.get("/api/v1/plans"), 200)


def test_unknown_route_is_a_problem(http: TestClient) -> None:
    body = assert_problem(http.get("/api/v1/does-not-exist"), 404)
    assert body["instance"] == "/api/v1/does-not-exist"
    assert_problem(http.get("/nothing-here"), 404)


def test_trailing_slash_is_404_not_a_redirect(admin: ApiClient) -> None:
    response = admin.get("/api/v1/plans/", follow_redirects=False)
    assert_problem(response, 404)
    assert "location" not in response.headers


def test_wrong_method_is_405_problem_with_allow(admin: ApiClient) -> None:
    response = admin.request("PUT", "/api/v1/plans")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_invalid_query_is_400_with_every_problem(admin: ApiClient) -> None:
    response = admin.get("/api/v1/clients", params={"limit": 500, "cursor": "x" * 101})
    body = assert_problem(response, 400)
    names = {param["name"] for param in body["invalidParams"]}
    assert names == {"limit", "cursor"}
    assert all(param["reason"] and param["code"] for param in body["invalidParams"])


def test_invalid_body_lists_every_problem_and_unknown_properties(admin: ApiClient) -> None:
    response = admin.post(
        "/api/v1/clients",
        json={"role": "chef", "maxConfidentiality": "hemelhoog", "bsn": "123456782"},
    )
    body = assert_problem(response, 400)
    params = {param["name"]: param["code"] for param in body["invalidParams"]}
    assert params == {
        "name": "required",
        "role": "enum",
        "maxConfidentiality": "enum",
        "bsn": "unknown-property",
    }


def test_malformed_json_is_400(admin: ApiClient) -> None:
    response = admin.post(
        "/api/v1/clients", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_wrong_content_type_is_415(admin: ApiClient) -> None:
    response = admin.post(
        "/api/v1/clients", content=b"name=x", headers={"Content-Type": "text/plain"}
    )
    body = assert_problem(response, 415)
    assert "text/plain" in body["detail"]


def test_body_over_the_limit_is_413_and_changes_nothing(admin: ApiClient) -> None:
    big = json.dumps({"name": "x" * (6 * 1024 * 1024), "role": "admin"})
    response = admin.post(
        "/api/v1/clients", content=big, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert len(admin.get("/api/v1/clients").json()["items"]) == 1


def test_streamed_body_over_the_limit_is_413(admin: ApiClient) -> None:
    def chunks():
        for _ in range(7):
            yield b"x" * (1024 * 1024)

    response = admin.post(
        "/api/v1/clients", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)


def test_crash_is_500_problem_without_stack_trace(admin: ApiClient) -> None:
    app = create_app(Settings(database_url=database_url(), log_level="WARNING"))
    api = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1")
    assert isinstance(api, FastAPI)

    @api.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail in the exception")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom", headers=admin.headers)
    body = assert_problem(response, 500)
    assert "secret detail" not in response.text
    assert body["type"].endswith("internal-error")


def test_contract_is_open_and_cors_star() -> None:
    app = create_app(Settings(database_url=database_url(), log_level="WARNING"))
    with TestClient(app) as client:
        response = client.get("/api/v1/openapi.json", headers={"Origin": "https://elders.nl"})
    assert_conventions(response, 200)
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["servers"][0]["url"] == "/api/v1"


def test_cors_allows_configured_origins_only() -> None:
    settings = Settings(
        database_url=database_url(), cors_origins="https://frontend.example.nl", log_level="WARNING"
    )
    with TestClient(create_app(settings)) as client:
        allowed = client.options(
            "/api/v1/plans",
            headers={
                "Origin": "https://frontend.example.nl",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "Authorization",
            },
        )
        other = client.get("/api/v1/plans", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://frontend.example.nl"
    assert "access-control-allow-origin" not in other.headers


def test_probes(http: TestClient) -> None:
    assert_conventions(http.get("/healthz"), 200)
    assert http.get("/readyz").json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    settings = Settings(database_url="postgresql://nobody@127.0.0.1:1/none", log_level="WARNING")
    with TestClient(create_app(settings)) as client:
        assert_conventions(client.get("/healthz"), 200)
        body = assert_problem(client.get("/readyz"), 503)
    assert "database" in body["detail"]


def test_metrics_are_prometheus(admin: ApiClient) -> None:
    admin.get("/api/v1/plans")
    response = admin.http.get("/metrics")
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    assert "http_request_duration_seconds" in response.text


def test_metrics_are_labelled_with_route_templates(admin: ApiClient) -> None:
    """Requests are counted per route, also when the route of a path was looked up before
    (it is remembered), and never under the path itself."""

    def counted() -> tuple[float, list[str]]:
        lines = [
            line
            for line in admin.http.get("/metrics").text.splitlines()
            if line.startswith("http_requests_total{") and 'method="GET"' in line
        ]
        plans = [line for line in lines if 'handler="/api/v1/plans/{code}"' in line]
        return sum(float(line.rsplit(" ", 1)[1]) for line in plans), lines

    before, _ = counted()  # the registry is the process's: other tests count too
    for _ in range(3):
        assert admin.get("/api/v1/plans/2023-2024").status_code == 200
    assert admin.get("/api/v1/plans/nope").status_code == 404
    assert admin.get("/api/v1/nowhere").status_code == 404
    after, lines = counted()
    assert after - before == 4
    assert not any("2023-2024" in line or "nowhere" in line for line in lines)


def test_request_id_is_returned_and_logged(
    admin: ApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    request_id = "4b1e7a3c-2f7d-4c1e-9a51-0c3b2d9e8f10"
    with caplog.at_level(logging.INFO, logger="app.access"):
        response = admin.get("/api/v1/plans", headers={"X-Request-ID": request_id})
    assert response.headers["x-request-id"] == request_id
    records = [r for r in caplog.records if r.name == "app.access"]
    assert records
    assert records[-1].correlation_id == request_id
    assert records[-1].route == "/plans"
    assert admin.key not in caplog.text


def test_a_client_that_disconnects_mid_body_is_no_server_error() -> None:
    import asyncio

    from starlette.requests import Request

    from app.conventions import json_body
    from app.problems import InvalidInput

    async def receive() -> dict[str, str]:
        return {"type": "http.disconnect"}

    request = Request({"type": "http", "method": "POST", "headers": []}, receive)
    with pytest.raises(InvalidInput) as raised:
        asyncio.run(json_body(request))
    assert raised.value.invalid_params[0].code == "incomplete"


def test_blocking_work_runs_on_the_configured_number_of_threads(http: TestClient) -> None:
    async def threads() -> float:
        return to_thread.current_default_thread_limiter().total_tokens

    assert http.portal is not None
    assert http.portal.call(threads) == Settings().worker_threads == 8


def test_an_empty_admin_key_setting_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_API_KEY", "")
    assert Settings().admin_api_key is None
    monkeypatch.setenv("ADMIN_API_KEY", "a-long-random-secret-of-32-or-more")
    key = Settings().admin_api_key
    assert key is not None
    assert key.get_secret_value() == "a-long-random-secret-of-32-or-more"
