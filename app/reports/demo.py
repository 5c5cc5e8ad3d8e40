"""The results of January to April 2023 from the council letter of 23 May 2023, as the
records and milestone updates partners would register: demo data and acceptance fixture."""

from datetime import date, timedelta
from typing import Any

# (resource, body) in the order they are posted. Bodies are the API's POST bodies (SPEC §4);
# `partner` names the owning partner (posted by a coordinator). A measure's `rapportage` is
# the `externalId` of the rapportage it followed, resolved to `rapportageId` when loading.
Record = tuple[str, dict[str, Any]]


def _day(month: int, day: int) -> str:
    return date(2023, month, day).isoformat()


def _signals() -> list[Record]:
    records: list[Record] = []
    discussed = [(1, 12), (1, 26), (2, 9), (3, 9), (3, 23), (4, 20)]
    for number, (month, day) in enumerate(discussed, start=1):
        received = date(2023, month, day) - timedelta(days=10)
        records.append(
            (
                "signals",
                {
                    "externalId": f"casus-2023-{number:03d}",
                    "partner": "gemeente",
                    "channel": "casusoverleg",
                    "receivedOn": received.isoformat(),
                    "discussedOn": _day(month, day),
                    "subjectKind": "pand",
                    "theme": "ondermijnende-bedrijvigheid",
                    "status": "in-behandeling",
                    "description": "Signaal besproken in het casusoverleg.",
                },
            )
        )
    # Received in April, discussed in May: outside the letter's window by discussedOn.
    records.append(
        (
            "signals",
            {
                "externalId": "casus-2023-007",
                "partner": "gemeente",
                "channel": "casusoverleg",
                "receivedOn": _day(4, 25),
                "discussedOn": _day(5, 4),
                "theme": "drugs",
            },
        )
    )
    for number in range(24):
        records.append(
            (
                "signals",
                {
                    "externalId": f"mma-2023-{number + 1:03d}",
                    "partner": "mma",
                    "channel": "meld-misdaad-anoniem",
                    "receivedOn": (date(2023, 1, 3) + timedelta(days=5 * number)).isoformat(),
                    "theme": "drugs" if number % 2 else "ondermijnende-bedrijvigheid",
                    "description": "Anonieme melding.",
                },
            )
        )
    return records


def _inspections() -> list[Record]:
    controls = [
        (_day(1, 26), 6, "autobranche", "Grote hoeveelheid illegale sigaretten aangetroffen."),
        (_day(2, 23), 5, None, "Minderjarige bezorger bij een horecagelegenheid."),
        (_day(3, 30), 7, None, "Goederen die verband hielden met een hennepkwekerij."),
    ]
    records: list[Record] = [
        (
            "inspections",
            {
                "externalId": f"controle-2023-{number:03d}",
                "partner": "gemeente",
                "kind": "integrale-controle",
                "occurredOn": day,
                "sector": sector,
                "businessesInspected": businesses,
                "partners": ["gemeente", "politie", "ozhz", "sdd"],
                "theme": "ondermijnende-bedrijvigheid",
                "findings": findings,
            },
        )
        for number, (day, businesses, sector, findings) in enumerate(controls, start=1)
    ]
    for number, day in enumerate([_day(1, 18), _day(2, 15), _day(3, 15), _day(4, 19)], start=1):
        records.append(
            (
                "inspections",
                {
                    "externalId": f"seksbranche-2023-{number:03d}",
                    "partner": "gemeente",
                    "kind": "seksbranche-controle",
                    "occurredOn": day,
                    "partners": ["gemeente", "politie"],
                    "theme": "mensenhandel-prostitutie",
                },
            )
        )
    return records


