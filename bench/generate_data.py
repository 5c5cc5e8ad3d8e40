"""Bulk-loads N random records into a migrated PostgreSQL database with COPY, then fills the
progress rollups with the app's own rebuild (one INSERT … SELECT per count indicator), and
the statistics rollups (one per record type and group field).

    python bench/generate_data.py --records 1000000 \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_progress
"""

import argparse
import random
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import select
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.indicators.models import Indicator  # noqa: E402
from app.progress.rollups import rebuild_rollups  # noqa: E402
from app.progress.statistics_rollups import rebuild_statistics_rollups  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_progress"
FIRST_DAY = date(2019, 1, 1)
SHARES = {
    "signals": 0.40,
    "inspections": 0.20,
    "measures": 0.15,
    "bestuurlijke_rapportages": 0.15,
    "campaigns": 0.10,
}
PARTNERS = ["gemeente", "politie", "om", "sdd", "ozhz", "riec", "mma"]
THEMES = [
    None,
    "drugs",
    "mensenhandel-prostitutie",
    "ondermijnende-bedrijvigheid",
    "bedrijventerreinen",
    "binnenstad",
    "zorgfraude",
    "vastgoed",
    "witwassen",
]
NEIGHBOURHOODS = [None, *(f"Wijk {n}" for n in range(1, 31))]
# Searchable text (`q=`, bench/lists.py): a description of eight words from this list, and
# for half the records a business (KvK number) and an address out of pools small enough
# that one subject has several records.
WORDS = (  # noqa: SIM905 - a sentence reads better than 100 quoted words
    "contant geld betalingen café horeca woning pand bedrijf garagebox loods hennep "
    "kwekerij drugs opslag overlast bezoekers nacht auto's handel witwassen vastgoed "
    "huurder verhuurder eigenaar stroom verbruik lucht geur ramen dicht geblindeerd "
    "kapsalon nagelstudio shishalounge belwinkel autohandel garage loods schuur "
    "bewoners wisselend arbeidsmigranten uitbuiting prostitutie massagesalon sluiting "
    "waarschuwing controle inspectie melding buurt binnenstad haven industrieterrein "
    "container vrachtwagen bestelbus scooter transport nieuw geopend zaak omzet "
    "administratie boekhouding stroman katvanger lening contract koop verkoop "
    "coördinatie signaal politie gemeente belastingdienst omgevingsdienst verdacht "
    "opvallend veel weinig klanten personeel zwart geld kluis wapens explosief "
    "vuurwerk chemisch afval dumping vaten lab productie synthetisch pillen poeder "
    "voorraad verpakking weegschaal telefoon camera's beveiliging hond bewaking"
).split()
STREETS = [
    "Voorstraat", "Wijnstraat", "Spuiweg", "Groenmarkt", "Bagijnhof", "Nieuwstraat",
    "Singel", "Vest", "Merwedestraat", "Krispijnseweg", "Brouwersdijk", "Dubbeldamseweg",
    "Reeweg", "Laan der Verenigde Naties", "Karel Doormanweg", "Zuidendijk",
    "Copernicusweg", "Mijlweg", "Kilweg", "Baanhoek",
]  # fmt: skip
KVK_NUMBERS = 50_000
POSTCODES = [f"{n} {a}{b}" for n in range(3300, 3330) for a in "ABCDEGHJ" for b in "ABEHKLNPRSTX"]
COMMON = [
    "id",
    "reference",
    "partner",
    "theme",
    "confidentiality",
    "created_at",
    "updated_at",
    "version",
]
COLUMNS = {
    "signals": [
        *COMMON,
        "channel",
        "received_on",
        "discussed_on",
        "subject_kind",
        "neighbourhood",
        "status",
        "kvk_number",
        "address",
        "description",
    ],
    "inspections": [
        *COMMON,
        "kind",
        "occurred_on",
        "sector",
        "businesses_inspected",
        "neighbourhood",
        "partners",
    ],
    "measures": [
        *COMMON,
        "kind",
        "legal_basis",
        "drug_category",
        "decided_on",
        "status",
        "kvk_number",
        "address",
        "description",
    ],
    "bestuurlijke_rapportages": [
        *COMMON,
        "received_on",
        "drug_category",
        "status",
        "kvk_number",
        "address",
        "summary",
    ],
    "campaigns": [*COMMON, "kind", "title", "audiences", "pillar", "starts_on", "organisations"],
}


def _registered(number: int, count: int, now: datetime) -> datetime:
    """When row `number` of `count` was registered: rows arrive in order, evenly spread from
    the first day until now, as a real table fills (so its heap is in creation order)."""
    first = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, 8, tzinfo=UTC)
    return first + (now - first) * (number / count)


