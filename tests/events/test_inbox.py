"""Reading the inbox back (own partner only; admin all), the pending sweep, and that records
made by events are the same as records made through the record API."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from app.cli import main as cli
from app.events.models import InboxEvent
from tests.conftest import ApiClient, MakeClient
from tests.events.conftest import OTHER_SOURCE, SOURCE, event, post_batch, post_one, updated


def test_list_filters_paging_and_isolation(
    politie: ApiClient, sdd: ApiClient, admin: ApiClient, make_client: MakeClient
) -> None:
    second_source = "urn:nl:politie:zhz:meldkamer"
    politie_two = make_client("partner", "politie", eventSources=[second_source])
    post_batch(
        politie,
        [
            event("A", time="2023-01-10T00:00:00Z"),
            event("B", time="2023-02-10T00:00:00Z", data={"channel": "x"}),
            updated("C", time="2023-03-10T00:00:00Z"),
        ],
    )
    post_one(politie_two, event("D", source=second_source, time="2023-04-10T00:00:00Z"))
    theirs = post_one(sdd, event("E", source=OTHER_SOURCE)).json()

    def subjects(client: ApiClient, **params: Any) -> list[str]:
        response = client.get("/api/v1/events", params=params)
        assert response.status_code == 200, response.text
        return [item["subject"] for item in response.json()["items"]]

    # Every client of a partner sees the partner's events, newest first.
    assert subjects(politie) == ["D", "C", "B", "A"]
    assert subjects(politie_two) == ["D", "C", "B", "A"]
    assert subjects(politie, status="rejected") == ["B"]
    assert subjects(politie, status="pending") == ["C"]
    assert subjects(politie, type="nl.ondermijning.signal.updated") == ["C"]
    assert subjects(politie, source=second_source) == ["D"]
    assert subjects(politie, source=SOURCE, **{"from": "2023-02-01T00:00:00Z"}) == ["C", "B"]
    assert subjects(politie, to="2023-02-10T00:00:00+00:00") == ["B", "A"]
    assert subjects(sdd) == ["E"]
    assert len(subjects(admin)) == 5
    assert politie.get("/api/v1/events", params={"status": "duplicate"}).status_code == 400
    assert politie.get("/api/v1/events", params={"from": "2023-01-01"}).status_code == 400

    page = politie.get("/api/v1/events", params={"limit": 3})
    assert len(page.json()["items"]) == 3
    assert 'rel="next"' in page.headers["link"]
    rest = politie.get(
        "/api/v1/events", params={"limit": 3, "cursor": page.json()["nextCursor"]}
    ).json()
    assert [item["subject"] for item in rest["items"]] == ["A"]
    assert rest["nextCursor"] is None

    # Another partner's event does not exist for the caller.
    assert politie.get(f"/api/v1/events/{theirs['inboxId']}").status_code == 404
    assert politie.get(f"/api/v1/events/{uuid.uuid4()}").status_code == 404
    read = sdd.get(f"/api/v1/events/{theirs['inboxId']}").json()
    assert read["status"] == "accepted"
    assert read["eventId"] == theirs["id"]
    assert read["recordId"] == theirs["recordId"]
    assert read["resource"] == "signals"
    assert "data" not in read
    assert admin.get(f"/api/v1/events/{theirs['inboxId']}").status_code == 200


def _age(engine: Engine, days: int) -> None:
    with Session(engine) as session:
        session.execute(
            update(InboxEvent).values(received_at=datetime.now(UTC) - timedelta(days=days))
        )
        session.commit()


def test_sweep_rejects_pending_events_older_than_seven_days(
    politie: ApiClient, engine: Engine, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    old = post_one(politie, updated("OLD")).json()
    _age(engine, 8)
    recent = post_one(politie, updated("NEW")).json()
    assert cli(["sweep-pending-events"]) == 0
    assert "rejected 1 pending events older than 7 days" in capsys.readouterr().out
    swept = politie.get(f"/api/v1/events/{old['inboxId']}").json()
    assert swept["status"] == "rejected"
    assert swept["error"]["status"] == 409
    assert "7 days" in swept["error"]["detail"]
    assert politie.get(f"/api/v1/events/{recent['inboxId']}").json()["status"] == "pending"
    # A create arriving after the sweep does not apply the rejected update.
    created = post_one(politie, event("OLD")).json()
    assert politie.get(f"/api/v1/signals/{created['recordId']}").json()["status"] == "nieuw"


def test_sweep_at_start_up(politie: ApiClient, engine: Engine) -> None:
    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import database_url

    old = post_one(politie, updated("OLD")).json()
    _age(engine, 8)
    settings = Settings(database_url=database_url(), log_level="WARNING")
    with TestClient(create_app(settings)):
        pass
    assert politie.get(f"/api/v1/events/{old['inboxId']}").json()["status"] == "rejected"


SAME = {
    "channel": "partnermelding",
    "receivedOn": "2023-03-01",
    "theme": "drugs",
    "address": {"street": "Voorstraat", "houseNumber": "1", "postcode": "3311ab"},
    "description": "Hennepgeur",
}


def test_event_made_records_are_the_same_as_api_made_ones(
    politie: ApiClient, admin: ApiClient
) -> None:
    by_api = politie.post("/api/v1/signals", json={**SAME, "externalId": "API-1"})
    assert by_api.status_code == 201
    by_event = post_one(politie, event("EVT-1", data=SAME))
    assert by_event.status_code == 201
    api_record = by_api.json()
    event_record = politie.get(f"/api/v1/signals/{by_event.json()['recordId']}").json()
    differ = {"id", "reference", "externalId", "createdAt", "updatedAt"}
    assert {k: v for k, v in api_record.items() if k not in differ} == {
        k: v for k, v in event_record.items() if k not in differ
    }
    prefix, year, number = api_record["reference"].rsplit("-", 2)
    assert event_record["reference"] == f"{prefix}-{year}-{int(number) + 1:06d}"

    # The same change by PATCH and by an update event: same history.
    politie.patch(
        f"/api/v1/signals/{api_record['id']}",
        json={"status": "in-behandeling"},
        headers={"If-Match": '"1"'},
    )
    post_one(politie, updated("EVT-1", {"status": "in-behandeling"}))

    def history(record_id: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        items = politie.get(f"/api/v1/signals/{record_id}/history").json()["items"]
        return [(i["action"], i["partner"], i["changes"]) for i in items]

    api_history, event_history = history(api_record["id"]), history(event_record["id"])
    for entries in (api_history, event_history):
        entries[0][2].pop("externalId"), entries[0][2].pop("reference"), entries[0][2].pop("id")
        entries[0][2].pop("createdAt")
    assert api_history == event_history
    assert [action for action, _, _ in event_history] == ["create", "update"]

    # The same invalid input gives the same problems (under `data.` in an event).
    invalid = {"channel": "telefoon", "receivedOn": "2023-13-01", "kvkNumber": "123"}
    api_problems = politie.post("/api/v1/signals", json=invalid).json()["invalidParams"]
    event_problems = post_one(politie, event("EVT-2", data=invalid)).json()["invalidParams"]
    assert [{**p, "name": f"data.{p['name']}"} for p in api_problems] == event_problems
    assert len(event_problems) == 3
