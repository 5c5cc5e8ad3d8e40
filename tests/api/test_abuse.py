"""SPEC §7 Abuse: key length and prefix, expiry in the future, sources unique per partner,
the failed-authentication limit per client address and its collapsed audit entries."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from app.settings import Settings
from tests.conftest import ApiClient, MakeClient

ONE = "application/cloudevents+json"


def signal_event(source: str, event_id: str, subject: str) -> str:
    return json.dumps(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": source,
            "type": "nl.ondermijning.signal.created",
            "time": "2023-03-01T09:30:00Z",
            "subject": subject,
            "datacontenttype": "application/json",
            "data": {"channel": "partnermelding", "receivedOn": "2023-03-01"},
        }
    )


def test_key_prefix_shows_at_most_eight_characters(admin: ApiClient) -> None:
    created = admin.post("/api/v1/clients", json={"name": "x", "role": "analyst"}).json()
    assert len(created["apiKey"]) >= 32
    assert len(created["keyPrefix"]) <= 8
    assert created["apiKey"].startswith(created["keyPrefix"])
    listed = admin.get("/api/v1/clients").json()["items"]
    assert all(len(client["keyPrefix"]) <= 8 for client in listed)


@pytest.mark.parametrize("key", ["short", "omk_" + "x" * 27])
def test_an_admin_key_shorter_than_32_characters_refuses_to_start(key: str) -> None:
    with pytest.raises(ValidationError, match="ADMIN_API_KEY must be at least 32 characters"):
        Settings(admin_api_key=key)
    assert Settings(admin_api_key="omk_" + "x" * 28).admin_api_key is not None


def test_expires_at_must_lie_in_the_future(admin: ApiClient) -> None:
    for moment in (datetime.now(UTC) - timedelta(minutes=1), datetime(2020, 1, 1, tzinfo=UTC)):
        response = admin.post(
            "/api/v1/clients",
            json={"name": "x", "role": "analyst", "expiresAt": moment.isoformat()},
        )
        assert response.status_code == 400, response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["expiresAt"]
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    made = admin.post("/api/v1/clients", json={"name": "y", "role": "analyst", "expiresAt": future})
    assert made.status_code == 201, made.text
    assert len(admin.get("/api/v1/clients").json()["items"]) == 2  # the admin and `y`


def test_a_source_belongs_to_one_partner(admin: ApiClient) -> None:
    source = "urn:nl:politie:zhz:bvh"
    politie = admin.post(
        "/api/v1/clients",
        json={"name": "p", "role": "partner", "partner": "politie", "eventSources": [source]},
    )
    assert politie.status_code == 201, politie.text
    other = admin.post(
        "/api/v1/clients",
        json={
            "name": "s",
            "role": "partner",
            "partner": "sdd",
            "eventSources": ["urn:nl:sdd:events", source],
        },
    )
    assert other.status_code == 409, other.text
    assert other.headers["content-type"] == "application/problem+json"
    assert source in other.json()["detail"]
    # The same partner may have several clients for its source (a key rotation).
    again = admin.post(
        "/api/v1/clients",
        json={"name": "p2", "role": "partner", "partner": "politie", "eventSources": [source]},
    )
    assert again.status_code == 201, again.text
    names = {client["name"] for client in admin.get("/api/v1/clients").json()["items"]}
    assert "s" not in names


def test_another_partner_cannot_pre_claim_a_source_s_event_ids(
    admin: ApiClient, make_client: MakeClient
) -> None:
    """Issue 12: with the source registered twice, sdd's event with politie's next id made
    politie's real event a `duplicate` that was never stored."""
    source = "urn:nl:politie:zhz:bvh"
    politie = make_client("partner", "politie", eventSources=[source])
    with pytest.raises(Exception, match="another partner"):
        make_client("partner", "sdd", eventSources=[source])
    sdd = make_client("partner", "sdd", eventSources=["urn:nl:sdd:events"])
    event_id = str(uuid.uuid4())
    headers = {"Content-Type": ONE}
    claim = sdd.post("/api/v1/events", content=signal_event(source, event_id, "X"), headers=headers)
    assert claim.status_code in (400, 403), claim.text
    real = politie.post(
        "/api/v1/events", content=signal_event(source, event_id, "BVH-1"), headers=headers
    )
    assert real.status_code == 201, real.text
