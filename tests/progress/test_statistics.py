"""GET /statistics/{resource}: GROUP BY in the database, windows, dateField, CSV, 400s, roles."""

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record


@pytest.fixture
def inspections(db: Session) -> None:
    add_record(
        db,
        "inspections",
        kind="integrale-controle",
        occurred_on=date(2023, 1, 20),
        businesses_inspected=6,
        sector="autobranche",
        neighbourhood="Binnenstad",
        findings="Vertrouwelijk",
    )
    add_record(
        db,
        "inspections",
        kind="integrale-controle",
        occurred_on=date(2023, 2, 17),
        businesses_inspected=5,
        partner="ozhz",
    )
    add_record(
        db,
        "inspections",
        kind="seksbranche-controle",
        occurred_on=date(2023, 4, 1),
        theme="mensenhandel-prostitutie",
    )
    add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2024, 2, 29))
    db.commit()


def test_counts_per_group_with_businesses(inspections: None, make_client: MakeClient) -> None:
    analyst = make_client("analyst")
    response = analyst.get(
        "/api/v1/statistics/inspections?from=2023-01-01&to=2023-04-30&groupBy=kind,month"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["resource"], body["from"], body["to"]) == (
        "inspections",
        "2023-01-01",
        "2023-04-30",
    )
    assert body["groups"] == [
        {"kind": "integrale-controle", "month": "2023-01", "count": 1, "businessesInspected": 6},
        {"kind": "integrale-controle", "month": "2023-02", "count": 1, "businessesInspected": 5},
        {"kind": "seksbranche-controle", "month": "2023-04", "count": 1, "businessesInspected": 0},
    ]
    assert (body["total"], body["businessesInspected"]) == (3, 11)
    assert "Vertrouwelijk" not in response.text


def test_without_window_everything_counts(inspections: None, admin: ApiClient) -> None:
    body = admin.get("/api/v1/statistics/inspections?groupBy=year,quarter").json()
    assert body["from"] is None
    assert body["groups"] == [
        {"year": "2023", "quarter": "2023-Q1", "count": 2, "businessesInspected": 11},
        {"year": "2023", "quarter": "2023-Q2", "count": 1, "businessesInspected": 0},
        {"year": "2024", "quarter": "2024-Q1", "count": 1, "businessesInspected": 0},
    ]
    total = admin.get("/api/v1/statistics/inspections").json()
    assert total["groups"] == [{"count": 4, "businessesInspected": 11}]
    assert total["total"] == 4
    by_partner = admin.get("/api/v1/statistics/inspections?groupBy=partner,theme,sector").json()
    assert {"partner": "ozhz", "theme": None, "sector": None, "count": 1} in [
        {k: v for k, v in g.items() if k != "businessesInspected"} for g in by_partner["groups"]
    ]


def test_signals_by_discussed_on_and_withdrawn_measures(db: Session, admin: ApiClient) -> None:
    add_record(
        db,
        "signals",
        channel="casusoverleg",
        received_on=date(2022, 12, 20),
        discussed_on=date(2023, 1, 10),
    )
    add_record(db, "signals", channel="casusoverleg", received_on=date(2023, 1, 5))
    add_record(db, "measures", kind="sluiting", decided_on=date(2023, 2, 1), status="ingetrokken")
    add_record(db, "measures", kind="sluiting", decided_on=date(2023, 2, 1), status="opgelegd")
    db.commit()
    received = admin.get("/api/v1/statistics/signals?period=2023-01&groupBy=channel").json()
    assert received["groups"] == [{"channel": "casusoverleg", "count": 1}]
    assert received["dateField"] == "receivedOn"
    discussed = admin.get(
        "/api/v1/statistics/signals?period=2023-01&groupBy=channel&dateField=discussedOn"
    ).json()
    assert discussed["groups"] == [{"channel": "casusoverleg", "count": 1}]
    assert admin.get("/api/v1/statistics/signals?dateField=discussedOn").json()["total"] == 1
    measures = admin.get("/api/v1/statistics/measures?groupBy=status").json()
    assert measures["groups"] == [{"status": "opgelegd", "count": 1}]
    assert measures["businessesInspected"] is None


