"""p50/p95 latency of the record lists and /subjects at N records (PostgreSQL, issue 13).

Loads N records with bench/generate_data.py (half of them name a business out of 50,000
KvK numbers and half an address, so one subject has a few records of each type), then
times requests through the whole app in process, as a partner and as a coordinator: page 1
and page 500 of `/signals` under every sort (page 500's cursor is made from the row at that
position, as the app would have handed it out), `q=` for a word, two words, a word prefix,
a postcode and a KvK number, two enum filters, `total=true`, and `/subjects` by KvK number and by
address (of subjects sampled from the loaded signals).

    python bench/lists.py --database-url postgresql://postgres@127.0.0.1:5432/bench_lists
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.access.schemas import ClientCreate  # noqa: E402
from app.access.service import create_client  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.pagination import encode_sorted_cursor  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.generate_data import DEFAULT_URL, WORDS, load  # noqa: E402

SORTS = {
    "receivedOn": "received_on",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "reference": "reference",
}
PAGE = 50


def sample_subjects(url: str, count: int = 200) -> list[tuple[str, str, str]]:
    """(KvK number, postcode, house number) of `count` signals the generator gave both."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT kvk_number, address ->> 'postcode', address ->> 'houseNumber' "
                "FROM signals TABLESAMPLE SYSTEM (1) REPEATABLE (7) "
                "WHERE kvk_number IS NOT NULL AND address IS NOT NULL LIMIT :count"
            ),
            {"count": count},
        ).all()
    engine.dispose()
    return [(kvk, postcode, number) for kvk, postcode, number in rows]


def page_500_cursor(url: str, partner: str | None, order: str) -> str:
    """The cursor after row 500 * PAGE of `/signals` in this order, as the app encodes it."""
    column = SORTS[order.removeprefix("-")]
    direction = "DESC" if order.startswith("-") else "ASC"
    where = "WHERE partner = :partner" if partner else ""
    engine = make_engine(url)
    with engine.connect() as connection:
        key, record_id = connection.execute(
            text(
                f"SELECT {column}, id FROM signals {where} ORDER BY {column} {direction}, "
                f"id {direction} OFFSET :offset LIMIT 1"
            ),
            {"partner": partner, "offset": 500 * PAGE - 1},
        ).one()
    engine.dispose()
    return encode_sorted_cursor(order, key, record_id)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def keys(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with Session(engine) as session:
        _, partner = create_client(
            session, ClientCreate(name="bench-partner", role="partner", partner="politie")
        )
        _, coordinator = create_client(
            session, ClientCreate(name="bench-coordinator", role="coordinator", partner="gemeente")
        )
        session.commit()
    engine.dispose()
    return {"partner": partner, "coordinator": coordinator}


def measure(url: str, requests: int, only: str = "") -> dict[str, tuple[float, float]]:
    rng = random.Random(7)
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    results: dict[str, list[float]] = {}
    cases: list[tuple[str, str, str]] = []  # (name, role, url)
    for role, partner in (("partner", "politie"), ("coordinator", None)):
        for name in SORTS if "sort" in only or not only else ():
            for order in (name, f"-{name}"):
                cases.append((f"page 1 sort={order}", role, f"/api/v1/signals?sort={order}"))
                cursor = page_500_cursor(url, partner, order)
                cases.append(
                    (
                        f"page 500 sort={order}",
                        role,
                        f"/api/v1/signals?sort={order}&cursor={cursor}",
                    )
                )
        cases.append(
            (
                "two enum filters",
                role,
                "/api/v1/signals?status=nieuw,doorgezet&channel=casusoverleg",
            )
        )
        cases.append(("total=true", role, "/api/v1/signals?total=true&status=nieuw"))
    subjects = sample_subjects(url)
    with TestClient(app) as http:
        for role, key in keys(url).items():
            headers = {"Authorization": f"Bearer {key}"}
            for name, case_role, path in cases:
                if case_role != role or only not in name:
                    continue
                for index in range(requests + 5):
                    started = time.perf_counter()
                    response = http.get(path, headers=headers)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    if index >= 5:
                        results.setdefault(f"{role:<11} {name}", []).append(elapsed)
            for index in range(requests + 5):
                kvk, postcode, house_number = rng.choice(subjects)
                lookups = {
                    "subjects kvkNumber": f"/api/v1/subjects?kvkNumber={kvk}",
                    "subjects address": (
                        f"/api/v1/subjects?postcode={postcode.replace(' ', '')}"
                        f"&houseNumber={house_number}"
                    ),
                    "q=<a word>": f"/api/v1/signals?q={rng.choice(WORDS)}",
                    "q=<two words>": f"/api/v1/signals?q={'+'.join(rng.sample(WORDS, 2))}",
                    "q=<a word prefix>": f"/api/v1/signals?q={rng.choice(WORDS)[:4]}",
                    "q=<a postcode>": f"/api/v1/signals?q={postcode.replace(' ', '+').lower()}",
                    "q=<a KvK number>": f"/api/v1/signals?q={kvk}",
                }
                for name, path in lookups.items():
                    if only not in name:
                        continue
                    started = time.perf_counter()
                    response = http.get(path, headers=headers)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    if index >= 5:
                        results.setdefault(f"{role:<11} {name}", []).append(elapsed)
    return {name: percentiles(samples) for name, samples in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--skip-load", action="store_true", help="time the loaded database")
    parser.add_argument("--only", default="", help="only the requests whose name has this")
    args = parser.parse_args()
    if not args.skip_load:
        timings: dict[str, Any] = load(args.database_url, args.records)
        print(f"loaded {args.records} records: COPY {timings['copy']:.1f} s", flush=True)
    print("| as / request | p50 ms | p95 ms |\n|---|---|---|")
    for name, (p50, p95) in measure(args.database_url, args.requests, args.only).items():
        print(f"| {name} | {p50 * 1000:.1f} | {p95 * 1000:.1f} |", flush=True)


if __name__ == "__main__":
    main()
