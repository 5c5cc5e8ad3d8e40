"""The committed contract equals what the app serves."""

import json

from fastapi.testclient import TestClient

from tests.conftest import ROOT


def test_committed_contract_is_what_the_app_serves(http: TestClient) -> None:
    served = http.get("/api/v1/openapi.json").json()
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == served, "openapi/openapi.json is stale: run `make openapi`"
