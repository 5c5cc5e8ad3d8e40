"""Acceptance: the letter's January to April 2023 results, posted through the public API
(partner events and records), give back every figure of the letter's terugblik, and the
progress the issue names."""

import json
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from app.reports.demo import LETTER_MILESTONE_UPDATES, LETTER_RECORDS, resolve_links
from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record

WINDOW = "from=2023-01-01&to=2023-04-30"

LETTER_FIGURES = {
    "p1": {
        "signalen-casusoverleg": 6,
        "meldingen-meld-misdaad-anoniem": 24,
        "integrale-controles": 3,
        "integrale-controles-bedrijven": 18,
        "integrale-controles-sector-autobranche": 1,
        "rapportages-drugs": 10,
        "sluitingen-drugs-softdrugs": 4,
        "sluitingen-drugs-harddrugs": 2,
        "waarschuwingen-drugs-softdrugs": 4,
        "lasten-onder-dwangsom-drugs-zonder-rapportage": 3,
        "rapportages-mensenhandel-prostitutie": 4,
        "sluitingen-mensenhandel-prostitutie": 1,
        "waarschuwingen-mensenhandel-prostitutie": 1,
        "lasten-onder-dwangsom-mensenhandel-prostitutie": 2,
        "inspecties-seksbranche-controle": 4,
    },
    "p2": {"bewustwordingstraining-2023-03": 1, "p2-apv-ondermijningsproof": "gestart"},
    "p3": {"bewustwordingsbijeenkomst-2023-01": 1},
}

LETTER_SENTENCES = {
    "p1": [
        "Er zijn zes nieuwe signalen van ondermijning besproken tijdens het casusoverleg.",
        "Er zijn vierentwintig ondermijning gerelateerde meldingen binnengekomen via "
        "Meld Misdaad Anoniem.",
        "Er hebben drie integrale controledagen plaatsgevonden waarbij achttien bedrijven zijn "
        "gecontroleerd.",
        "Eén van de drie controledagen was gericht op de autobranche.",
        "Er zijn tien bestuurlijke rapportages ontvangen met betrekking tot drugs. Als gevolg "
        "hiervan zijn vier (softdrugs) en twee (harddrugs) panden gesloten en vier (softdrugs) "
        "waarschuwingen gegeven.",
        "Er is drie keer een last onder dwangsom opgelegd met betrekking tot drugs.",
        "Er zijn vier bestuurlijke rapportages ontvangen met betrekking tot mensenhandel en "
        "prostitutie. Als gevolg hiervan is één pand gesloten, één waarschuwing gegeven en zijn "
        "twee lasten onder dwangsom opgelegd.",
        "Er zijn vier controles in de seksbranche uitgevoerd.",
    ],
    "p2": [
        "In maart is er één bewustwordingstraining verzorgd voor ambtenaren.",
        'In februari is "APV ondermijningsproof gemaakt" gestart. Het RIEC heeft op basis van '
        "de handreiking regionaal model APV geïnventariseerd welke stappen wij kunnen nemen om "
        "onze APV nog meer ondermijningsproof te maken. Deze inventarisatie is input voor een "
        "mogelijk aan de raad voor te stellen actualisatie van onze APV.",
    ],
    "p3": [
        # Motus organised it; the housing corporations took part (not co-organisers).
        "In januari is er samen met Motus één bewustwordingsbijeenkomst verzorgd waarbij "
        "woningcorporaties deel hebben genomen.",
    ],
}

PERSONAL_DATA = ["sigaretten", "Anonieme melding", "Bestuurlijke rapportage over drugs"]


EVENT_SOURCES = {"mma": "urn:nl:mma:meldingen", "politie": "urn:nl:politie:zhz:bvh"}
SINGULAR = {"signals": "signal", "bestuurlijke-rapportages": "bestuurlijke-rapportage"}


