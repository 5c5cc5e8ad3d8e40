"""GET /progress and the series: counts from the rollups, pro-rated targets, milestones,
CSV, windows, roles; and the indicator admin that rebuilds rollups."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.progress.models import ProgressRollup
from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record, change_record, remove_record


def indicator(body: dict[str, Any], code: str) -> dict[str, Any]:
    for pillar in body["pillars"]:
        for entry in pillar["indicators"]:
            if entry["code"] == code:
                return entry
    raise KeyError(code)


def rollup_rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ProgressRollup)) or 0)


def test_counts_and_expected_for_the_letter_window(db: Session, make_client: MakeClient) -> None:
    for day in (date(2023, 1, 20), date(2023, 2, 17), date(2023, 4, 14)):
        add_record(db, "inspections", kind="integrale-controle", occurred_on=day)
    add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 5, 1))
    add_record(db, "inspections", kind="seksbranche-controle", occurred_on=date(2023, 3, 1))
    db.commit()
    partner = make_client("partner", "politie")
    response = partner.get("/api/v1/progress?from=2023-01-01&to=2023-04-30")
    assert response.status_code == 200
    body = response.json()
    assert (body["plan"], body["from"], body["to"]) == ("2023-2024", "2023-01-01", "2023-04-30")
    assert [p["code"] for p in body["pillars"]] == ["p1", "p2", "p3"]
    controles = indicator(body, "p1-integrale-controles")
    assert controles["actual"] == 3
    assert controles["expected"] == pytest.approx(10 * 120 / 365)
    assert controles["ratio"] == pytest.approx(3 / (10 * 120 / 365))
    assert controles["status"] == "achter"
    assert controles["target"] == {"value": 10, "per": "year"}
    assert "updates" not in controles
    seks = indicator(body, "p1-controles-seksbranche")
    assert (seks["actual"], seks["expected"], seks["ratio"], seks["status"]) == (
        1,
        None,
        None,
        "geen-doel",
    )
    milestone = indicator(body, "p1-henneptrain")
    assert milestone["actual"] is None
    assert milestone["status"] == "niet-gestart"
    assert milestone["updates"] == []


def test_default_window_is_the_plan_and_windows_are_clipped(
    db: Session, make_client: MakeClient
) -> None:
    add_record(db, "inspections", kind="wijkgerichte-drugsactie", occurred_on=date(2022, 6, 1))
    add_record(db, "inspections", kind="wijkgerichte-drugsactie", occurred_on=date(2024, 6, 1))
    db.commit()
    analyst = make_client("analyst")
    body = analyst.get("/api/v1/progress").json()
    assert (body["from"], body["to"]) == ("2023-01-01", "2024-12-31")
    drugs = indicator(body, "p1-drugsacties")
    assert (drugs["actual"], drugs["expected"], drugs["status"]) == (1, 4, "achter")
    clipped = analyst.get("/api/v1/progress?from=2022-01-01&to=2023-06-30").json()
    assert (clipped["from"], clipped["to"]) == ("2023-01-01", "2023-06-30")
    assert indicator(clipped, "p1-drugsacties")["actual"] == 0
    assert analyst.get("/api/v1/progress?period=2024").json()["from"] == "2024-01-01"


def test_withdrawn_measures_and_changes_keep_the_rollups_right(
    db: Session, admin: ApiClient
) -> None:
    admin.post(
        "/api/v1/indicators",
        json={
            "code": "p1-sluitingen",
            "pillar": "p1",
            "theme": "drugs",
            "title": "Sluitingen",
            "kind": "count",
            "target": {"value": 12, "per": "year"},
            "countingRule": {"resource": "measures", "filters": {"kind": ["sluiting"]}},
        },
    ).raise_for_status()
    kept = add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 1))
    withdrawn = add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 2))
    moved = add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 3))
    gone = add_record(db, "measures", kind="sluiting", decided_on=date(2023, 3, 4))
    change_record(db, "measures", withdrawn, status="ingetrokken")
    change_record(db, "measures", moved, decided_on=date(2025, 1, 1))
    remove_record(db, "measures", gone)
    db.commit()
    body = admin.get("/api/v1/progress?period=2023").json()
    assert indicator(body, "p1-sluitingen")["actual"] == 1
    assert indicator(body, "p1-sluitingen")["status"] == "achter"
    change_record(db, "measures", withdrawn, status="opgelegd")
    change_record(db, "measures", kept, kind="waarschuwing")
    db.commit()
    assert (
        indicator(admin.get("/api/v1/progress?period=2023").json(), "p1-sluitingen")["actual"] == 1
    )


def test_changing_a_counting_rule_recounts_from_the_records(
    db: Session, admin: ApiClient, restore_indicators: None
) -> None:
    add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 2, 1))
    add_record(
        db, "inspections", kind="overig", occurred_on=date(2023, 2, 1), businesses_inspected=7
    )
    add_record(
        db, "inspections", kind="overig", occurred_on=date(2023, 3, 1), businesses_inspected=5
    )
    db.commit()
    response = admin.patch(
        "/api/v1/indicators/p1-integrale-controles",
        json={"countingRule": {"resource": "inspections", "filters": {"kind": ["overig"]}}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["countingRule"]["filters"] == {"kind": ["overig"]}
    body = admin.get("/api/v1/progress?period=2023").json()
    assert indicator(body, "p1-integrale-controles")["actual"] == 2
    admin.patch(
        "/api/v1/indicators/p1-integrale-controles",
        json={
            "countingRule": {
                "resource": "inspections",
                "filters": {"kind": ["overig"]},
                "sumField": "businessesInspected",
            },
            "target": {"value": 100, "per": "plan"},
        },
    ).raise_for_status()
    body = admin.get("/api/v1/progress?period=2023").json()
    assert indicator(body, "p1-integrale-controles")["actual"] == 12
    assert indicator(body, "p1-integrale-controles")["target"] == {"value": 100, "per": "plan"}


def test_list_filters_count_when_any_value_matches(db: Session, admin: ApiClient) -> None:
    add_record(
        db,
        "campaigns",
        kind="bewustwordingstraining",
        audiences=["ambtenaren", "wijkmanagers"],
        pillar="p2",
        starts_on=date(2023, 3, 1),
    )
    add_record(
        db,
        "campaigns",
        kind="bewustwordingstraining",
        audiences=["ambtenaren"],
        pillar="p2",
        starts_on=date(2023, 3, 2),
    )
    db.commit()
    body = admin.get("/api/v1/progress").json()
    assert indicator(body, "p2-bewustwordingstrainingen")["actual"] == 1
    # The same rule recounted by SQL on the records gives the same figure.
    admin.patch(
        "/api/v1/indicators/p2-bewustwordingstrainingen", json={"title": "Trainingen"}
    ).raise_for_status()
    admin.patch(
        "/api/v1/indicators/p2-bewustwordingstrainingen",
        json={
            "countingRule": {
                "resource": "campaigns",
                "filters": {
                    "kind": ["bewustwordingstraining"],
                    "audiences": ["handhaving", "wijkmanagers"],
                },
            }
        },
    ).raise_for_status()
    body = admin.get("/api/v1/progress").json()
    trainingen = indicator(body, "p2-bewustwordingstrainingen")
    assert (trainingen["actual"], trainingen["title"]) == (1, "Trainingen")
    assert trainingen["status"] == "achter"


def test_milestones_take_their_latest_update(admin: ApiClient, make_client: MakeClient) -> None:
    coordinator = make_client("coordinator")
    for day, status in (("2023-02-15", "gestart"), ("2023-06-01", "afgerond")):
        response = coordinator.post(
            "/api/v1/indicators/p2-apv-ondermijningsproof/updates",
            json={"date": day, "status": status, "note": "Het RIEC heeft geïnventariseerd."},
        )
        assert response.status_code == 201, response.text
        assert response.json()["indicator"] == "p2-apv-ondermijningsproof"
    body = admin.get("/api/v1/progress?from=2023-03-01&to=2023-04-30").json()
    apv = indicator(body, "p2-apv-ondermijningsproof")
    assert (apv["status"], apv["updates"], apv["actual"]) == ("gestart", [], None)
    body = admin.get("/api/v1/progress?period=2023").json()
    apv = indicator(body, "p2-apv-ondermijningsproof")
    assert apv["status"] == "afgerond"
    assert [u["status"] for u in apv["updates"]] == ["gestart", "afgerond"]
    assert apv["updates"][0]["note"] == "Het RIEC heeft geïnventariseerd."


def test_series_per_month(db: Session, make_client: MakeClient) -> None:
    for day in (date(2023, 1, 20), date(2023, 2, 17), date(2023, 4, 14)):
        add_record(db, "inspections", kind="integrale-controle", occurred_on=day)
    db.commit()
    partner = make_client("partner", "ozhz")
    response = partner.get(
        "/api/v1/progress/indicators/p1-integrale-controles/series?from=2023-01-01&to=2023-04-30"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interval"] == "month"
    assert [(p["period"], p["actual"], p["cumulativeActual"]) for p in body["points"]] == [
        ("2023-01", 1, 1),
        ("2023-02", 1, 2),
        ("2023-03", 0, 2),
        ("2023-04", 1, 3),
    ]
    assert body["points"][-1]["expected"] == pytest.approx(10 * 120 / 365)
    assert body["points"][0]["expected"] == pytest.approx(10 * 31 / 365)
    quarters = partner.get(
        "/api/v1/progress/indicators/p1-integrale-controles/series?interval=quarter"
    ).json()
    assert len(quarters["points"]) == 8
    assert quarters["points"][-1]["expected"] == pytest.approx(20)
    years = partner.get(
        "/api/v1/progress/indicators/p1-integrale-controles/series?interval=year&from=2023-07-01"
    ).json()
    assert [(p["period"], p["from"], p["to"]) for p in years["points"]] == [
        ("2023", "2023-07-01", "2023-12-31"),
        ("2024", "2024-01-01", "2024-12-31"),
    ]


def test_progress_as_csv(db: Session, make_client: MakeClient) -> None:
    add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 2, 1))
    db.commit()
    analyst = make_client("analyst")
    response = analyst.get(
        "/api/v1/progress?from=2023-01-01&to=2023-04-30", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "from,to,plan,groupBy,compare,pillarCode,pillarTitle,pillarSummaryCountIndicators,"
        "pillarSummaryOnSchedule,pillarSummaryMilestones,pillarSummaryCompleted,"
        "code,title,kind,theme,targetValue,targetPer,actual,expected,ratio,status,"
        "previousFrom,previousTo,previousActual,previousExpected"
    )
    assert lines[1].startswith(
        "2023-01-01,2023-04-30,2023-2024,,,p1,Het aanpakken van ondermijnende criminaliteit,"
    )
    assert ",p1-integrale-controles,Integrale bedrijvencontroles,count," in lines[1]
    assert ",10,year,1,3.287671,0.304167,achter,,,," in lines[1]
    assert len(lines) == 15
    weighted = analyst.get(
        "/api/v1/progress", headers={"Accept": "application/json;q=0.5, text/csv"}
    )
    assert weighted.headers["content-type"].startswith("text/csv")
    assert analyst.get("/api/v1/progress", headers={"Accept": "*/*"}).json()["plan"]


@pytest.mark.parametrize(
    ("query", "name", "code"),
    [
        ("from=2023-05-01&to=2023-04-30", "to", "before-from"),
        ("from=2023-13-01", "from", "date"),
        ("period=2023-Q7", "period", "pattern"),
        ("period=2023&from=2023-01-01", "period", "conflict"),
        ("from=2030-01-01", "from", "outside-plan"),
        ("plan=1999", "plan", "unknown-plan"),
    ],
)
def test_bad_windows_are_400(admin: ApiClient, query: str, name: str, code: str) -> None:
    response = admin.get(f"/api/v1/progress?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert {"name": name, "code": code}.items() <= response.json()["invalidParams"][0].items()


def test_not_acceptable_and_unknown_indicator(admin: ApiClient) -> None:
    response = admin.get("/api/v1/progress", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["available"] == [
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/svg+xml",
        "image/png",
    ]
    assert admin.get("/api/v1/progress/indicators/nope/series").status_code == 404
    milestone = admin.get("/api/v1/progress/indicators/p1-henneptrain/series")
    assert milestone.status_code == 400
    assert milestone.json()["invalidParams"][0]["code"] == "not-countable"
    interval = admin.get("/api/v1/progress/indicators/p1-drugsacties/series?interval=week")
    assert interval.status_code == 400


def test_roles(make_client: MakeClient, http: Any) -> None:
    assert http.get("/api/v1/progress").status_code == 401
    partner = make_client("partner", "sdd")
    assert partner.get("/api/v1/progress").status_code == 200
    assert partner.post("/api/v1/indicators", json={}).status_code == 403
    assert (
        partner.post(
            "/api/v1/indicators/p1-henneptrain/updates",
            json={"date": "2023-01-01", "status": "gestart"},
        ).status_code
        == 403
    )
    analyst = make_client("analyst")
    assert (
        analyst.patch("/api/v1/indicators/p1-henneptrain", json={"title": "x"}).status_code == 403
    )


def test_indicator_admin_refuses_bad_input_and_changes_nothing(
    db: Session, admin: ApiClient, restore_indicators: None
) -> None:
    before = admin.get("/api/v1/indicators").json()
    bad_rule = admin.post(
        "/api/v1/indicators",
        json={
            "code": "p1-nieuw",
            "pillar": "p9",
            "theme": "geen",
            "title": "Nieuw",
            "kind": "count",
            "countingRule": {
                "resource": "signals",
                "filters": {"description": ["x"], "channel": []},
                "sumField": "kvkNumber",
            },
        },
    )
    assert bad_rule.status_code == 400
    assert sorted(p["name"] for p in bad_rule.json()["invalidParams"]) == [
        "countingRule.filters.channel",
        "countingRule.filters.description",
        "countingRule.sumField",
        "pillar",
        "theme",
    ]
    missing_rule = admin.post(
        "/api/v1/indicators",
        json={"code": "p1-nieuw", "pillar": "p1", "title": "Nieuw", "kind": "count"},
    )
    assert missing_rule.status_code == 400
    unknown_resource = admin.post(
        "/api/v1/indicators",
        json={
            "code": "p1-nieuw",
            "pillar": "p1",
            "title": "Nieuw",
            "kind": "count",
            "countingRule": {"resource": "clients"},
            "extra": 1,
        },
    )
    assert unknown_resource.status_code == 400
    assert {p["name"] for p in unknown_resource.json()["invalidParams"]} >= {
        "countingRule.resource",
        "extra",
    }
    duplicate = admin.post(
        "/api/v1/indicators",
        json={"code": "p1-henneptrain", "pillar": "p1", "title": "Dubbel", "kind": "milestone"},
    )
    assert duplicate.status_code == 409
    wrong_type = admin.post(
        "/api/v1/indicators", content="code=x", headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    milestone_rule = admin.patch(
        "/api/v1/indicators/p1-henneptrain",
        json={"countingRule": {"resource": "signals"}, "title": None},
    )
    assert milestone_rule.status_code == 400
    assert {p["name"] for p in milestone_rule.json()["invalidParams"]} == {"countingRule", "title"}
    cleared = admin.patch("/api/v1/indicators/p1-drugsacties", json={"countingRule": None})
    assert cleared.status_code == 400
    assert admin.patch("/api/v1/indicators/nope", json={"title": "x"}).status_code == 404
    assert admin.get("/api/v1/indicators").json() == before
    update = admin.post(
        "/api/v1/indicators/p1-drugsacties/updates",
        json={"date": "2023-01-01", "status": "gestart"},
    )
    assert update.status_code == 400
    bad_status = admin.post(
        "/api/v1/indicators/p1-henneptrain/updates", json={"date": "2023-01-01", "status": "klaar"}
    )
    assert bad_status.status_code == 400
    assert rollup_rows(db) == 0


def test_new_indicator_counts_existing_records(db: Session, admin: ApiClient) -> None:
    add_record(db, "signals", channel="meld-misdaad-anoniem", received_on=date(2023, 2, 1))
    add_record(db, "signals", channel="meld-misdaad-anoniem", received_on=date(2023, 2, 1))
    add_record(db, "signals", channel="casusoverleg", received_on=date(2023, 2, 1))
    db.commit()
    response = admin.post(
        "/api/v1/indicators",
        json={
            "code": "p1-mma-meldingen",
            "pillar": "p1",
            "title": "Meldingen via Meld Misdaad Anoniem",
            "kind": "count",
            "target": {"value": 30, "per": "year"},
            "countingRule": {
                "resource": "signals",
                "filters": {"channel": ["meld-misdaad-anoniem"]},
            },
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/api/v1/indicators/p1-mma-meldingen"
    assert response.json()["pillar"] == "p1"
    body = admin.get("/api/v1/progress?period=2023-02").json()
    assert indicator(body, "p1-mma-meldingen")["actual"] == 2
    add_record(db, "signals", channel="meld-misdaad-anoniem", received_on=date(2023, 2, 3))
    db.commit()
    body = admin.get("/api/v1/progress?period=2023-02").json()
    assert indicator(body, "p1-mma-meldingen")["actual"] == 3
    assert indicator(body, "p1-mma-meldingen")["status"] == "op-schema"
