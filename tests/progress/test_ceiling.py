"""SPEC §6: aggregates respect the caller's ceiling. For an analyst capped at `intern`,
records above it do not exist in progress, series, statistics and the terugblik either:
not in counts, not in group keys, not in any sentence."""

from datetime import date

from sqlmodel import Session

from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record


def _records(db: Session) -> None:
    for day, level in ((date(2023, 2, 1), "intern"), (date(2023, 2, 8), "geheim")):
        add_record(
            db,
            "inspections",
            kind="integrale-controle",
            occurred_on=day,
            confidentiality=level,
            sector="autobranche" if level == "intern" else "Geheime Sector",
            neighbourhood="Wielwijk" if level == "intern" else "Geheime Wijk",
            businesses_inspected=3,
        )
    add_record(
        db,
        "campaigns",
        kind="communicatiecampagne",
        pillar="p3",
        starts_on=date(2023, 3, 1),
        confidentiality="geheim",
        organisations=["Geheime Stichting"],
        audiences=["burgers"],
    )
    db.commit()


def _actual(body: dict, code: str) -> int:
    return next(
        entry["actual"]
        for pillar in body["pillars"]
        for entry in pillar["indicators"]
        if entry["code"] == code
    )


def test_a_capped_analyst_counts_only_what_it_may_see(
    db: Session, make_client: MakeClient, admin: ApiClient
) -> None:
    _records(db)
    capped = make_client("analyst", maxConfidentiality="intern", name="capped")
    window = "from=2023-01-01&to=2023-04-30"

    everything = admin.get(f"/api/v1/progress?{window}").json()
    assert _actual(everything, "p1-integrale-controles") == 2
    assert _actual(everything, "p3-communicatiecampagnes") == 1
    seen = capped.get(f"/api/v1/progress?{window}").json()
    assert _actual(seen, "p1-integrale-controles") == 1
    assert _actual(seen, "p3-communicatiecampagnes") == 0

    series = capped.get(
        f"/api/v1/progress/indicators/p1-integrale-controles/series?{window}&interval=quarter"
    ).json()
    assert [point["actual"] for point in series["points"]][:1] == [1]

    statistics = capped.get(f"/api/v1/statistics/inspections?{window}&groupBy=neighbourhood,sector")
    assert statistics.status_code == 200, statistics.text
    assert statistics.json()["total"] == 1
    assert statistics.json()["businessesInspected"] == 3
    assert "Geheim" not in statistics.text
    assert "Geheim" in admin.get(f"/api/v1/statistics/inspections?{window}&groupBy=sector").text

    lookback = capped.get(
        f"/api/v1/reports/terugblik?{window}", headers={"Accept": "text/markdown"}
    )
    assert lookback.status_code == 200, lookback.text
    assert "Geheim" not in lookback.text
    assert "één integrale controledag" in lookback.text
    full = admin.get(f"/api/v1/reports/terugblik?{window}", headers={"Accept": "text/markdown"})
    assert "Geheime Stichting" in full.text
    assert "twee integrale controledagen" in full.text
