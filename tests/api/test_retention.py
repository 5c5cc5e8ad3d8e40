"""AVG retention: `purge-expired` blanks personal data of long-closed records, and only that."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.cli import main as cli
from tests.builders import body, create
from tests.conftest import ApiClient, MakeClient

PERSONAL = {"kvkNumber": "12345678", "description": "Jan Jansen", "address": {"city": "Dordrecht"}}


@pytest.fixture
def coordinator(make_client: MakeClient) -> ApiClient:
    return make_client("coordinator", "gemeente")


def age(engine: Engine, table: str, record_id: str, **columns: Any) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
            {
                **columns,
                "id": record_id.replace("-", "") if engine.dialect.name == "sqlite" else record_id,
            },
        )


def test_purge_blanks_personal_data_of_long_closed_records_only(
    coordinator: ApiClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    old = create(coordinator, "signals", status="afgesloten", theme="drugs", **PERSONAL)
    recent = create(coordinator, "signals", status="afgesloten", **PERSONAL)
    open_ = create(coordinator, "signals", status="in-behandeling", **PERSONAL)
    campaign = create(
        coordinator,
        "campaigns",
        startsOn="2015-03-01",
        endsOn="2015-03-02",
        description="x",
        externalId="CA-JANSEN",
        organisations=["Stichting Jansen"],
        title="Avond bij Jansen",
    )
    six_years_ago = datetime.now(UTC) - timedelta(days=6 * 366)
    age(engine, "signals", old["id"], closed_at=six_years_ago)
    age(engine, "signals", open_["id"], created_at=six_years_ago)

    assert cli(["purge-expired", "--dry-run"]) == 0
    assert "would blank personal data of 1 signals" in capsys.readouterr().out
    assert coordinator.get(f"/api/v1/signals/{old['id']}").json()["description"] == "Jan Jansen"

    assert cli(["purge-expired"]) == 0
    output = capsys.readouterr().out
    assert "blanked personal data of 1 signals" in output
    assert "blanked personal data of 1 campaigns" in output

    purged = coordinator.get(f"/api/v1/signals/{old['id']}").json()
    assert (purged["description"], purged["address"], purged["kvkNumber"]) == (None, None, None)
    # What is counted stays: status, channel, dates, theme.
    assert (purged["status"], purged["channel"], purged["theme"]) == (
        "afgesloten",
        "casusoverleg",
        "drugs",
    )
    assert purged["receivedOn"] == old["receivedOn"]
    for kept in (recent, open_):
        assert (
            coordinator.get(f"/api/v1/signals/{kept['id']}").json()["description"] == "Jan Jansen"
        )
    purged_campaign = coordinator.get(f"/api/v1/campaigns/{campaign['id']}").json()
    assert (purged_campaign["description"], purged_campaign["externalId"]) == (None, None)
    assert (purged_campaign["title"], purged_campaign["organisations"]) == ("", [])
    assert purged_campaign["startsOn"] == "2015-03-01"
    assert len(coordinator.get("/api/v1/signals").json()["items"]) == 3

    with engine.connect() as connection:
        actions = connection.execute(
            text("SELECT action, client_name FROM audit_events WHERE action = 'purge'")
        ).all()
    assert len(actions) == 2
    assert all(name == "system: purge-expired" for _, name in actions)

    assert cli(["purge-expired"]) == 0  # nothing is purged twice
    assert "blanked personal data of 0 signals" in capsys.readouterr().out


def test_purge_blanks_stored_event_bodies_of_old_decided_events(
    make_client: MakeClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    partner = make_client("partner", "politie", eventSources=["urn:nl:politie:test"])

    def post(event_id: str, subject: str) -> dict[str, Any]:
        event = {
            "specversion": "1.0",
            "id": event_id,
            "source": "urn:nl:politie:test",
            "type": "nl.ondermijning.signal.created",
            "time": "2023-02-01T10:00:00Z",
            "subject": subject,
            "datacontenttype": "application/json",
            "data": {"channel": "partnermelding", "receivedOn": "2023-02-01", "description": "Jan"},
        }
        response = partner.post(
            "/api/v1/events", json=event, headers={"Content-Type": "application/cloudevents+json"}
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    old, recent = post("e-old", "S-1"), post("e-new", "S-2")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE inbox_events SET decided_at = :t WHERE event_id = 'e-old'"),
            {"t": datetime.now(UTC) - timedelta(days=6 * 366)},
        )
    status = cli(["purge-expired"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "blanked personal data of 1 inbox-events" in captured.out
    with engine.connect() as connection:
        bodies = dict(connection.execute(text("SELECT event_id, event FROM inbox_events")).all())
    old_body, new_body = (
        json.loads(v) if isinstance(v, str) else v for v in (bodies["e-old"], bodies["e-new"])
    )
    assert "data" not in old_body
    assert old_body["id"] == "e-old"
    assert new_body["data"]["description"] == "Jan"
    # The outcome stays readable; the record it made is there.
    assert partner.get(f"/api/v1/events/{old['inboxId']}").json()["status"] == "accepted"
    assert partner.get(f"/api/v1/events/{recent['inboxId']}").status_code == 200


def test_stored_idempotent_responses_go_after_idempotency_hours(
    coordinator: ApiClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """SPEC §7: a stored first response holds personal data; it is deleted once its key can
    no longer be replayed."""
    import app.db

    monkeypatch.setattr(app.db, "_engine", engine)
    for key in ("old-key", "new-key"):
        response = coordinator.post(
            "/api/v1/signals",
            json=body("signals", description="Jan Jansen"),
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 201, response.text
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE idempotency_keys SET created_at = :t WHERE key = 'old-key'"),
            {"t": datetime.now(UTC) - timedelta(hours=25)},
        )
    assert cli(["purge-expired", "--dry-run"]) == 0
    assert "would delete 1 stored idempotent responses" in capsys.readouterr().out
    assert cli(["purge-expired"]) == 0
    assert "deleted 1 stored idempotent responses" in capsys.readouterr().out
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT key FROM idempotency_keys")).scalars().all()
        stored = (
            connection.execute(text("SELECT response_body FROM idempotency_keys")).scalars().all()
        )
    assert list(keys) == ["new-key"]
    assert "Jansen" in str(stored)  # the live one is kept until it expires