def _id(at: datetime, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 for that moment, as `app.db.new_id` makes them (time-ordered)."""
    milliseconds = int(at.timestamp() * 1000)
    return uuid.UUID(
        int=(milliseconds << 80)
        | (0x7 << 76)
        | (rng.getrandbits(12) << 64)
        | (0b10 << 62)
        | rng.getrandbits(62)
    )


def _subject(rng: random.Random) -> tuple[object, ...]:
    """A KvK number and a JSON address (each for half the records) and eight words."""
    kvk = f"{10_000_000 + rng.randrange(KVK_NUMBERS)}" if rng.random() < 0.5 else None
    address = None
    if rng.random() < 0.5:
        street, postcode = rng.choice(STREETS), rng.choice(POSTCODES)
        address = (
            f'{{"street": "{street}", "houseNumber": "{rng.randrange(1, 200)}", '
            f'"postcode": "{postcode}", "city": "Dordrecht"}}'
        )
    return kvk, address, " ".join(rng.choices(WORDS, k=8)).capitalize() + "."


def _row(
    table: str, number: int, count: int, rng: random.Random, now: datetime
) -> tuple[object, ...]:
    """Row `number` of `count`: registered in turn (`_registered`), about a record whose
    date lies up to two weeks before; half of the records were changed later."""
    created = _registered(number, count, now)
    updated = (
        created
        if rng.random() < 0.5
        else min(now, created + timedelta(hours=rng.randrange(1, 2000)))
    )
    common = (
        _id(created, rng),
        f"B{table[:3].upper()}-{number:09d}",
        rng.choice(PARTNERS),
        rng.choice(THEMES),
        "vertrouwelijk",
        created,
        updated,
        1,
    )
    day = max(FIRST_DAY, created.date() - timedelta(days=rng.randrange(14)))
    if table == "signals":
        channel = rng.choice(
            ["casusoverleg", "meld-misdaad-anoniem", "partnermelding", "burgermelding"]
        )
        discussed = day + timedelta(days=rng.randrange(30)) if channel == "casusoverleg" else None
        return (
            *common,
            channel,
            day,
            discussed,
            rng.choice(["bedrijf", "pand", "persoon", "onbekend"]),
            rng.choice(NEIGHBOURHOODS),
            rng.choice(["nieuw", "in-behandeling", "doorgezet", "afgesloten"]),
            *_subject(rng),
        )
    if table == "inspections":
        return (
            *common,
            rng.choice(
                [
                    "integrale-controle",
                    "seksbranche-controle",
                    "garagebox-controle",
                    "bedrijfsverzamelgebouw-controle",
                    "wijkgerichte-drugsactie",
                    "overig",
                ]
            ),
            day,
            rng.choice([None, "autobranche", "horeca", "detailhandel"]),
            rng.randrange(0, 25),
            rng.choice(NEIGHBOURHOODS),
            '["gemeente", "politie"]',
        )
    if table == "measures":
        return (
            *common,
            rng.choice(["sluiting", "waarschuwing", "last-onder-dwangsom", "overig"]),
            rng.choice(["opiumwet-13b", "apv", "gemeentewet-174a"]),
            rng.choice([None, "softdrugs", "harddrugs"]),
            day,
            rng.choice(["voornemen", "opgelegd", "in-bezwaar", "uitgevoerd", "ingetrokken"]),
            *_subject(rng),
        )
    if table == "bestuurlijke_rapportages":
        return (
            *common,
            day,
            rng.choice([None, "softdrugs", "harddrugs"]),
            rng.choice(["ontvangen", "in-behandeling", "afgehandeld"]),
            *_subject(rng),
        )
    audiences = rng.sample(
        ["burgers", "ondernemers", "ambtenaren", "handhaving", "wijkmanagers"], rng.randint(1, 3)
    )
    return (
        *common,
        rng.choice(["communicatiecampagne", "bewustwordingstraining", "bewustwordingsbijeenkomst"]),
        "Campagne",
        "[" + ", ".join(f'"{a}"' for a in audiences) + "]",
        rng.choice(["p2", "p3"]),
        day,
        "[]",
    )


def migrate(url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


def _copy(conninfo: str, table: str, count: int, seed: int, now: datetime) -> None:
    rng = random.Random(f"{seed}-{table}")
    columns = ", ".join(COLUMNS[table])
    with psycopg.connect(conninfo) as connection:
        # Bulk load of rows valid by construction: skip the per-row foreign-key triggers.
        connection.execute("SET session_replication_role = replica")
        connection.execute("SET synchronous_commit = off")
        with connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for number in range(count):
                copy.write_row(_row(table, number, count, rng, now))
        connection.commit()


def load(url: str, records: int, seed: int = 1) -> dict[str, float]:
    """Empties the record tables, COPYs `records` rows in (a connection per table, in
    parallel), rebuilds the rollups and vacuums; returns the timings."""
    migrate(url)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as connection:
        connection.execute(
            "TRUNCATE progress_rollups, statistics_rollups, rapportage_signals, "
            "inspection_signals, signals, inspections, measures, bestuurlijke_rapportages, "
            "campaigns"
        )
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(SHARES)) as pool:
        futures = [
            pool.submit(_copy, conninfo, table, int(records * share), seed, now)
            for table, share in SHARES.items()
        ]
        for future in futures:
            future.result()
    timings["copy"] = time.perf_counter() - started
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        for indicator in session.scalars(select(Indicator).where(Indicator.kind == "count")):
            rebuild_rollups(session, indicator)
        session.commit()
        rebuild_statistics_rollups(session)
        session.commit()
    timings["rollups"] = time.perf_counter() - started
    engine.dispose()
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    timings["vacuum"] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    timings = load(args.database_url, args.records)
    print(
        f"{args.records} records: COPY {timings['copy']:.1f} s, rollups "
        f"{timings['rollups']:.1f} s, VACUUM ANALYZE {timings['vacuum']:.1f} s"
    )


if __name__ == "__main__":
    main()
