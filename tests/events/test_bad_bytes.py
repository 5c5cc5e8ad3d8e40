"""Events with bytes that cannot be stored or shapes that cannot be read (SPEC §5): each is
rejected on its own with the reason and kept in the inbox, escaped; the rest of its batch is
applied. A rejected event's stored reason repeats none of its values (SPEC §7)."""

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.events.models import InboxEvent
from app.signals.models import Signal
from tests.conftest import ApiClient
from tests.events.conftest import BATCH, ONE, SIGNAL, event, post_one, statuses, updated


def encode(document: Any) -> bytes:
    """JSON with \\u escapes (a lone surrogate has no UTF-8 bytes); `"<deep:N>"` becomes N
    levels of nesting (json.dumps itself would recurse too deep)."""
    text = json.dumps(document)
    for levels in (40, 1000, 5000):
        text = text.replace(f'"<deep:{levels}>"', "[" * levels + "0" + "]" * levels)
    return text.encode()


def post(client: ApiClient, document: Any, media_type: str) -> Any:
    return client.post(
        "/api/v1/events", content=encode(document), headers={"Content-Type": media_type}
    )


def stored(engine: Engine, inbox_id: str) -> InboxEvent:
    with Session(engine) as session:
        row = session.get(InboxEvent, uuid.UUID(inbox_id))
        assert row is not None
        return row


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# (where, the bad value, the name answered, its code, what is stored there)
BAD = [
    pytest.param(
        ("data", "description"),
        "Voor\x00straat",
        "data.description",
        "nul",
        "Voor\\u0000straat",
        id="nul",
    ),
    pytest.param(
        ("data", "address"),
        {"street": "Voor\ud800straat"},
        "data.address.street",
        "surrogate",
        {"street": "Voor\\ud800straat"},
        id="surrogate",
    ),
    pytest.param(
        ("data", "description"),
        "<deep:40>",
        "data.description",
        "depth",
        None,
        id="depth-40",
    ),
    pytest.param(
        ("data", "description"),
        "<deep:1000>",
        "data.description",
        "depth",
        None,
        id="depth-1000",
    ),
    pytest.param(
        ("data", "description"),
        "<deep:5000>",
        "data.description",
        "depth",
        None,
        id="depth-5000",
    ),
    pytest.param(("data", "theme"), 10**30, "data.theme", "out-of-range", None, id="integer"),
    pytest.param(("data", "theme"), 1e999, "data.theme", "number", "Infinity", id="infinity"),
    pytest.param(("subject",), "BVH\x00-1", "subject", "nul", "BVH\\u0000-1", id="subject"),
    pytest.param(("time",), "2023-03-01\ud800", "time", "surrogate", None, id="time"),
    pytest.param(("partnerref",), "x\x00", "partnerref", "nul", "x\\u0000", id="extension"),
    pytest.param(("data", "x\x00"), "y", "data.x\\u0000", "nul", None, id="property-name"),
]


def bad_event(where: tuple[str, ...], value: Any) -> dict[str, Any]:
    document = event("BAD-1")
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return document


def named(problem: Any, name: str, code: str) -> bool:
    """Whether the problem names the value (or, for depth, the path down to the limit)."""
    return any(
        (param["name"] == name or param["name"].startswith(f"{name}.")) and param["code"] == code
        for param in problem["invalidParams"]
    )


def stored_value(row: InboxEvent, where: tuple[str, ...]) -> Any:
    value: Any = row.event
    for key in where:
        value = value[key.replace("\x00", "\\u0000")]
    return value


@pytest.mark.parametrize(("where", "value", "name", "code", "kept"), BAD)
def test_one_bad_event_is_a_400_naming_it_and_is_kept_escaped(
    politie: ApiClient,
    engine: Engine,
    where: tuple[str, ...],
    value: Any,
    name: str,
    code: str,
    kept: Any,
) -> None:
    response = post(politie, bad_event(where, value), ONE)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert named(problem, name, code), problem
    row = stored(engine, problem["inboxId"])
    assert row.status == "rejected"
    assert named(row.error, name, code)
    if kept is not None:
        assert stored_value(row, where) == kept
    assert count(engine, Signal) == 0
    # Listed with the rejected events, and a redelivery is answered from the inbox.
    listed = politie.get("/api/v1/events", params={"status": "rejected"}).json()["items"]
    assert [item["id"] for item in listed] == [problem["inboxId"]]
    again = post(politie, bad_event(where, value) | {"id": row.event["id"]}, ONE)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"
    assert count(engine, InboxEvent) == 1


