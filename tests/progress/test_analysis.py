"""Progress for analysts (SPEC §6): `groupBy` breakdowns, `compare` with the previous period
or year, the per-pillar summary, and relative periods resolved against a frozen today on
every endpoint that takes a window."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlmodel import Session

from app.progress import windows
from app.progress.models import ProgressBreakdown
from app.progress.rollups import rebuild_all_rollups
from tests.conftest import ApiClient, MakeClient, is_postgres
from tests.progress.conftest import add_record, change_record

WINDOW = "from=2023-01-01&to=2023-04-30"


def indicator(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for p in body["pillars"] for i in p["indicators"] if i["code"] == code)


@pytest.fixture
def controles(db: Session) -> None:
    """Integrale controles in the letter's window, before the plan and at a secret level."""
    for day, partner, theme, level in (
        (date(2023, 1, 20), "politie", "ondermijnende-bedrijvigheid", "intern"),
        (date(2023, 2, 17), "ozhz", None, "openbaar"),
        (date(2023, 4, 14), "politie", "ondermijnende-bedrijvigheid", "intern"),
        (date(2023, 3, 3), "gemeente", "drugs", "geheim"),
        (date(2022, 2, 1), "politie", None, "intern"),
        (date(2022, 12, 30), "gemeente", None, "intern"),
    ):
        add_record(
            db,
            "inspections",
            kind="integrale-controle",
            occurred_on=day,
            partner=partner,
            theme=theme,
            confidentiality=level,
        )
    add_record(db, "inspections", kind="wijkgerichte-drugsactie", occurred_on=date(2023, 3, 1))
    db.commit()


def test_breakdown_per_partner_and_theme(controles: None, admin: ApiClient) -> None:
    body = admin.get(f"/api/v1/progress?{WINDOW}&groupBy=partner").json()
    assert body["groupBy"] == "partner"
    entry = indicator(body, "p1-integrale-controles")
    assert entry["actual"] == 4
    assert entry["breakdown"] == [
        {"partner": "politie", "actual": 2},
        {"partner": "gemeente", "actual": 1},
        {"partner": "ozhz", "actual": 1},
    ]
    assert sum(part["actual"] for part in entry["breakdown"]) == entry["actual"]
    assert indicator(body, "p1-controles-seksbranche")["breakdown"] == []
    assert "breakdown" not in indicator(body, "p1-henneptrain")
    themes = admin.get(f"/api/v1/progress?{WINDOW}&groupBy=theme").json()
    assert indicator(themes, "p1-integrale-controles")["breakdown"] == [
        {"theme": "ondermijnende-bedrijvigheid", "actual": 2},
        {"theme": "drugs", "actual": 1},
        {"theme": None, "actual": 1},
    ]
    plain = admin.get(f"/api/v1/progress?{WINDOW}").json()
    assert "breakdown" not in indicator(plain, "p1-integrale-controles")
    assert "groupBy" not in plain


@pytest.mark.parametrize(
    ("window", "politie", "reads_breakdowns"),
    [
        ("from=2023-01-01&to=2023-04-30", 2, True),  # whole months: the breakdowns only
        ("from=2023-01-21&to=2023-04-13", 0, True),  # partial months at both ends
        ("from=2023-01-20&to=2023-04-14", 2, True),  # the edges' own days count
        ("from=2023-04-01&to=2023-04-14", 1, False),  # within one month: the records
    ],
)
def test_breakdowns_of_whole_and_partial_months(
    controles: None,
    admin: ApiClient,
    window: str,
    politie: int,
    reads_breakdowns: bool,
) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        body = admin.get(f"/api/v1/progress?{window}&groupBy=partner").json()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    entry = indicator(body, "p1-integrale-controles")
    parts = {part["partner"]: part["actual"] for part in entry["breakdown"]}
    assert parts.get("politie", 0) == politie
    assert sum(parts.values()) == entry["actual"]
    assert any("FROM progress_breakdowns" in s for s in seen) == reads_breakdowns