def _rapportages_and_measures() -> list[Record]:
    records: list[Record] = []
    # Drugs: ten rapportages; four softdrug and two harddrug closures, four softdrug warnings.
    drug_measures = [("sluiting", "softdrugs")] * 4 + [("sluiting", "harddrugs")] * 2
    drug_measures += [("waarschuwing", "softdrugs")] * 4
    for number, (kind, category) in enumerate(drug_measures, start=1):
        external_id = f"br-drugs-2023-{number:03d}"
        received = date(2023, 1, 5) + timedelta(days=9 * number)
        records.append(
            (
                "bestuurlijke-rapportages",
                {
                    "externalId": external_id,
                    "partner": "politie",
                    "receivedOn": received.isoformat(),
                    "theme": "drugs",
                    "drugCategory": category,
                    "status": "afgehandeld",
                    "summary": "Bestuurlijke rapportage over drugs in een pand.",
                },
            )
        )
        records.append(
            (
                "measures",
                {
                    "externalId": f"maatregel-drugs-2023-{number:03d}",
                    "partner": "gemeente",
                    "kind": kind,
                    "legalBasis": "opiumwet-13b",
                    "drugCategory": category,
                    "decidedOn": (received + timedelta(days=7)).isoformat(),
                    "durationMonths": 3 if kind == "sluiting" else None,
                    "theme": "drugs",
                    "status": "opgelegd",
                    "rapportage": external_id,
                },
            )
        )
    # Three orders subject to penalty for drug dealing, not following a rapportage.
    for number, day in enumerate([_day(2, 2), _day(3, 2), _day(4, 6)], start=1):
        records.append(
            (
                "measures",
                {
                    "externalId": f"dwangsom-drugs-2023-{number:03d}",
                    "partner": "gemeente",
                    "kind": "last-onder-dwangsom",
                    "legalBasis": "apv",
                    "decidedOn": day,
                    "theme": "drugs",
                    "status": "opgelegd",
                },
            )
        )
    # Prostitution: four rapportages; one closure, one warning, two orders subject to penalty.
    for number, kind in enumerate(
        ["sluiting", "waarschuwing", "last-onder-dwangsom", "last-onder-dwangsom"], start=1
    ):
        external_id = f"br-prostitutie-2023-{number:03d}"
        received = date(2023, 1, 10) + timedelta(days=20 * number)
        records.append(
            (
                "bestuurlijke-rapportages",
                {
                    "externalId": external_id,
                    "partner": "politie",
                    "receivedOn": received.isoformat(),
                    "theme": "mensenhandel-prostitutie",
                    "status": "afgehandeld",
                },
            )
        )
        records.append(
            (
                "measures",
                {
                    "externalId": f"maatregel-prostitutie-2023-{number:03d}",
                    "partner": "gemeente",
                    "kind": kind,
                    "legalBasis": "apv",
                    "decidedOn": (received + timedelta(days=10)).isoformat(),
                    "theme": "mensenhandel-prostitutie",
                    "status": "opgelegd",
                    "rapportage": external_id,
                },
            )
        )
    # Withdrawn: never counts.
    records.append(
        (
            "measures",
            {
                "externalId": "maatregel-ingetrokken-2023-001",
                "partner": "gemeente",
                "kind": "sluiting",
                "legalBasis": "opiumwet-13b",
                "drugCategory": "softdrugs",
                "decidedOn": _day(3, 20),
                "theme": "drugs",
                "status": "ingetrokken",
            },
        )
    )
    return records


def _campaigns() -> list[Record]:
    return [
        (
            "campaigns",
            {
                "externalId": "bijeenkomst-vastgoed-2023",
                "partner": "gemeente",
                "kind": "bewustwordingsbijeenkomst",
                "title": "Misbruik en ondermijning in vastgoed",
                "audiences": ["woningcorporaties"],
                "organisations": ["Motus"],
                "startsOn": _day(1, 24),
                "theme": "vastgoed",
            },
        ),
        (
            "campaigns",
            {
                "externalId": "training-mensenhandel-2023",
                "partner": "gemeente",
                "kind": "bewustwordingstraining",
                "title": "Herkennen en melden van signalen van slachtoffers van mensenhandel",
                "audiences": ["ambtenaren"],
                "startsOn": _day(3, 16),
                "theme": "mensenhandel-prostitutie",
            },
        ),
    ]


LETTER_RECORDS: list[Record] = [
    *_signals(),
    *_inspections(),
    *_rapportages_and_measures(),
    *_campaigns(),
]

# (indicator code, body of POST /indicators/{code}/updates)
LETTER_MILESTONE_UPDATES: list[tuple[str, dict[str, Any]]] = [
    (
        "p2-apv-ondermijningsproof",
        {
            "date": _day(2, 20),
            "status": "gestart",
            "note": "Het RIEC heeft op basis van de handreiking regionaal model APV "
            "geïnventariseerd welke stappen wij kunnen nemen om onze APV nog meer "
            "ondermijningsproof te maken. Deze inventarisatie is input voor een mogelijk aan "
            "de raad voor te stellen actualisatie van onze APV.",
        },
    )
]


def resolve_links(body: dict[str, Any], rapportage_ids: dict[str, str]) -> dict[str, Any]:
    """The POST body, with a measure's `rapportage` externalId turned into `rapportageId`."""
    body = {key: value for key, value in body.items() if value is not None}
    rapportage = body.pop("rapportage", None)
    if rapportage is not None:
        body["rapportageId"] = rapportage_ids[rapportage]
    return body