@pytest.mark.parametrize(("where", "value", "name", "code", "kept"), BAD)
def test_in_a_batch_only_the_bad_event_is_rejected_and_kept(
    politie: ApiClient,
    engine: Engine,
    where: tuple[str, ...],
    value: Any,
    name: str,
    code: str,
    kept: Any,
) -> None:
    # A full batch for the bytes and depth of the issue; the other kinds in a smaller one.
    size = 1000 if code in ("nul", "surrogate", "depth") and where[0] == "data" else 100
    events = [event(f"BVH-{n}") for n in range(size - 1)]
    events.insert(size // 2, bad_event(where, value))
    response = post(politie, events, BATCH)
    results = statuses(response)
    assert results.count("accepted") == size - 1
    assert results[size // 2] == "rejected"
    rejected = response.json()["results"][size // 2]
    assert named(rejected["error"], name, code), rejected
    assert count(engine, Signal) == size - 1
    assert count(engine, InboxEvent) == size
    row = stored(engine, rejected["inboxId"])
    assert row.status == "rejected"
    if kept is not None:
        assert stored_value(row, where) == kept


def test_a_bad_update_in_a_batch_rejects_only_itself(politie: ApiClient, engine: Engine) -> None:
    assert post_one(politie, event("BVH-1")).status_code == 201
    batch = [
        updated("BVH-1", {"description": "Voor\x00straat"}),
        updated("BVH-1", {"status": "in-behandeling"}),
        event("BVH-2", data={**SIGNAL, "description": "<deep:1000>"}),
        event("BVH-3"),
    ]
    assert statuses(post(politie, batch, BATCH)) == ["rejected", "accepted", "rejected", "accepted"]
    assert count(engine, Signal) == 2


def test_a_batch_of_bad_events_only(politie: ApiClient, engine: Engine) -> None:
    batch = [bad_event(("data", "description"), "\x00") for _ in range(3)]
    batch.append("\x00")
    batch.append([["\ud800"]])
    assert statuses(post(politie, batch, BATCH)) == ["rejected"] * 5
    assert count(engine, InboxEvent) == 5
    assert count(engine, Signal) == 0


ECHOED = "Geheimstraat-77b"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({**SIGNAL, "theme": ECHOED}, id="unknown-theme"),
        pytest.param({**SIGNAL, "receivedOn": ECHOED}, id="bad-date"),
        pytest.param({**SIGNAL, "rapportageIds": [ECHOED]}, id="bad-link"),
        pytest.param({**SIGNAL, "kvkNumber": ECHOED}, id="pattern"),
        pytest.param({**SIGNAL, "partner": ECHOED}, id="partner"),
    ],
)
def test_a_stored_reason_does_not_echo_the_input(
    politie: ApiClient, engine: Engine, data: dict[str, Any]
) -> None:
    response = post_one(politie, event("BVH-1", data=data))
    assert response.status_code == 400, response.text
    assert ECHOED not in response.text
    row = stored(engine, response.json()["inboxId"])
    assert ECHOED not in json.dumps(row.error)
    # In a batch too, and for a subject that conflicts with a record already there.
    batch = [event("BVH-2", data=data), event("BVH-3"), event("BVH-3")]
    response = post(politie, batch, BATCH)
    assert ECHOED not in response.text
    with Session(engine) as session:
        errors = session.scalars(select(InboxEvent.error)).all()
    assert ECHOED not in json.dumps(errors)


def test_a_stored_conflict_reason_does_not_echo_the_subject(
    politie: ApiClient, engine: Engine
) -> None:
    assert politie.post("/api/v1/signals", json={**SIGNAL, "externalId": ECHOED}).status_code == 201
    response = post_one(politie, event(ECHOED))
    assert response.status_code == 409, response.text
    row = stored(engine, response.json()["inboxId"])
    assert ECHOED not in json.dumps(row.error)


def test_a_null_in_a_batch_is_rejected_and_kept(politie: ApiClient, engine: Engine) -> None:
    response = post(politie, [None, event("BVH-1")], BATCH)
    assert statuses(response) == ["rejected", "accepted"]
    assert stored(engine, response.json()["results"][0]["inboxId"]).event == "null"
