"""The interactive documentation, served without internet (SPEC §8): Swagger UI's script and
styles come with an installed package (`fastapi-offline`), the page's own inline script is
allowed by its hash alone; `GET /` and `GET /api/v1` point to the documentation and the
contract."""

import base64
import hashlib
import re
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app import API_VERSION

API_PREFIX = "/api/v1"
DOCS = "/docs"  # in the API
ASSETS = "/docs/assets"  # in the API: Swagger UI's files, from the package
CONTRACT = "/openapi.json"  # in the API
# Swagger UI 5 (OpenAPI 3.1), kept up to date by fastapi-offline's releases.
ASSETS_DIRECTORY = str(files("fastapi_offline") / "static")

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_page(title: str) -> tuple[bytes, str]:
    """The documentation page and its Content-Security-Policy: local assets only, and the
    page's inline script by its SHA-256, nothing else."""
    page = bytes(
        get_swagger_ui_html(
            openapi_url=API_PREFIX + CONTRACT,
            title=f"{title} — documentatie",
            swagger_js_url=f"{API_PREFIX}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{API_PREFIX}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{API_PREFIX}{ASSETS}/favicon.png",
            oauth2_redirect_url=None,
        ).body
    )
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page.decode())
    )
    policy = (
        f"default-src 'none'; script-src 'self' {hashes}; "
        # Swagger UI sets styles on its elements and draws its icons as data: images.
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return page, policy


def install_documentation(api: FastAPI) -> None:
    """`/docs` and its assets in the versioned API, outside its authentication: Starlette
    routes, so the API's dependencies do not apply to them."""
    page, policy = docs_page(api.title)

    async def documentation(_request: Request) -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": policy})

    api.add_route(DOCS, documentation, methods=["GET"], include_in_schema=False)
    api.mount(ASSETS, StaticFiles(directory=ASSETS_DIRECTORY), name="docs-assets")


def pointers() -> dict[str, Any]:
    """Where to go from `/` or `/api/v1`: the documentation, the contract, the API."""
    return {
        "name": "Ondermijningsmonitor API",
        "version": API_VERSION,
        "_links": {
            "api": {"href": API_PREFIX, "title": "De API, major version 1"},
            "docs": {"href": API_PREFIX + DOCS, "title": "Interactieve documentatie"},
            "openapi": {"href": API_PREFIX + CONTRACT, "title": "Het contract (OpenAPI 3.1)"},
        },
    }


_POINTER_LINKS = (
    f'<{API_PREFIX}{DOCS}>; rel="service-doc", <{API_PREFIX}{CONTRACT}>; rel="service-desc"'
)


def install_pointers(app: FastAPI) -> None:
    """`GET /` and `GET /api/v1` (no trailing-slash redirect): a small JSON with links, and
    the same as RFC 8631 `Link` relations."""

    async def pointer(_request: Request) -> JSONResponse:
        return JSONResponse(pointers(), headers={"Link": _POINTER_LINKS})

    for path in ("/", API_PREFIX):
        app.add_route(path, pointer, methods=["GET"], include_in_schema=False)