def post_letter(make_client: MakeClient) -> None:
    """Posts the letter's results as partners would: Meld Misdaad Anoniem's tips and the
    police's rapportages as CloudEvents batches from their own systems, the municipality's
    records and the milestone update through the record API as a coordinator."""
    coordinator = make_client("coordinator")
    record_ids: dict[str, str] = {}
    for partner, source in EVENT_SOURCES.items():
        client = make_client("partner", partner, eventSources=[source])
        batch = [
            {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": source,
                "type": f"nl.ondermijning.{SINGULAR[resource]}.created",
                "time": "2023-05-01T09:00:00Z",
                "subject": body["externalId"],
                "datacontenttype": "application/json",
                "data": {
                    key: value
                    for key, value in resolve_links(body, {}).items()
                    if key not in ("partner", "externalId")
                },
            }
            for resource, body in LETTER_RECORDS
            if body["partner"] == partner
        ]
        response = client.post(
            "/api/v1/events",
            content=json.dumps(batch),
            headers={"Content-Type": "application/cloudevents-batch+json"},
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert {r["status"] for r in results} == {"accepted"}, results
        for event, result in zip(batch, results, strict=True):
            record_ids[event["subject"]] = result["recordId"]
    for resource, body in LETTER_RECORDS:
        if body["partner"] in EVENT_SOURCES:
            continue
        response = coordinator.post(f"/api/v1/{resource}", json=resolve_links(body, record_ids))
        assert response.status_code == 201, (resource, body, response.text)
    for code, body in LETTER_MILESTONE_UPDATES:
        response = coordinator.post(f"/api/v1/indicators/{code}/updates", json=body)
        assert response.status_code == 201, response.text


def figures(pillar: dict[str, Any]) -> dict[str, Any]:
    return {figure["key"]: figure["value"] for figure in pillar["figures"]}


@pytest.fixture
def letter(make_client: MakeClient) -> ApiClient:
    post_letter(make_client)
    return make_client("analyst")


def test_terugblik_reproduces_the_letter(letter: ApiClient) -> None:
    response = letter.get(f"/api/v1/reports/terugblik?{WINDOW}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == ("2023-01-01", "2023-04-30")
    assert body["introduction"] == (
        "Over de eerste vier maanden van 2023 zijn de volgende resultaten te vermelden:"
    )
    pillars = {pillar["code"]: pillar for pillar in body["pillars"]}
    assert list(pillars) == ["p1", "p2", "p3"]
    for code, expected in LETTER_FIGURES.items():
        assert figures(pillars[code]) == expected, code
        assert pillars[code]["sentences"] == LETTER_SENTENCES[code], code
    for text in PERSONAL_DATA:
        assert text not in response.text


def test_progress_for_the_letter_window(letter: ApiClient) -> None:
    body = letter.get(f"/api/v1/progress?{WINDOW}").json()
    by_code = {i["code"]: i for p in body["pillars"] for i in p["indicators"]}
    controles = by_code["p1-integrale-controles"]
    assert controles["actual"] == 3
    assert controles["expected"] == pytest.approx(10 * 120 / 365)
    assert by_code["p1-controles-seksbranche"]["actual"] == 4
    assert by_code["p2-bewustwordingstrainingen"]["actual"] == 0
    assert by_code["p2-apv-ondermijningsproof"]["status"] == "gestart"
    assert by_code["p3-communicatiecampagnes"]["actual"] == 0


def test_terugblik_as_markdown(letter: ApiClient) -> None:
    response = letter.get(
        f"/api/v1/reports/terugblik?{WINDOW}", headers={"Accept": "text/markdown"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("## Terugblik\n\nOver de eerste vier maanden van 2023")
    assert (
        '1. Ten aanzien van de eerste pijler "Het aanpakken van ondermijnende criminaliteit":\n'
        "   - Er zijn zes nieuwe signalen van ondermijning besproken tijdens het casusoverleg.\n"
    ) in text
    assert '3. Ten aanzien van de derde pijler "Het versterken van de maatschappelijke' in text


def test_singular_and_an_empty_window(letter: ApiClient) -> None:
    body = letter.get("/api/v1/reports/terugblik?period=2023-03").json()
    assert body["introduction"] == "Over maart 2023 zijn de volgende resultaten te vermelden:"
    sentences = body["pillars"][0]["sentences"]
    assert "Er is één nieuw signaal van ondermijning besproken tijdens het casusoverleg." not in (
        sentences
    )
    assert "Er zijn twee nieuwe signalen van ondermijning besproken tijdens het casusoverleg." in (
        sentences
    )
    assert "Er heeft één integrale controledag plaatsgevonden waarbij zeven bedrijven zijn " in (
        " ".join(sentences)
    )
    assert "Er is één controle in de seksbranche uitgevoerd." in sentences
    quarter = letter.get("/api/v1/reports/terugblik?period=2023-Q1").json()
    assert quarter["introduction"].startswith("Over het eerste kwartaal van 2023")
    empty = letter.get("/api/v1/reports/terugblik?period=2024-06").json()
    assert all(p["sentences"] == [] for p in empty["pillars"])
    assert figures(empty["pillars"][0])["signalen-casusoverleg"] == 0
    markdown = letter.get(
        "/api/v1/reports/terugblik?period=2024-06", headers={"Accept": "text/markdown"}
    ).text
    assert "Er zijn over deze periode geen resultaten te vermelden." in markdown


def test_terugblik_input_and_roles(make_client: MakeClient) -> None:
    analyst = make_client("analyst")
    bad = analyst.get("/api/v1/reports/terugblik?from=2023-05-01&to=2023-01-01")
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "to"
    assert analyst.get("/api/v1/reports/terugblik?period=2023-Q9").status_code == 400
    assert analyst.get("/api/v1/reports/terugblik?plan=nope").status_code == 400
    assert (
        analyst.get("/api/v1/reports/terugblik", headers={"Accept": "text/csv"}).status_code == 406
    )
    partner = make_client("partner", "politie")
    assert partner.get("/api/v1/reports/terugblik").status_code == 403


def test_another_plan_with_other_pillar_codes_gets_its_own_terugblik(
    make_client: MakeClient, engine: Engine
) -> None:
    """Nothing is tied to the 2023-2024 plan's codes: a plan whose pillars are coded
    differently reports signals under its first pillar."""
    from datetime import date

    from sqlmodel import Session, delete

    from app.reference.models import Pillar, Plan

    with Session(engine) as session:
        plan = Plan(
            code="2025-2026",
            title="Uitvoeringsplan 2025-2026",
            starts_on=date(2025, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        session.add(plan)
        session.flush()
        for position, code in enumerate(("aanpak", "overheid", "samenleving"), start=1):
            session.add(Pillar(plan_id=plan.id, code=code, title=code.title(), position=position))
        session.commit()
    try:
        coordinator = make_client("coordinator", "politie")
        response = coordinator.post(
            "/api/v1/signals",
            json={"channel": "meld-misdaad-anoniem", "receivedOn": "2025-02-03"},
        )
        assert response.status_code == 201
        analyst = make_client("analyst")
        report = analyst.get(
            "/api/v1/reports/terugblik",
            params={"plan": "2025-2026", "from": "2025-01-01", "to": "2025-04-30"},
        ).json()
        assert [p["code"] for p in report["pillars"]] == ["aanpak", "overheid", "samenleving"]
        assert report["pillars"][0]["sentences"] == [
            "Er is één ondermijning gerelateerde melding binnengekomen via Meld Misdaad Anoniem."
        ]
    finally:
        with Session(engine) as session:
            plan_id = session.scalars(select(Plan.id).where(Plan.code == "2025-2026")).one()
            session.execute(delete(Pillar).where(Pillar.plan_id == plan_id))
            session.execute(delete(Plan).where(Plan.id == plan_id))
            session.commit()


def test_discussed_signals_and_tips(db: Session, make_client: MakeClient) -> None:
    """Discussed in the case meeting: `discussedOn` in the window, whatever the channel; MMA
    tips: received through Meld Misdaad Anoniem in the window; a discussed tip counts twice."""
    add_record(
        db,
        "signals",
        channel="partnermelding",
        received_on=date(2022, 12, 1),
        discussed_on=date(2023, 2, 1),
    )
    add_record(db, "signals", channel="casusoverleg", received_on=date(2023, 2, 3))
    add_record(
        db,
        "signals",
        channel="meld-misdaad-anoniem",
        received_on=date(2023, 2, 5),
        discussed_on=date(2023, 2, 20),
    )
    add_record(db, "signals", channel="meld-misdaad-anoniem", received_on=date(2023, 1, 30))
    db.commit()
    body = make_client("analyst").get("/api/v1/reports/terugblik?period=2023-02").json()
    first = body["pillars"][0]
    assert figures(first)["signalen-casusoverleg"] == 2
    assert figures(first)["meldingen-meld-misdaad-anoniem"] == 1
    assert first["sentences"][:2] == [
        "Er zijn twee nieuwe signalen van ondermijning besproken tijdens het casusoverleg.",
        "Er is één ondermijning gerelateerde melding binnengekomen via Meld Misdaad Anoniem.",
    ]


def test_measures_after_a_rapportage_outside_the_window_name_their_subject(
    db: Session, make_client: MakeClient
) -> None:
    earlier = add_record(
        db, "bestuurlijke-rapportages", theme="drugs", received_on=date(2022, 12, 10)
    )
    add_record(
        db,
        "measures",
        kind="sluiting",
        drug_category="softdrugs",
        decided_on=date(2023, 2, 10),
        rapportage_id=earlier.id,
        status="opgelegd",
    )
    add_record(
        db,
        "measures",
        kind="waarschuwing",
        decided_on=date(2023, 2, 11),
        rapportage_id=earlier.id,
        status="opgelegd",
    )
    db.commit()
    body = make_client("analyst").get("/api/v1/reports/terugblik?period=2023-02").json()
    first = body["pillars"][0]
    assert first["sentences"] == [
        "Naar aanleiding van eerder ontvangen bestuurlijke rapportages met betrekking tot drugs "
        "is één (softdrugs) pand gesloten en één waarschuwing gegeven."
    ]
    assert figures(first)["sluitingen-drugs-softdrugs-eerdere-rapportage"] == 1
    assert figures(first)["waarschuwingen-drugs-eerdere-rapportage"] == 1
    assert figures(first)["rapportages-drugs"] == 0


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("period=2022", "period"),
        ("period=2025-Q1", "period"),
        ("from=2025-01-01", "from"),
        ("to=2022-06-30", "to"),
        ("from=2022-01-01&to=2022-06-30", "to"),
        ("from=2025-01-01&to=2025-02-01", "from"),
    ],
)
@pytest.mark.parametrize(
    "path", ["reports/terugblik", "progress", "progress/indicators/p1-integrale-controles/series"]
)
def test_a_window_outside_the_plan_is_400_on_the_parameter_given(
    make_client: MakeClient, path: str, query: str, name: str
) -> None:
    response = make_client("analyst").get(f"/api/v1/{path}?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [
        (name, "outside-plan")
    ]


def test_campaigns_of_one_month_and_kind_merge_their_audiences_and_organisations(
    db: Session, make_client: MakeClient
) -> None:
    """Three campaigns in one month, of one kind and pillar, with different (and differently
    ordered) lists: one sentence, with every audience once in the vocabulary's order and
    every organisation once; an empty list adds nothing, and another month stays apart."""
    for audiences, organisations, day in (
        (["ondernemers", "burgers"], ["Motus"], date(2023, 3, 2)),
        (["burgers"], [], date(2023, 3, 20)),
        (["wijkmanagers", "ondernemers"], ["Motus", "Bouwens"], date(2023, 3, 31)),
        (["ambtenaren"], ["Elders"], date(2023, 4, 1)),
    ):
        add_record(
            db,
            "campaigns",
            kind="communicatiecampagne",
            pillar="p3",
            audiences=audiences,
            organisations=organisations,
            starts_on=day,
        )
    db.commit()
    body = make_client("analyst").get("/api/v1/reports/terugblik?period=2023-03").json()
    sentences = [s for p in body["pillars"] for s in p["sentences"] if s.startswith("In maart")]
    assert len(sentences) == 1, body
    assert "samen met Bouwens en Motus drie" in sentences[0]
    assert sentences[0].endswith("voor burgers, ondernemers en wijkmanagers.")
    assert "Elders" not in sentences[0]
    assert "ambtenaren" not in sentences[0]