def test_a_record_moved_to_another_partner_moves_in_the_breakdowns(
    db: Session, admin: ApiClient, engine: Engine
) -> None:
    """Same day, level and amount: the daily rollups do not change, the breakdowns do; and
    a write that changes both changes them in one statement on PostgreSQL."""
    first = add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 2, 1))
    db.commit()
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        change_record(db, "inspections", first, partner="ozhz", theme="drugs")
        db.commit()
        add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 3, 1))
        db.commit()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    writes = [s for s in seen if "INTO progress_" in s]
    if is_postgres():
        # The move: breakdowns alone; the create: both tables in one statement.
        assert len(writes) == 2
        assert "progress_rollups" not in writes[0]
        assert "progress_breakdowns" in writes[1]
    for key, expected in (("partner", {"ozhz": 1, "politie": 1}), ("theme", {"drugs": 1})):
        body = admin.get(f"/api/v1/progress?from=2023-01-01&to=2023-03-31&groupBy={key}").json()
        entry = indicator(body, "p1-integrale-controles")
        assert entry["actual"] == 2
        parts = {part[key]: part["actual"] for part in entry["breakdown"]}
        assert {k: v for k, v in parts.items() if k is not None} == expected
    before = _breakdowns(db)
    rebuild_all_rollups(db)
    db.commit()
    assert _breakdowns(db) == before


def _breakdowns(db: Session) -> set[tuple[Any, ...]]:
    rows = db.execute(select(ProgressBreakdown)).scalars().all()
    return {
        (r.indicator_id, r.group_key, r.month, r.group_value, r.confidentiality, r.records)
        for r in rows
        if r.records
    }


def test_breakdown_and_comparison_respect_the_ceiling(
    controles: None, make_client: MakeClient
) -> None:
    capped = make_client("analyst", maxConfidentiality="intern", name="capped")
    body = capped.get(f"/api/v1/progress?{WINDOW}&groupBy=partner&compare=previous-year").json()
    entry = indicator(body, "p1-integrale-controles")
    assert entry["actual"] == 3
    assert entry["breakdown"] == [
        {"partner": "politie", "actual": 2},
        {"partner": "ozhz", "actual": 1},
    ]
    assert "gemeente" not in str(entry["breakdown"])
    assert entry["previous"]["actual"] == 1
    themes = capped.get(f"/api/v1/progress?{WINDOW}&groupBy=theme").json()
    assert "drugs" not in str(indicator(themes, "p1-integrale-controles")["breakdown"])


def test_compare_with_the_previous_year_before_the_plan(controles: None, admin: ApiClient) -> None:
    """The same window a year earlier lies before the plan: its records are counted, but no
    target applied then, so `expected` is null."""
    body = admin.get(f"/api/v1/progress?{WINDOW}&compare=previous-year").json()
    assert body["compare"] == "previous-year"
    entry = indicator(body, "p1-integrale-controles")
    assert entry["previous"] == {
        "from": "2022-01-01",
        "to": "2022-04-30",
        "actual": 1,
        "expected": None,
    }
    assert "previous" not in indicator(body, "p1-henneptrain")
    assert indicator(body, "p1-controles-seksbranche")["previous"]["expected"] is None


def test_compare_with_the_previous_period_partly_in_the_plan(
    controles: None, admin: ApiClient
) -> None:
    """May to August 2023 (123 days) against 29 December 2022 to 30 April 2023: all its records
    count; the target is pro-rated over its 120 days inside the plan only."""
    body = admin.get("/api/v1/progress?from=2023-05-01&to=2023-08-31&compare=previous-period")
    entry = indicator(body.json(), "p1-integrale-controles")
    previous = entry["previous"]
    assert (previous["from"], previous["to"], previous["actual"]) == (
        "2022-12-29",
        "2023-04-30",
        5,
    )
    assert previous["expected"] == pytest.approx(10 * 120 / 365)
    a_year_later = admin.get("/api/v1/progress?period=2024-Q1&compare=previous-year").json()
    last_year = indicator(a_year_later, "p1-integrale-controles")["previous"]
    assert (last_year["from"], last_year["to"], last_year["actual"]) == (
        "2023-01-01",
        "2023-03-31",
        3,
    )
    assert last_year["expected"] == pytest.approx(10 * 90 / 365)
    leap = admin.get("/api/v1/progress?from=2024-02-29&to=2024-02-29&compare=previous-year")
    assert indicator(leap.json(), "p1-integrale-controles")["previous"]["from"] == "2023-02-28"