def test_statistics_as_csv(inspections: None, admin: ApiClient) -> None:
    response = admin.get(
        "/api/v1/statistics/inspections?groupBy=kind&period=2023", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines() == [
        "from,to,resource,dateField,includeWithdrawn,kind,count,businessesInspected",
        "2023-01-01,2023-12-31,inspections,occurredOn,false,integrale-controle,2,11",
        "2023-01-01,2023-12-31,inspections,occurredOn,false,seksbranche-controle,1,0",
    ]


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/api/v1/statistics/inspections?groupBy=kind,description,colour", ["groupBy", "groupBy"]),
        ("/api/v1/statistics/campaigns?groupBy=neighbourhood", ["groupBy"]),
        ("/api/v1/statistics/measures?dateField=receivedOn", ["dateField"]),
        ("/api/v1/statistics/signals?from=2023-02-01&to=2023-01-01", ["to"]),
        ("/api/v1/statistics/signals?period=vorige-week", ["period"]),
    ],
)
def test_bad_input_is_400(admin: ApiClient, url: str, names: list[str]) -> None:
    response = admin.get(url)
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == names


def test_unknown_resource_is_404(admin: ApiClient) -> None:
    response = admin.get("/api/v1/statistics/clients")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_roles(make_client: MakeClient, http: Any) -> None:
    assert make_client("partner", "politie").get("/api/v1/statistics/signals").status_code == 403
    assert make_client("coordinator").get("/api/v1/statistics/signals").status_code == 403
    assert make_client("analyst").get("/api/v1/statistics/signals").status_code == 200
    assert http.get("/api/v1/statistics/signals").status_code == 401


def test_filters_take_several_values(inspections: None, admin: ApiClient) -> None:
    body = admin.get(
        "/api/v1/statistics/inspections?kind=integrale-controle&groupBy=sector&period=2023"
    ).json()
    assert body["filters"] == {"kind": ["integrale-controle"]}
    assert body["groups"] == [
        {"sector": "autobranche", "count": 1, "businessesInspected": 6},
        {"sector": None, "count": 1, "businessesInspected": 5},
    ]
    several = admin.get(
        "/api/v1/statistics/inspections?kind=integrale-controle,seksbranche-controle"
        "&partner=politie&theme=mensenhandel-prostitutie"
    ).json()
    assert (several["total"], several["groups"]) == (1, [{"count": 1, "businessesInspected": 0}])
    on_list = admin.get("/api/v1/statistics/inspections?confidentiality=geheim").json()
    assert on_list["total"] == 0


@pytest.fixture
def measures(db: Session) -> None:
    for status, kind in (
        ("opgelegd", "sluiting"),
        ("ingetrokken", "sluiting"),
        ("ingetrokken", "waarschuwing"),
        ("voornemen", "waarschuwing"),
    ):
        add_record(db, "measures", kind=kind, decided_on=date(2023, 3, 1), status=status)
    db.commit()


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("groupBy=status", {"opgelegd": 1, "voornemen": 1}),
        ("groupBy=status&includeWithdrawn=false", {"opgelegd": 1, "voornemen": 1}),
        ("groupBy=status&includeWithdrawn=true", {"ingetrokken": 2, "opgelegd": 1, "voornemen": 1}),
        ("groupBy=status&status=ingetrokken", {"ingetrokken": 2}),
        ("groupBy=status&status=opgelegd,ingetrokken", {"ingetrokken": 2, "opgelegd": 1}),
        ("groupBy=status&status=voornemen", {"voornemen": 1}),
        ("groupBy=status&kind=sluiting&includeWithdrawn=true", {"ingetrokken": 1, "opgelegd": 1}),
    ],
)
def test_withdrawn_measures_when_asked(
    measures: None, admin: ApiClient, query: str, groups: dict[str, int]
) -> None:
    body = admin.get(f"/api/v1/statistics/measures?{query}").json()
    assert {g["status"]: g["count"] for g in body["groups"]} == groups
    assert body["total"] == sum(groups.values())


