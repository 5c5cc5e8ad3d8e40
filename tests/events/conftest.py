"""Builders for partner events: CloudEvents envelopes and posting them as one or a batch."""

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import ApiClient, MakeClient

SOURCE = "urn:nl:politie:zhz:bvh"
OTHER_SOURCE = "urn:nl:sdd:events"
ONE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
SIGNAL = {"channel": "partnermelding", "receivedOn": "2023-03-01", "theme": "drugs"}


def event(
    subject: str = "BVH-1",
    kind: str = "nl.ondermijning.signal.created",
    data: Any = None,
    **attributes: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": kind,
        "time": "2023-03-01T09:30:00Z",
        "subject": subject,
        "datacontenttype": "application/json",
        "data": dict(SIGNAL) if data is None else data,
    }
    body.update(attributes)
    return {name: value for name, value in body.items() if value is not ...}


def updated(subject: str = "BVH-1", data: Any = None, **attributes: Any) -> dict[str, Any]:
    return event(
        subject,
        "nl.ondermijning.signal.updated",
        {"status": "in-behandeling"} if data is None else data,
        **attributes,
    )


def post_one(client: ApiClient, body: Any) -> Any:
    return client.post("/api/v1/events", content=json.dumps(body), headers={"Content-Type": ONE})


def post_batch(client: ApiClient, events: list[Any]) -> Any:
    return client.post(
        "/api/v1/events", content=json.dumps(events), headers={"Content-Type": BATCH}
    )


def statuses(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [result["status"] for result in response.json()["results"]]


@pytest.fixture
def politie(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "politie", eventSources=[SOURCE])


@pytest.fixture
def sdd(make_client: MakeClient) -> ApiClient:
    return make_client("partner", "sdd", eventSources=[OTHER_SOURCE])


Poster = Callable[[ApiClient, Any], Any]
