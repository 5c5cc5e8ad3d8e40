"""SPEC §5 and §7: an event can do no more than its client could through the record API. An
update for a record above the client's `maxConfidentiality` is treated exactly as one for a
record that does not exist: it waits `pending`, reveals nothing, and is never applied."""

from typing import Any

import pytest

from tests.conftest import ApiClient, MakeClient
from tests.events.conftest import SIGNAL, SOURCE, event, post_batch, post_one, statuses, updated


@pytest.fixture
def capped(make_client: MakeClient) -> ApiClient:
    """A politie system that may see up to `intern`."""
    return make_client(
        "partner", "politie", eventSources=[SOURCE], maxConfidentiality="intern", name="capped"
    )


@pytest.fixture
def trusted(make_client: MakeClient) -> ApiClient:
    """Another politie client without a ceiling, with its own source."""
    return make_client(
        "partner", "politie", eventSources=["urn:nl:politie:zhz:recherche"], name="trusted"
    )


def geheim_signal(trusted: ApiClient, subject: str = "BVH-9") -> dict[str, Any]:
    response = post_one(
        trusted,
        event(
            subject,
            data={**SIGNAL, "confidentiality": "geheim", "description": "Bron: informant"},
            source="urn:nl:politie:zhz:recherche",
        ),
    )
    assert response.status_code == 201, response.text
    record_id = response.json()["recordId"]
    record = trusted.get(f"/api/v1/signals/{record_id}").json()
    assert record["confidentiality"] == "geheim"
    return record


def test_an_update_cannot_lower_a_record_above_the_ceiling(
    capped: ApiClient, trusted: ApiClient
) -> None:
    record = geheim_signal(trusted)
    response = post_one(capped, updated("BVH-9", {"confidentiality": "intern"}))
    # As for a subject that does not exist: pending, nothing applied, nothing revealed.
    assert response.status_code == 202, response.text
    assert response.json()["recordId"] is None
    assert trusted.get(f"/api/v1/signals/{record['id']}").json() == record
    assert capped.get(f"/api/v1/signals/{record['id']}").status_code == 404
    assert capped.get("/api/v1/signals").json()["items"] == []


def test_an_update_in_a_batch_is_treated_alike(capped: ApiClient, trusted: ApiClient) -> None:
    record = geheim_signal(trusted)
    response = post_batch(
        capped,
        [
            updated("BVH-9", {"confidentiality": "intern"}),
            event("BVH-10", data={**SIGNAL, "confidentiality": "intern"}),  # in reach
        ],
    )
    assert statuses(response) == ["pending", "accepted"]
    assert trusted.get(f"/api/v1/signals/{record['id']}").json() == record


def test_a_pending_update_is_never_applied_to_a_record_above_the_ceiling(
    capped: ApiClient, trusted: ApiClient
) -> None:
    # The capped client's update arrives first and waits …
    early = post_one(capped, updated("BVH-11", {"confidentiality": "intern"}))
    assert early.status_code == 202, early.text
    # … then the trusted client creates the subject as geheim: the update must not apply.
    record = geheim_signal(trusted, "BVH-11")
    assert record["version"] == 1
    inbox = capped.get(f"/api/v1/events/{early.json()['inboxId']}").json()
    assert inbox["status"] == "pending"
    assert inbox["recordId"] is None
    assert capped.get(f"/api/v1/signals/{record['id']}").status_code == 404


def test_an_update_of_a_record_in_reach_still_applies(
    capped: ApiClient, trusted: ApiClient
) -> None:
    created = post_one(capped, event("BVH-12", data={**SIGNAL, "confidentiality": "intern"}))
    assert created.status_code == 201, created.text
    response = post_one(capped, updated("BVH-12", {"status": "in-behandeling"}))
    assert response.status_code == 201, response.text
    # And it cannot raise its record above its own ceiling either.
    above = post_one(capped, updated("BVH-12", {"confidentiality": "geheim"}))
    assert above.status_code == 400
    assert above.json()["invalidParams"][0]["name"] == "data.confidentiality"
