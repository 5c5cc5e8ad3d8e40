"""What the contract fuzzer (scripts/contract-fuzz, every check) found, kept as tests: a date or
a moment is ISO 8601 only; pydantic alone also took a number as a Unix time (`to=0`)."""

import pytest

from tests.conftest import MakeClient


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/signals?to=0", "to"),
        ("/api/v1/measures?from=20230101", "from"),
        ("/api/v1/inspections?from=1e3", "from"),
        ("/api/v1/progress?from=0", "from"),
        ("/api/v1/progress/indicators/p1-integrale-controles/series?to=0", "to"),
        ("/api/v1/events?to=0.5", "to"),
        ("/api/v1/audit-events?from=1", "from"),
    ],
)
def test_a_number_is_no_date(make_client: MakeClient, url: str, name: str) -> None:
    response = make_client("admin").get(url)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [param["name"] for param in response.json()["invalidParams"]] == [name]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/signals?from=2023-01-01&to=2023-04-30",
        "/api/v1/events?to=2024-01-01T00:00:00Z",
        "/api/v1/progress?from=2023-01-01",
    ],
)
def test_iso_dates_still_work(make_client: MakeClient, url: str) -> None:
    assert make_client("admin").get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "name"),
    [
        (
            "/api/v1/identity-mappings",
            {"claim": "groups", "value": "riec", "role": "coordinator", "priority": False},
            "priority",
        ),
        (
            "/api/v1/inspections",
            {"kind": "overig", "occurredOn": "2023-03-01", "businessesInspected": True},
            "businessesInspected",
        ),
        (
            "/api/v1/campaigns",
            {
                "kind": "communicatiecampagne",
                "title": "Meld het",
                "audiences": ["burgers"],
                "startsOn": "2023-03-01",
                "participants": "12",
            },
            "participants",
        ),
    ],
)
def test_a_boolean_or_a_string_is_no_number(
    make_client: MakeClient, url: str, body: dict[str, object], name: str
) -> None:
    """Pydantic alone took `false` as 0 and `"12"` as 12."""
    admin = make_client("admin")
    response = admin.post(url, json={**body, "partner": "gemeente"} if "kind" in body else body)
    assert response.status_code == 400, response.text
    assert name in [param["name"] for param in response.json()["invalidParams"]]
    assert admin.get(url).json()["items"] == []