def test_campaigns_by_audience_pillar_and_participants(db: Session, admin: ApiClient) -> None:
    add_record(
        db,
        "campaigns",
        starts_on=date(2023, 1, 24),
        audiences=["handhaving", "wijkmanagers"],
        pillar="p2",
        participants=20,
    )
    add_record(db, "campaigns", starts_on=date(2023, 3, 1), audiences=["burgers"], participants=100)
    add_record(db, "campaigns", starts_on=date(2023, 5, 1), audiences=[], participants=None)
    db.commit()
    body = admin.get("/api/v1/statistics/campaigns?groupBy=audiences&period=2023").json()
    assert body["groups"] == [
        {"audiences": "burgers", "count": 1, "participants": 100},
        {"audiences": "handhaving", "count": 1, "participants": 20},
        {"audiences": "wijkmanagers", "count": 1, "participants": 20},
        {"audiences": None, "count": 1, "participants": 0},
    ]
    assert (body["total"], body["participants"]) == (3, 120)
    internal = admin.get(
        "/api/v1/statistics/campaigns?audiences=handhaving,burgers&groupBy=pillar,year"
    ).json()
    assert internal["groups"] == [
        {"pillar": "p2", "year": "2023", "count": 1, "participants": 20},
        {"pillar": "p3", "year": "2023", "count": 1, "participants": 100},
    ]
    csv = admin.get(
        "/api/v1/statistics/campaigns?groupBy=pillar", headers={"Accept": "text/csv"}
    ).content.decode("utf-8-sig")
    # Each group's own sum; the report's total (120) is no column.
    assert csv.splitlines()[:2] == [
        "from,to,resource,dateField,includeWithdrawn,pillar,count,participants",
        ",,campaigns,startsOn,false,p2,1,20",
    ]


def test_group_by_confidentiality_and_filters_respect_the_ceiling(
    db: Session, make_client: MakeClient, admin: ApiClient
) -> None:
    for level in ("openbaar", "intern", "intern", "vertrouwelijk", "geheim"):
        add_record(
            db,
            "signals",
            received_on=date(2023, 2, 1),
            confidentiality=level,
            channel="casusoverleg",
        )
    db.commit()
    capped = make_client("analyst", maxConfidentiality="intern", name="capped")
    url = "/api/v1/statistics/signals?groupBy=confidentiality"
    assert capped.get(url).json()["groups"] == [
        {"confidentiality": "intern", "count": 2},
        {"confidentiality": "openbaar", "count": 1},
    ]
    assert {g["confidentiality"] for g in admin.get(url).json()["groups"]} == {
        "openbaar",
        "intern",
        "vertrouwelijk",
        "geheim",
    }
    above = capped.get("/api/v1/statistics/signals?confidentiality=geheim,vertrouwelijk").json()
    assert (above["total"], above["groups"]) == (0, [{"count": 0}])
    by_channel = capped.get("/api/v1/statistics/signals?channel=casusoverleg&groupBy=year").json()
    assert by_channel["groups"] == [{"year": "2023", "count": 3}]


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/api/v1/statistics/inspections?channel=casusoverleg", ["channel"]),
        ("/api/v1/statistics/campaigns?neighbourhood=Wielwijk", ["neighbourhood"]),
        ("/api/v1/statistics/measures?status=ingetrokken,weg&kind=sluiting", ["status"]),
        ("/api/v1/statistics/measures?status=&kind=brand", ["status", "kind"]),
        ("/api/v1/statistics/signals?confidentiality=topgeheim", ["confidentiality"]),
        ("/api/v1/statistics/campaigns?audiences=honden", ["audiences"]),
        ("/api/v1/statistics/measures?includeWithdrawn=misschien", ["includeWithdrawn"]),
        ("/api/v1/statistics/signals?period=this-week", ["period"]),
        ("/api/v1/statistics/inspections?groupBy=partners", ["groupBy"]),
    ],
)
def test_bad_filters_are_400(admin: ApiClient, url: str, names: list[str]) -> None:
    response = admin.get(url)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == names
