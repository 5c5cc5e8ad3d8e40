"""The envelope: CloudEvents 1.0 and the NL GOV profile; each problem named in invalidParams."""

from typing import Any

import pytest
from sqlalchemy import Engine

from app.events.models import InboxEvent
from app.signals.models import Signal
from tests.conftest import ApiClient
from tests.events.conftest import event, post_batch, post_one
from tests.events.test_intake import count

MISSING = ...  # leaves the attribute out of the event


@pytest.mark.parametrize(
    ("attributes", "name", "code"),
    [
        ({"specversion": MISSING}, "specversion", "required"),
        ({"specversion": "0.3"}, "specversion", "invalid"),
        ({"specversion": 1.0}, "specversion", "type"),
        ({"id": MISSING}, "id", "required"),
        ({"id": ""}, "id", "invalid"),
        ({"id": "x" * 201}, "id", "max-length"),
        ({"source": MISSING}, "source", "required"),
        ({"type": MISSING}, "type", "required"),
        ({"type": "nl.ondermijning.signal.deleted"}, "type", "event-type"),
        ({"type": "nl.ondermijning.parking-ticket.created"}, "type", "event-type"),
        ({"type": "com.example.signal.created"}, "type", "event-type"),
        ({"time": MISSING}, "time", "required"),
        ({"time": "gisteren"}, "time", "date-time"),
        ({"time": "2023-03-01T09:30:00"}, "time", "invalid"),
        ({"subject": MISSING}, "subject", "required"),
        ({"subject": 42}, "subject", "type"),
        ({"datacontenttype": "application/xml"}, "datacontenttype", "media-type"),
        ({"datacontenttype": "text/plain"}, "datacontenttype", "media-type"),
        ({"data": MISSING}, "data", "required"),
        ({"data": "a string"}, "data", "object"),
        ({"data": MISSING, "data_base64": "e30="}, "data_base64", "unsupported"),
        ({"Bad-Extension": "x"}, "Bad-Extension", "extension-name"),
        ({"data": {"channel": "casusoverleg"}}, "data.receivedOn", "required"),
        ({"data": {**{"channel": "x"}, "receivedOn": "2023-01-01"}}, "data.channel", "enum"),
        (
            {"data": {"channel": "casusoverleg", "receivedOn": "2023-01-01", "bsn": "1"}},
            "data.bsn",
            "unknown-property",
        ),
    ],
)
def test_invalid_envelope_is_rejected_with_invalid_params(
    politie: ApiClient, engine: Engine, attributes: dict[str, Any], name: str, code: str
) -> None:
    response = post_one(politie, event(**attributes))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    params = response.json()["invalidParams"]
    assert {"name": name, "code": code} in [{"name": p["name"], "code": p["code"]} for p in params]
    assert count(engine, Signal) == 0
    assert count(engine, InboxEvent) == 1  # the rejection is kept
    stored = politie.get("/api/v1/events", params={"status": "rejected"}).json()["items"]
    assert stored[0]["error"]["invalidParams"] == params


def test_every_envelope_problem_at_once(politie: ApiClient) -> None:
    body = event(specversion="2.0", time=MISSING, type="x", datacontenttype="text/csv")
    names = {p["name"] for p in post_one(politie, body).json()["invalidParams"]}
    assert names == {"specversion", "time", "type", "datacontenttype"}


def test_defaults_and_extensions_are_accepted(politie: ApiClient) -> None:
    body = event(datacontenttype=MISSING, traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    assert post_one(politie, body).status_code == 201
    plus_charset = event("BVH-2", datacontenttype="application/json; charset=utf-8")
    assert post_one(politie, plus_charset).status_code == 201
    offset = event("BVH-3", time="2023-03-01T10:30:00+01:00")
    assert post_one(politie, offset).status_code == 201


def test_source_must_be_a_uri(make_client: Any) -> None:
    client = make_client("partner", "politie", eventSources=["politie-bvh"])
    response = post_one(client, event(source="politie-bvh"))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0] == {
        "name": "source",
        "code": "uri",
        "reason": "Must be an absolute URI or URN, e.g. `urn:nl:politie:zhz:bvh`.",
    }


def test_events_without_an_id_are_kept_but_claim_nothing(
    politie: ApiClient, engine: Engine
) -> None:
    results = post_batch(politie, [event(id=MISSING), event(id=MISSING)]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert count(engine, InboxEvent) == 2
