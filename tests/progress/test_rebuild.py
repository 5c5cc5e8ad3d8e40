"""The rollups are derived data: `python -m app.cli rebuild-rollups` restores them from the
records after a change to what counts (in the code's declaration) or after damage by hand,
so that /progress again equals a plain recount of the records."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlmodel import Session, col

import app.db
from app.cli import main as cli
from app.inspections.models import Inspection
from app.measures.models import Measure
from app.measures.record_type import MEASURES
from app.progress.models import ProgressRollup
from tests.conftest import ApiClient
from tests.progress.conftest import add_record, change_record

SLUITINGEN = {
    "code": "p1-sluitingen",
    "pillar": "p1",
    "theme": "drugs",
    "title": "Sluitingen",
    "kind": "count",
    "target": {"value": 12, "per": "year"},
    "countingRule": {"resource": "measures", "filters": {"kind": ["sluiting"]}},
}


def actuals(admin: ApiClient, period: str = "2023") -> dict[str, Any]:
    body = admin.get(f"/api/v1/progress?period={period}").json()
    return {
        entry["code"]: entry["actual"]
        for pillar in body["pillars"]
        for entry in pillar["indicators"]
        if entry["kind"] == "count"
    }


def closures_in_2023(db: Session, *, withdrawn_count: bool) -> int:
    """A recount that knows nothing of rollups."""
    statement = (
        select(func.count())
        .select_from(Measure)
        .where(col(Measure.kind) == "sluiting")
        .where(col(Measure.decided_on).between(date(2023, 1, 1), date(2023, 12, 31)))
    )
    if not withdrawn_count:
        statement = statement.where(col(Measure.status) != "ingetrokken")
    return int(db.scalar(statement) or 0)


@pytest.fixture(autouse=True)
def cli_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI works on the test database."""
    monkeypatch.setattr(app.db, "_engine", engine)


def test_a_changed_counting_rule_in_code_takes_effect_on_rebuild(
    db: Session,
    admin: ApiClient,
    restore_indicators: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin.post("/api/v1/indicators", json=SLUITINGEN).raise_for_status()
    add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 1))
    withdrawn = add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 2))
    change_record(db, "measures", withdrawn, status="ingetrokken")
    db.commit()
    assert actuals(admin)["p1-sluitingen"] == 1 == closures_in_2023(db, withdrawn_count=False)

    # The declaration changes: withdrawn measures count after all.
    monkeypatch.delitem(MEASURES.counting.never_counts, "status")
    assert actuals(admin)["p1-sluitingen"] == 1  # the stored figures are stale until …

    assert cli(["rebuild-rollups", "--resource", "measures"]) == 0
    assert "rebuilt the rollups of 1 count indicators" in capsys.readouterr().out
    assert actuals(admin)["p1-sluitingen"] == 2 == closures_in_2023(db, withdrawn_count=True)
    # Writes from now on follow the new rule as well.
    change_record(db, "measures", withdrawn, status="opgelegd")
    db.commit()
    assert actuals(admin)["p1-sluitingen"] == 2 == closures_in_2023(db, withdrawn_count=True)


def test_rebuild_restores_rollups_damaged_by_hand(
    db: Session, admin: ApiClient, restore_indicators: None, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.post("/api/v1/indicators", json=SLUITINGEN).raise_for_status()
    for day in (date(2023, 1, 20), date(2023, 2, 17), date(2023, 4, 14), date(2024, 5, 1)):
        add_record(db, "inspections", kind="integrale-controle", occurred_on=day)
    add_record(db, "inspections", kind="garagebox-controle", occurred_on=date(2023, 6, 1))
    add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 1))
    add_record(
        db, "campaigns", kind="communicatiecampagne", pillar="p3", starts_on=date(2023, 5, 5)
    )
    db.commit()
    correct = {period: actuals(admin, period) for period in ("2023", "2024", "2023-Q1")}
    assert correct["2023"]["p1-integrale-controles"] == 3
    assert correct["2023"]["p1-sluitingen"] == 1

    # Damage: counts inflated, a day lost, and rows for days that have no record at all.
    db.execute(update(ProgressRollup).values(records=ProgressRollup.records + 5))
    db.execute(text("DELETE FROM progress_rollups WHERE day = :day"), {"day": date(2023, 2, 17)})
    indicator_id = db.scalar(select(func.min(ProgressRollup.indicator_id)))
    db.add(
        ProgressRollup(
            indicator_id=indicator_id,
            day=date(2023, 7, 7),
            confidentiality="vertrouwelijk",
            records=9,
            total=9,
        )
    )
    db.commit()
    assert actuals(admin) != correct["2023"]

    assert cli(["rebuild-rollups"]) == 0
    assert "rebuilt the rollups of" in capsys.readouterr().out
    assert {period: actuals(admin, period) for period in correct} == correct
    # And the figures equal a recount of the records themselves.
    recount = int(
        db.scalar(
            select(func.count())
            .select_from(Inspection)
            .where(col(Inspection.kind) == "integrale-controle")
            .where(col(Inspection.occurred_on).between(date(2023, 1, 1), date(2023, 12, 31)))
        )
        or 0
    )
    assert correct["2023"]["p1-integrale-controles"] == recount


def test_rebuild_rejects_an_unknown_resource(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(["rebuild-rollups", "--resource", "bogus"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
