"""SPEC §5: one event and batches, every status, exactly once, the inbox, out-of-order."""

import json
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from app.events.models import InboxEvent
from app.signals.models import Signal
from tests.conftest import ApiClient, MakeClient
from tests.events.conftest import (
    BATCH,
    ONE,
    OTHER_SOURCE,
    SOURCE,
    event,
    post_batch,
    post_one,
    statuses,
    updated,
)


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every row the intake can write, to show that a redelivery changes nothing."""
    from app.audit.models import AuditEvent

    with Session(engine) as session:
        return {
            "signals": sorted(
                (str(s.id), s.status, s.version) for s in session.scalars(select(Signal))
            ),
            "inbox": sorted(
                (str(e.id), e.status, str(e.record_id)) for e in session.scalars(select(InboxEvent))
            ),
            "audit": session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action != "receive-events")  # type: ignore[arg-type]
            ),
        }


def test_one_event_accepted_then_duplicate(politie: ApiClient, engine: Engine) -> None:
    body = event("BVH-1")
    first = post_one(politie, body)
    assert first.status_code == 201, first.text
    result = first.json()
    assert result["status"] == "accepted"
    assert result["id"] == body["id"]
    assert result["source"] == SOURCE
    assert first.headers["location"] == f"/api/v1/events/{result['inboxId']}"
    record = politie.get(f"/api/v1/signals/{result['recordId']}").json()
    assert record["externalId"] == "BVH-1"
    assert record["partner"] == "politie"
    assert record["channel"] == "partnermelding"
    before = snapshot(engine)
    again = post_one(politie, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["recordId"] == result["recordId"]
    assert again.json()["inboxStatus"] == "accepted"
    assert snapshot(engine) == before


def test_one_event_pending_then_applied_when_created(politie: ApiClient) -> None:
    first_update = updated("BVH-7", {"status": "in-behandeling"})
    second_update = updated("BVH-7", {"status": "doorgezet"})
    pending = post_one(politie, first_update)
    assert pending.status_code == 202, pending.text
    assert pending.json()["status"] == "pending"
    assert pending.json()["recordId"] is None
    assert post_one(politie, second_update).status_code == 202
    created = post_one(politie, event("BVH-7"))
    assert created.status_code == 201
    record_id = created.json()["recordId"]
    record = politie.get(f"/api/v1/signals/{record_id}").json()
    # Applied in arrival order: nieuw -> in-behandeling -> doorgezet.
    assert record["status"] == "doorgezet"
    assert record["version"] == 3
    stored = politie.get(f"/api/v1/events/{pending.json()['inboxId']}").json()
    assert stored["status"] == "accepted"
    assert stored["recordId"] == record_id
    assert stored["decidedAt"] is not None
    # A redelivery of the once-pending update now answers with its outcome.
    again = post_one(politie, first_update).json()
    assert again["status"] == "duplicate"
    assert again["inboxStatus"] == "accepted"
    assert again["recordId"] == record_id


def test_pending_update_that_breaks_the_workflow_is_rejected_when_applied(
    politie: ApiClient,
) -> None:
    post_one(politie, updated("BVH-8", {"status": "afgesloten"}))
    bad = post_one(politie, updated("BVH-8", {"status": "in-behandeling"}))
    assert bad.status_code == 202
    post_one(politie, event("BVH-8"))
    stored = politie.get(f"/api/v1/events/{bad.json()['inboxId']}").json()
    assert stored["status"] == "rejected"
    assert stored["error"]["status"] == 409


def test_one_event_rejected_is_a_problem_and_stays_in_the_inbox(
    politie: ApiClient, engine: Engine
) -> None:
    body = event("BVH-2", data={"channel": "telefoon"})
    response = post_one(politie, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    names = {param["name"] for param in problem["invalidParams"]}
    assert names == {"data.channel", "data.receivedOn"}
    assert problem["eventId"] == body["id"]
    assert count(engine, Signal) == 0
    rejected = politie.get("/api/v1/events", params={"status": "rejected"}).json()["items"]
    assert [item["id"] for item in rejected] == [problem["inboxId"]]
    assert rejected[0]["error"]["invalidParams"] == problem["invalidParams"]
    assert "data" not in rejected[0]
    # A redelivery of a rejected event is a duplicate with the first outcome.
    again = post_one(politie, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["inboxStatus"] == "rejected"
    assert again.json()["error"]["invalidParams"] == problem["invalidParams"]
    assert count(engine, InboxEvent) == 1


def test_workflow_conflict_in_an_update_is_409(politie: ApiClient) -> None:
    post_one(
        politie,
        event(
            "BVH-3",
            data={"channel": "casusoverleg", "receivedOn": "2023-01-01", "status": "afgesloten"},
        ),
    )
    response = post_one(politie, updated("BVH-3", {"status": "nieuw"}))
    assert response.status_code == 409
    assert response.json()["type"].endswith("conflict")
    assert politie.get("/api/v1/events", params={"status": "rejected"}).json()["items"]


def test_a_second_create_for_a_subject_is_409(politie: ApiClient) -> None:
    assert post_one(politie, event("BVH-4")).status_code == 201
    assert post_one(politie, event("BVH-4")).status_code == 409


def test_batch_every_status_in_input_order(politie: ApiClient, engine: Engine) -> None:
    known = event("BVH-10")
    assert post_one(politie, known).status_code == 201
    events = [
        event("BVH-11"),
        updated("BVH-12"),
        event("BVH-13", data={"channel": "casusoverleg"}),
        known,
        updated("BVH-10", {"status": "in-behandeling"}),
    ]
    response = post_batch(politie, events)
    assert statuses(response) == ["accepted", "pending", "rejected", "duplicate", "accepted"]
    results = response.json()["results"]
    assert [r["id"] for r in results] == [e["id"] for e in events]
    assert results[2]["error"]["invalidParams"][0]["name"] == "data.receivedOn"
    assert results[0]["recordId"]
    assert results[4]["recordId"]
    assert results[1]["recordId"] is None
    assert count(engine, Signal) == 2
    assert count(engine, InboxEvent) == 5  # the duplicate stores nothing


def test_redelivery_of_a_whole_batch_changes_nothing(politie: ApiClient, engine: Engine) -> None:
    events = [event(f"BVH-{n}") for n in range(20)] + [updated("BVH-3"), updated("BVH-99")]
    events.append(event("BVH-bad", data={"receivedOn": "gisteren"}))
    first = post_batch(politie, events)
    assert statuses(first).count("accepted") == 21
    before = snapshot(engine)
    again = post_batch(politie, events)
    assert statuses(again) == ["duplicate"] * len(events)
    for old, new in zip(first.json()["results"], again.json()["results"], strict=True):
        assert new["recordId"] == old["recordId"]
        assert new["inboxId"] == old["inboxId"]
        assert new["error"] == old["error"]
    assert snapshot(engine) == before


def test_invalid_event_among_valid_ones_rejects_only_itself(
    politie: ApiClient, engine: Engine
) -> None:
    events = [event("BVH-1"), event("BVH-2", data={"channel": "x"}), event("BVH-3")]
    events.insert(2, {"specversion": "1.0", "id": "broken"})
    events.append("not an event")
    result = statuses(post_batch(politie, events))
    assert result == ["accepted", "rejected", "rejected", "accepted", "rejected"]
    assert count(engine, Signal) == 2
    assert count(engine, InboxEvent) == 5


def test_an_event_is_applied_whole_or_not_at_all(politie: ApiClient, engine: Engine) -> None:
    """A create whose validation passes but whose write fails leaves nothing behind."""
    ok = event("BVH-1")
    clash = event("BVH-1")  # the same subject again: its insert would break the unique key
    response = post_batch(politie, [ok, clash, event("BVH-2")])
    assert statuses(response) == ["accepted", "rejected", "accepted"]
    assert response.json()["results"][1]["error"]["status"] == 409
    assert count(engine, Signal) == 2
    from app.audit.models import AuditEvent

    with Session(engine) as session:
        creates = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "create")  # type: ignore[arg-type]
        )
    assert creates == 2


def test_repeats_within_one_batch(politie: ApiClient, engine: Engine) -> None:
    body = event("BVH-1")
    response = post_batch(politie, [body, body, updated("BVH-1"), body])
    assert statuses(response) == ["accepted", "duplicate", "accepted", "duplicate"]
    results = response.json()["results"]
    assert results[1]["recordId"] == results[0]["recordId"] == results[3]["recordId"]
    assert count(engine, Signal) == 1


def test_update_before_create_in_one_batch(politie: ApiClient) -> None:
    response = post_batch(politie, [updated("BVH-5"), event("BVH-5")])
    assert statuses(response) == ["accepted", "accepted"]
    record_id = response.json()["results"][1]["recordId"]
    assert response.json()["results"][0]["recordId"] == record_id
    assert politie.get(f"/api/v1/signals/{record_id}").json()["status"] == "in-behandeling"


def test_unregistered_source_is_rejected_and_claims_nothing(
    politie: ApiClient, sdd: ApiClient, engine: Engine
) -> None:
    stolen = event("SDD-1", source=OTHER_SOURCE)
    response = post_one(politie, stolen)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert count(engine, Signal) == 0
    # Politie sees its own rejection; the real owner of the source is not blocked by it.
    rejected = politie.get("/api/v1/events", params={"status": "rejected"}).json()["items"]
    assert rejected[0]["eventId"] is None
    assert rejected[0]["source"] == OTHER_SOURCE
    assert post_one(sdd, stolen).status_code == 201
    assert statuses(post_batch(politie, [stolen, event("BVH-1")])) == ["rejected", "accepted"]


def test_another_partners_subject_is_never_touched(
    politie: ApiClient, sdd: ApiClient, engine: Engine
) -> None:
    theirs = post_one(sdd, event("SHARED-1", source=OTHER_SOURCE)).json()
    response = post_one(politie, updated("SHARED-1", {"status": "afgesloten"}))
    assert response.status_code == 202  # politie has no record SHARED-1 (yet)
    record = sdd.get(f"/api/v1/signals/{theirs['recordId']}").json()
    assert record["status"] == "nieuw"
    assert record["version"] == 1
    # SDD's own later events do not apply politie's pending update either.
    post_one(sdd, updated("SHARED-1", {"status": "in-behandeling"}, source=OTHER_SOURCE))
    assert sdd.get(f"/api/v1/signals/{theirs['recordId']}").json()["status"] == "in-behandeling"
    stored = politie.get(f"/api/v1/events/{response.json()['inboxId']}").json()
    assert stored["status"] == "pending"
    # Politie's own create then gets it.
    mine = post_one(politie, event("SHARED-1")).json()
    assert politie.get(f"/api/v1/signals/{mine['recordId']}").json()["status"] == "afgesloten"
    assert sdd.get(f"/api/v1/signals/{theirs['recordId']}").json()["status"] == "in-behandeling"


def test_partner_comes_from_the_client(politie: ApiClient) -> None:
    response = post_one(politie, event("BVH-1", data={**_signal(), "partner": "sdd"}))
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["data.partner"]
    mismatch = post_one(politie, event("BVH-1", data={**_signal(), "externalId": "OTHER"}))
    assert [p["name"] for p in mismatch.json()["invalidParams"]] == ["data.externalId"]
    same = post_one(politie, event("BVH-1", data={**_signal(), "partner": "politie"}))
    assert same.status_code == 201


def _signal() -> dict[str, Any]:
    return {"channel": "partnermelding", "receivedOn": "2023-03-01"}


def test_content_types(politie: ApiClient) -> None:
    body = json.dumps(event())
    for content_type in ("application/json", "text/plain", "application/cloudevents"):
        response = politie.post(
            "/api/v1/events", content=body, headers={"Content-Type": content_type}
        )
        assert response.status_code == 415, content_type
        assert response.headers["content-type"] == "application/problem+json"
    with_charset = politie.post(
        "/api/v1/events", content=body, headers={"Content-Type": f"{ONE}; charset=utf-8"}
    )
    assert with_charset.status_code == 201
    # The single-event media type with an array, and the batch one with an object.
    assert post_one(politie, [event()]).status_code == 400
    assert post_batch(politie, event()).status_code == 400  # type: ignore[arg-type]
    assert post_batch(politie, []).status_code == 400
    bad_json = politie.post("/api/v1/events", content=b"{", headers={"Content-Type": BATCH})
    assert bad_json.status_code == 400


def test_batch_over_1000_is_refused_whole(politie: ApiClient, engine: Engine) -> None:
    events = [
        event(f"BVH-{n}", data={"channel": "casusoverleg", "receivedOn": "2023-01-01"})
        for n in range(1001)
    ]
    response = post_batch(politie, events)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert count(engine, InboxEvent) == 0


def test_roles(make_client: MakeClient) -> None:
    for role in ("coordinator", "analyst"):
        client = make_client(role, eventSources=[SOURCE])
        assert post_one(client, event()).status_code == 403
        assert client.get("/api/v1/events").status_code == 403
    admin = make_client("admin", eventSources=[SOURCE])
    # An admin acts for no partner, so it registers no events, but it reads every inbox.
    assert post_one(admin, event()).status_code == 403
    assert len(admin.get("/api/v1/events").json()["items"]) == 1


def _counted(engine: Engine, indicator: str) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                text(
                    "SELECT coalesce(sum(r.records), 0) FROM progress_rollups AS r "
                    "JOIN indicators AS i ON i.id = r.indicator_id WHERE i.code = :code"
                ),
                {"code": indicator},
            ).scalar_one()
        )


def test_event_made_records_count_towards_progress(politie: ApiClient, engine: Engine) -> None:
    """A counted record made or changed by an event moves the rollups, as through the API
    (the single path reads the counting rules together with its subject lock)."""
    created = "nl.ondermijning.inspection.created"
    inspection = {"kind": "integrale-controle", "occurredOn": "2023-02-01"}
    assert post_one(politie, event("CTR-1", created, dict(inspection))).status_code == 201
    assert statuses(
        post_batch(
            politie,
            [event("CTR-2", created, dict(inspection)), event("CTR-3", created, dict(inspection))],
        )
    ) == ["accepted", "accepted"]
    assert _counted(engine, "p1-integrale-controles") == 3
    changed = event("CTR-1", "nl.ondermijning.inspection.updated", {"kind": "seksbranche-controle"})
    assert post_one(politie, changed).status_code == 201
    assert _counted(engine, "p1-integrale-controles") == 2
    assert _counted(engine, "p1-controles-seksbranche") == 1


def test_a_single_event_writes_its_records_audit_entry_once(
    politie: ApiClient, engine: Engine
) -> None:
    """The create's audit entry goes with the inbox row (one statement): written with the
    record, and not at all when the event is rejected."""
    from app.audit.models import AuditEvent

    accepted = post_one(politie, event("BVH-9"))
    assert accepted.status_code == 201
    record_id = accepted.json()["recordId"]
    clash = post_one(politie, event("BVH-9"))  # another event creating the same subject
    assert clash.status_code == 409
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "create")  # type: ignore[arg-type]
        ).all()
    assert [entry.record_id for entry in entries] == [record_id]
    assert entries[0].client_id is not None
    assert str(entries[0].client_id) == politie.id
    assert entries[0].resource == "signals"
    assert entries[0].changes is not None
    assert entries[0].changes["reference"]["new"].startswith("SIG-")
    history = politie.get(f"/api/v1/signals/{record_id}/history")
    assert history.status_code == 200
    assert "create" in history.text
