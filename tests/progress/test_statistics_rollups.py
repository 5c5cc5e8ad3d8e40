"""The monthly statistics rollups: statistics without a window, or over whole months, read
them instead of the records, and answer what a count of the records answers; requests they
cannot answer (a day window, a filter, another date, two group fields) count the records.
The rollups follow every write and `rebuild-rollups` restores them. (That they equal a
rebuild after any history, and statistics a recount, is in test_properties.py.)"""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update
from sqlmodel import Session

import app.db
from app.cli import main as cli
from app.progress.models import StatisticsRollup
from app.records.kind import Counting
from tests.builders import body
from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record, change_record, remove_record


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """The SQL run meanwhile, by any engine (the app has its own)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def _reads(statements: list[str], table: str) -> bool:
    return any(f"FROM {table}\n" in s or f"FROM {table} " in s for s in statements)


def _inspections(db: Session) -> list[Any]:
    rows = [
        add_record(
            db,
            "inspections",
            kind=kind,
            occurred_on=day,
            neighbourhood=neighbourhood,
            businesses_inspected=businesses,
            confidentiality=level,
        )
        for kind, day, neighbourhood, businesses, level in (
            ("integrale-controle", date(2023, 1, 31), "Wielwijk", 3, "intern"),
            ("integrale-controle", date(2023, 2, 1), None, 2, "intern"),
            ("seksbranche-controle", date(2023, 2, 28), "Crabbehof", None, "geheim"),
            ("integrale-controle", date(2024, 3, 15), "Wielwijk", 5, "openbaar"),
        )
    ]
    db.commit()
    return rows


@pytest.mark.parametrize(
    ("query", "total", "businesses"),
    [
        ("groupBy=neighbourhood", 4, 10),
        ("groupBy=kind,quarter", 4, 10),
        ("groupBy=month,year", 4, 10),
        ("period=2023&groupBy=neighbourhood,month", 3, 5),
        ("from=2023-02-01&to=2024-03-31&groupBy=year", 3, 7),
        ("", 4, 10),
    ],
)
def test_whole_months_read_the_rollups_and_equal_a_count_of_the_records(
    db: Session,
    admin: ApiClient,
    statements: list[str],
    query: str,
    total: int,
    businesses: int,
) -> None:
    _inspections(db)
    statements.clear()
    from_rollups = admin.get(f"/api/v1/statistics/inspections?{query}").json()
    assert _reads(statements, "statistics_rollups")
    assert not _reads(statements, "inspections")
    # The same request with a filter that keeps everything is counted from the records.
    statements.clear()
    kinds = "kind=integrale-controle,seksbranche-controle"
    counted = admin.get(f"/api/v1/statistics/inspections?{query}&{kinds}").json()
    assert _reads(statements, "inspections")
    assert not _reads(statements, "statistics_rollups")
    for report in (from_rollups, counted):
        report.pop("filters", None)
    assert from_rollups == counted
    assert (from_rollups["total"], from_rollups["businessesInspected"]) == (total, businesses)


@pytest.mark.parametrize(
    "query",
    [
        "from=2023-01-02&to=2023-12-31&groupBy=kind",  # not from the first of a month
        "from=2023-01-01&to=2023-12-30&groupBy=kind",  # nor to the last
        "groupBy=kind,neighbourhood",  # two group fields
        "kind=integrale-controle&groupBy=month",  # a filter
    ],
)
def test_what_the_rollups_cannot_answer_is_counted_from_the_records(
    db: Session, admin: ApiClient, statements: list[str], query: str
) -> None:
    _inspections(db)
    statements.clear()
    assert admin.get(f"/api/v1/statistics/inspections?{query}").status_code == 200
    assert _reads(statements, "inspections")
    assert not _reads(statements, "statistics_rollups")


def test_another_date_field_is_counted_from_the_records(
    db: Session, admin: ApiClient, statements: list[str]
) -> None:
    add_record(db, "signals", received_on=date(2023, 1, 5), discussed_on=date(2023, 3, 1))
    add_record(db, "signals", received_on=date(2023, 1, 6))
    db.commit()
    statements.clear()
    body = admin.get("/api/v1/statistics/signals?dateField=discussedOn&groupBy=month").json()
    assert body["groups"] == [{"month": "2023-03", "count": 1}]
    assert not _reads(statements, "statistics_rollups")
    by_receipt = admin.get("/api/v1/statistics/signals?groupBy=month").json()
    assert by_receipt["groups"] == [{"month": "2023-01", "count": 2}]


def test_the_rollups_follow_changes_deletes_and_the_ceiling(
    db: Session, admin: ApiClient, make_client: MakeClient
) -> None:
    rows = _inspections(db)
    change_record(
        db, "inspections", rows[0], neighbourhood="Crabbehof", occurred_on=date(2023, 5, 1)
    )
    remove_record(db, "inspections", rows[3])
    db.commit()
    url = "/api/v1/statistics/inspections?groupBy=neighbourhood,month"
    assert admin.get(url).json()["groups"] == [
        {"neighbourhood": "Crabbehof", "month": "2023-02", "count": 1, "businessesInspected": 0},
        {"neighbourhood": "Crabbehof", "month": "2023-05", "count": 1, "businessesInspected": 3},
        {"neighbourhood": None, "month": "2023-02", "count": 1, "businessesInspected": 2},
    ]
    capped = make_client("analyst", maxConfidentiality="intern", name="capped")
    assert capped.get(url).json()["groups"] == [
        {"neighbourhood": "Crabbehof", "month": "2023-05", "count": 1, "businessesInspected": 3},
        {"neighbourhood": None, "month": "2023-02", "count": 1, "businessesInspected": 2},
    ]


def test_a_create_left_out_for_its_external_id_is_not_counted(
    make_client: MakeClient, admin: ApiClient
) -> None:
    """The records' INSERT writes the statistics rollups along; a row it leaves out (the
    partner already has its externalId) is taken back."""
    politie = make_client("partner", "politie")
    first = politie.post("/api/v1/signals", json=body("signals", externalId="DUBBEL-1"))
    assert first.status_code == 201, first.text
    again = politie.post("/api/v1/signals", json=body("signals", externalId="DUBBEL-1"))
    assert again.status_code == 409
    report = admin.get("/api/v1/statistics/signals?groupBy=partner").json()
    assert report["groups"] == [{"partner": "politie", "count": 1}]


def test_withdrawn_measures_and_audiences_from_the_rollups(
    db: Session, admin: ApiClient, statements: list[str]
) -> None:
    add_record(db, "measures", decided_on=date(2023, 4, 3), status="opgelegd")
    add_record(db, "measures", decided_on=date(2023, 4, 4), status="ingetrokken")
    for audiences in (["burgers", "ondernemers"], ["burgers"], []):
        add_record(db, "campaigns", starts_on=date(2023, 6, 1), audiences=audiences)
    db.commit()
    statements.clear()
    measures = "/api/v1/statistics/measures?groupBy=status"
    assert admin.get(measures).json()["groups"] == [{"status": "opgelegd", "count": 1}]
    everything = admin.get(f"{measures}&includeWithdrawn=true").json()
    assert everything["groups"] == [
        {"status": "ingetrokken", "count": 1},
        {"status": "opgelegd", "count": 1},
    ]
    campaigns = admin.get("/api/v1/statistics/campaigns?groupBy=audiences").json()
    assert campaigns["groups"] == [
        {"audiences": "burgers", "count": 2, "participants": 0},
        {"audiences": "ondernemers", "count": 1, "participants": 0},
        {"audiences": None, "count": 1, "participants": 0},
    ]
    assert campaigns["total"] == 3  # each campaign once
    assert not _reads(statements, "measures")
    assert not _reads(statements, "campaigns")


@pytest.fixture
def cli_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.db, "_engine", engine)


def test_rebuild_restores_damaged_statistics_rollups(
    db: Session, admin: ApiClient, cli_database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _inspections(db)
    url = "/api/v1/statistics/inspections?groupBy=kind,year"
    correct = admin.get(url).json()
    db.execute(update(StatisticsRollup).values(records=StatisticsRollup.records + 7))
    db.add(
        StatisticsRollup(
            resource="inspections",
            group_key="kind",
            month=date(2022, 1, 1),
            group_value="brand",
            confidentiality="intern",
            counted=True,
            records=3,
            total=0,
        )
    )
    db.commit()
    assert admin.get(url).json() != correct

    assert cli(["rebuild-rollups", "--resource", "inspections"]) == 0
    assert "and the statistics rollups" in capsys.readouterr().out
    assert admin.get(url).json() == correct
    assert (
        db.scalar(select(StatisticsRollup).where(StatisticsRollup.month == date(2022, 1, 1)))
        is None
    )


def test_a_type_reports_at_most_one_sum() -> None:
    with pytest.raises(ValueError, match="at most one reported sum"):
        Counting(
            date_fields={"on": "on"},
            group_fields={},
            sum_fields={"a": "a", "b": "b"},
            reported_sums=("a", "b"),
        )
