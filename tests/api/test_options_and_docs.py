"""`OPTIONS` and 405 list a path's methods in `Allow`; the documentation works without
internet; `/` and `/api/v1` point to it (SPEC §8)."""

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

METHODS = ("get", "put", "post", "patch", "delete")
SAMPLE_ID = "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"
EXPECTED_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture
def contract(http: TestClient) -> dict[str, Any]:
    return http.get("/api/v1/openapi.json").json()


def concrete(path: str) -> str:
    return "/api/v1" + re.sub(r"\{[^}]+\}", SAMPLE_ID, path)


def allow(response: Any) -> set[str]:
    return {method.strip() for method in response.headers["allow"].split(",")}


def test_options_and_405_list_every_paths_methods(
    http: TestClient, contract: dict[str, Any]
) -> None:
    fresh = TestClient(create_app(Settings(database_url="sqlite://", log_level="WARNING")))
    problems = []
    for path, item in contract["paths"].items():
        documented = {method.upper() for method in METHODS if method in item} | {"OPTIONS"}
        url = concrete(path)
        options = http.options(url)
        if options.status_code != 204 or allow(options) != documented or options.content:
            problems.append(f"OPTIONS {path}: {options.status_code} {options.headers.get('allow')}")
        for method in ("PUT", "PATCH", "DELETE", "POST"):
            if method in documented:
                continue
            # On a fresh app too: the 405 must not depend on an OPTIONS before it.
            refused = fresh.request(method, url)
            if (
                refused.status_code != 405
                or allow(refused) != documented
                or refused.headers["content-type"] != "application/problem+json"
            ):
                problems.append(f"{method} {path}: {refused.status_code} {refused.headers}")
            break
    assert not problems, problems


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v1", {"GET", "HEAD", "OPTIONS"}),
        ("/api/v1/docs", {"GET", "HEAD", "OPTIONS"}),
        ("/healthz", {"GET", "OPTIONS"}),
    ],
)
def test_options_outside_the_contract(http: TestClient, path: str, methods: set[str]) -> None:
    response = http.options(path)
    assert response.status_code == 204
    assert allow(response) == methods
    assert response.headers["api-version"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/nowhere", "/api/v1/signals/", "/api/v1/"])
def test_options_on_no_path_is_404(http: TestClient, path: str) -> None:
    response = http.options(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_cors_preflights_are_answered_as_configured() -> None:
    app = create_app(
        Settings(
            database_url="sqlite://", log_level="WARNING", cors_origins=["https://app.example.nl"]
        )
    )
    client = TestClient(app)
    preflight = {"Access-Control-Request-Method": "PATCH"}
    allowed = client.options(
        "/api/v1/signals", headers={**preflight, "Origin": "https://app.example.nl"}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.nl"
    assert "PATCH" in allowed.headers["access-control-allow-methods"]
    refused = client.options(
        "/api/v1/signals", headers={**preflight, "Origin": "https://elsewhere.example"}
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    # Without `Origin` it is a plain OPTIONS.
    assert client.options("/api/v1/signals", headers=preflight).status_code == 204


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_the_documentation_loads_only_local_assets(http: TestClient) -> None:
    page = http.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", page.text, re.IGNORECASE)
    parser = References()
    parser.feed(page.text)
    script = "".join(parser.scripts)
    contract_url = re.search(r"url: '([^']+)'", script)
    assert contract_url is not None
    assert contract_url.group(1) == "/api/v1/openapi.json"
    assert len(parser.urls) >= 3  # the script, the styles, the icon
    for url in [*parser.urls, contract_url.group(1)]:
        assert url.startswith("/api/v1/"), url
        asset = http.get(urljoin("http://testserver/api/v1/docs", url))
        assert asset.status_code == 200, url
        suffix = re.search(r"\.[a-z]+$", url)
        expected = EXPECTED_TYPES.get(suffix.group(0) if suffix else "", "application/json")
        assert asset.headers["content-type"].startswith(expected), (url, asset.headers)
        assert asset.content


def test_the_documentation_policy_allows_exactly_the_local_assets(http: TestClient) -> None:
    policy = http.get("/api/v1/docs").headers["content-security-policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    script_sources = directives["script-src"].split()
    assert script_sources[0] == "'self'"
    assert script_sources[1:]
    assert all(s.startswith("'sha256-") for s in script_sources[1:])
    for directive in ("script-src", "style-src", "img-src", "connect-src"):
        assert not re.search(r"https?:|\*", directives[directive]), directive
    # Elsewhere nothing may load at all.
    assert (
        http.get("/api/v1/openapi.json").headers["content-security-policy"]
        == "default-src 'none'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize("path", ["/", "/api/v1"])
def test_the_roots_point_to_the_documentation(http: TestClient, path: str) -> None:
    response = http.get(path, follow_redirects=False)
    assert response.status_code == 200
    links = response.json()["_links"]
    assert links["docs"]["href"] == "/api/v1/docs"
    assert links["openapi"]["href"] == "/api/v1/openapi.json"
    assert 'rel="service-doc"' in response.headers["link"]
    for link in links.values():
        assert http.get(link["href"], follow_redirects=False).status_code == 200
