"""p50/p95 latency of the record lists a screen asks for, at 1M records (PostgreSQL).

Loads the records with bench/generate_data.py (unless `--no-load`), then times requests to
`GET /api/v1/signals` (the largest table, 400k of the 1M) and `GET /api/v1/subjects`
through the whole app in process (authentication, routing, JSON), as a partner (politie)
and as a coordinator (gemeente, every partner's records): page 1 and page 500 under each
sort order, `q=` for a word, a postcode and a KvK number, enum filters, `total=true`, and
subjects by KvK number and by address. A case the server answers with 4xx (a parameter this
version does not have yet) is reported as "not available" and skipped.

    python bench/lists.py --database-url postgresql://postgres@127.0.0.1:5432/bench_search
"""

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.access.schemas import ClientCreate  # noqa: E402
from app.access.service import create_client  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.generate_data import DEFAULT_URL, WORDS, load  # noqa: E402
from bench.progress_latency import percentiles  # noqa: E402

SIGNALS = "/api/v1/signals"
SUBJECTS = "/api/v1/subjects"
# SPEC §4.1: the record's date field, createdAt, updatedAt, reference, either way.
SORTS = [
    None,
    "-createdAt",
    "createdAt",
    "receivedOn",
    "-receivedOn",
    "updatedAt",
    "-updatedAt",
    "reference",
    "-reference",
]
DEEP_PAGE = 500
ROLES = {"partner": ("partner", "politie"), "coordinator": ("coordinator", "gemeente")}

Params = Callable[[random.Random], dict[str, str]]


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    params: Params
    page: int = 1


@dataclass(frozen=True)
class Samples:
    """Values that occur in the loaded data, to search and look up by."""

    kvk_numbers: list[str]
    addresses: list[tuple[str, str]]  # (postcode, house number)


def _fixed(**params: str) -> Params:
    return lambda _rng: dict(params)


def cases(samples: Samples) -> list[Case]:
    found: list[Case] = []
    for sort in SORTS:
        params = {"sort": sort} if sort else {}
        label = f"sort={sort}" if sort else "default order"
        found.append(Case(f"page 1, {label}", SIGNALS, _fixed(**params)))
        found.append(Case(f"page {DEEP_PAGE}, {label}", SIGNALS, _fixed(**params), DEEP_PAGE))
    found += [
        Case("q=<a word>", SIGNALS, lambda rng: {"q": rng.choice(WORDS)}),
        Case("q=<two words>", SIGNALS, lambda rng: {"q": " ".join(rng.sample(WORDS, 2))}),
        Case("q=<a word prefix>", SIGNALS, lambda rng: {"q": rng.choice(WORDS)[:4]}),
        Case(
            "q=<a postcode>",
            SIGNALS,
            lambda rng: {"q": rng.choice(samples.addresses)[0].replace(" ", "")},
        ),
        Case("q=<a KvK number>", SIGNALS, lambda rng: {"q": rng.choice(samples.kvk_numbers)}),
        Case("status=in-behandeling", SIGNALS, _fixed(status="in-behandeling")),
        Case(
            "status=nieuw&channel=casusoverleg",
            SIGNALS,
            _fixed(status="nieuw", channel="casusoverleg"),
        ),
        Case("status=nieuw,in-behandeling", SIGNALS, _fixed(status="nieuw,in-behandeling")),
        Case("total=true", SIGNALS, _fixed(total="true")),
        Case(
            "total=true&status=nieuw",
            SIGNALS,
            _fixed(total="true", status="nieuw"),
        ),
        Case(
            "subjects?kvkNumber=",
            SUBJECTS,
            lambda rng: {"kvkNumber": rng.choice(samples.kvk_numbers)},
        ),
        Case(
            "subjects?postcode=&houseNumber=",
            SUBJECTS,
            lambda rng: dict(
                zip(("postcode", "houseNumber"), rng.choice(samples.addresses), strict=True)
            ),
        ),
    ]
    return found


def sample(url: str, size: int = 500) -> Samples:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        kvk = connection.execute(
            "SELECT kvk_number FROM signals WHERE kvk_number IS NOT NULL ORDER BY id LIMIT %s",
            (size,),
        ).fetchall()
        addresses = connection.execute(
            "SELECT address ->> 'postcode', address ->> 'houseNumber' FROM signals "
            "WHERE address IS NOT NULL ORDER BY id LIMIT %s",
            (size,),
        ).fetchall()
    return Samples([row[0] for row in kvk], [(row[0], row[1]) for row in addresses])


def _key(url: str, role: str, partner: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        data = ClientCreate.model_validate(
            {"name": f"bench-lists-{role}-{time.time_ns()}", "role": role, "partner": partner}
        )
        _client, key = create_client(session, data)
        session.commit()
    engine.dispose()
    return key


def _page_cursor(http: TestClient, headers: dict[str, str], case: Case) -> Any:
    """The cursor of the case's page, by walking there; a status code when refused, or
    None when there are fewer pages."""
    params = case.params(random.Random(0))
    cursor = None
    for _page in range(case.page - 1):
        response = http.get(case.path, params={**params, **cursor_param(cursor)}, headers=headers)
        if response.status_code != 200:
            return response.status_code
        cursor = response.json()["nextCursor"]
        if cursor is None:
            return None
    return cursor


def cursor_param(cursor: str | None) -> dict[str, str]:
    return {"cursor": cursor} if cursor else {}


def run_case(
    http: TestClient, headers: dict[str, str], case: Case, requests: int, seed: int
) -> tuple[float, float] | str:
    cursor: Any = None
    if case.page > 1:
        cursor = _page_cursor(http, headers, case)
        if isinstance(cursor, int):
            return f"not available ({cursor})"
        if cursor is None:
            return f"fewer than {case.page} pages"
    rng = random.Random(seed)
    samples: list[float] = []
    for number in range(requests + 5):
        params = {**case.params(rng), **cursor_param(cursor)}
        started = time.perf_counter()
        response = http.get(case.path, params=params, headers=headers)
        elapsed = time.perf_counter() - started
        if 400 <= response.status_code < 500:
            return f"not available ({response.status_code})"
        assert response.status_code == 200, response.text
        if number >= 5:  # warm-up
            samples.append(elapsed)
    return percentiles(samples)


def _cell(result: tuple[float, float] | str) -> str:
    if isinstance(result, str):
        return result
    p50, p95 = result
    return f"{p50 * 1000:.1f} / {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--no-load", action="store_true", help="use the records already there")
    parser.add_argument("--only", default="", help="run the cases whose name holds this")
    args = parser.parse_args()
    if not args.no_load:
        timings = load(args.database_url, args.records)
        print(f"loaded {args.records} records: {timings}", flush=True)
    keys = {name: _key(args.database_url, *role) for name, role in ROLES.items()}
    app = create_app(Settings(database_url=args.database_url, log_level="WARNING"))
    selected = [case for case in cases(sample(args.database_url)) if args.only in case.name]
    print(f"| case | {' | '.join(f'{role} p50 / p95' for role in ROLES)} |")
    print(f"|---|{'---|' * len(ROLES)}")
    with TestClient(app) as http:
        for index, case in enumerate(selected):
            cells = [
                _cell(
                    run_case(http, {"Authorization": f"Bearer {key}"}, case, args.requests, index)
                )
                for key in keys.values()
            ]
            print(f"| {case.name} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