def test_pillar_summary(controles: None, admin: ApiClient, make_client: MakeClient) -> None:
    coordinator = make_client("coordinator")
    for code, status in (("p1-henneptrain", "afgerond"), ("p1-dor-uitrol", "gestart")):
        response = coordinator.post(
            f"/api/v1/indicators/{code}/updates", json={"date": "2023-02-01", "status": status}
        )
        assert response.status_code == 201, response.text
    body = admin.get(f"/api/v1/progress?{WINDOW}").json()
    summaries = {pillar["code"]: pillar["summary"] for pillar in body["pillars"]}
    # Integrale controles 4 ≥ 3.29 expected, drugsacties 1 ≥ 0.66: both on schedule.
    assert summaries["p1"] == {
        "countIndicators": 4,
        "onSchedule": 2,
        "milestones": 6,
        "completed": 1,
    }
    assert summaries["p2"] == {
        "countIndicators": 1,
        "onSchedule": 0,
        "milestones": 1,
        "completed": 0,
    }
    before = admin.get("/api/v1/progress?from=2023-01-01&to=2023-01-31").json()
    assert before["pillars"][0]["summary"]["completed"] == 0


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("groupBy=sector", "groupBy"),
        ("groupBy=partner,theme", "groupBy"),
        ("compare=vorig-jaar", "compare"),
    ],
)
def test_bad_analysis_parameters_are_400(admin: ApiClient, query: str, name: str) -> None:
    response = admin.get(f"/api/v1/progress?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == [name]


TODAY = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("this-year", "2024-01-01", "2024-12-31"),
        ("this-quarter", "2024-04-01", "2024-06-30"),
        ("last-quarter", "2024-01-01", "2024-03-31"),
        ("this-month", "2024-05-01", "2024-05-31"),
        ("last-month", "2024-04-01", "2024-04-30"),
        ("last-year", "2023-01-01", "2023-12-31"),
        ("last-12-months", "2023-05-01", "2024-04-30"),
    ],
)
def test_relative_periods_on_every_endpoint(
    monkeypatch: pytest.MonkeyPatch, admin: ApiClient, period: str, start: str, end: str
) -> None:
    monkeypatch.setattr(windows, "today", lambda: TODAY)
    for path in (
        "progress",
        "progress/indicators/p1-integrale-controles/series",
        "statistics/signals",
        "reports/terugblik",
    ):
        response = admin.get(f"/api/v1/{path}?period={period}")
        assert response.status_code == 200, (path, response.text)
        assert (response.json()["from"], response.json()["to"]) == (start, end), path


@pytest.mark.parametrize(
    ("today", "period", "start", "end"),
    [
        (date(2025, 1, 10), "last-month", "2024-12-01", "2024-12-31"),
        (date(2025, 1, 10), "last-quarter", "2024-10-01", "2024-12-31"),
        (date(2025, 1, 10), "last-year", "2024-01-01", "2024-12-31"),
        (date(2023, 3, 31), "this-quarter", "2023-01-01", "2023-03-31"),
    ],
)
def test_relative_periods_at_the_turn_of_the_year(
    monkeypatch: pytest.MonkeyPatch,
    admin: ApiClient,
    today: date,
    period: str,
    start: str,
    end: str,
) -> None:
    monkeypatch.setattr(windows, "today", lambda: today)
    body = admin.get(f"/api/v1/reports/terugblik?period={period}").json()
    assert (body["from"], body["to"]) == (start, end)


def test_a_relative_period_outside_the_plan_is_400_on_period(
    monkeypatch: pytest.MonkeyPatch, admin: ApiClient
) -> None:
    monkeypatch.setattr(windows, "today", lambda: date(2026, 12, 2))
    for path in ("progress", "progress/indicators/p1-integrale-controles/series"):
        response = admin.get(f"/api/v1/{path}?period=this-year")
        assert response.status_code == 400
        assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [
            ("period", "outside-plan")
        ]
    terugblik = admin.get("/api/v1/reports/terugblik?period=last-month")
    assert terugblik.json()["invalidParams"][0]["name"] == "period"
    # Statistics have no plan: any window counts.
    assert admin.get("/api/v1/statistics/signals?period=this-year").status_code == 200
