"""AVG retention: `purge-expired` blanks personal data of long-closed records, and only that."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.cli import main as cli
from tests.builders import create
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
        coordinator, "campaigns", startsOn="2015-03-01", endsOn="2015-03-02", description="x"
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
    assert coordinator.get(f"/api/v1/campaigns/{campaign['id']}").json()["description"] is None
    assert len(coordinator.get("/api/v1/signals").json()["items"]) == 3

    with engine.connect() as connection:
        actions = connection.execute(
            text("SELECT action, client_name FROM audit_events WHERE action = 'purge'")
        ).all()
    assert len(actions) == 2
    assert all(name == "system: purge-expired" for _, name in actions)

    assert cli(["purge-expired"]) == 0  # nothing is purged twice
    assert "blanked personal data of 0 signals" in capsys.readouterr().out
