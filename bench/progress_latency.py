"""p50/p95 latency of GET /progress, /statistics and /reports/terugblik (PostgreSQL).

Loads each size with bench/generate_data.py (or, with --no-load, uses what is there), then
times requests through the whole app (authentication, routing, JSON) in process, with random
windows, groupings and filters:

    python bench/progress_latency.py --sizes 1000000 \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_figures
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.access.schemas import ClientCreate  # noqa: E402
from app.access.service import create_client  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.generate_data import DEFAULT_URL, load  # noqa: E402

RESOURCES = ["signals", "inspections", "measures", "bestuurlijke-rapportages", "campaigns"]
GROUPS = {
    "signals": ["channel", "status", "channel,month", "neighbourhood", "partner,year"],
    "inspections": ["kind", "kind,quarter", "neighbourhood", "sector,month"],
    "measures": ["kind,drugCategory", "status", "legalBasis,year"],
    "bestuurlijke-rapportages": ["theme", "drugCategory,month"],
    "campaigns": ["kind,pillar", "pillar,quarter", "audiences", "confidentiality"],
}
# The list filters analysts use (SPEC §6), with a grouping each.
FILTERED = {
    "signals": ["channel=casusoverleg,meld-misdaad-anoniem&groupBy=month", "status=nieuw"],
    "inspections": ["kind=integrale-controle&groupBy=sector", "partner=politie&groupBy=kind"],
    "measures": [
        "kind=sluiting&groupBy=drugCategory",
        "status=opgelegd,ingetrokken&groupBy=status",
        "includeWithdrawn=true&groupBy=status,year",
    ],
    "bestuurlijke-rapportages": ["drugCategory=softdrugs&groupBy=theme"],
    "campaigns": ["audiences=burgers,ondernemers&groupBy=audiences", "kind=communicatiecampagne"],
}
PERIODS_IN_PLAN = ["2023", "2024", "2023-Q2", "2024-Q4", "2024-02", "2023-01"]


def random_window(rng: random.Random) -> str:
    """No window, a period, or from/to that overlaps the plan (2023-2024) at least partly."""
    choice = rng.random()
    if choice < 0.25:
        return ""
    if choice < 0.5:
        return f"period={rng.choice(['2023', '2024', '2023-Q2', '2024-Q4', '2024-02'])}"
    start = date(2022, 10, 1) + timedelta(days=rng.randrange(800))
    end = max(start + timedelta(days=rng.randrange(1, 400)), date(2023, 1, 31))
    return f"from={start.isoformat()}&to={end.isoformat()}"


def plan_window(rng: random.Random) -> str:
    """A window inside the plan (the terugblik refuses one outside it)."""
    if rng.random() < 0.5:
        return f"period={rng.choice(PERIODS_IN_PLAN)}"
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    end = min(start + timedelta(days=rng.randrange(1, 400)), date(2024, 12, 31))
    return f"from={start.isoformat()}&to={end.isoformat()}"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(url: str, requests: int, seed: int = 7) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    with Session(engine) as session:
        _client, key = create_client(session, ClientCreate(name="bench", role="analyst"))
        session.commit()
    engine.dispose()
    rng = random.Random(seed)
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    results: dict[str, list[float]] = {
        "progress": [],
        "progress-analysis": [],
        "statistics": [],
        "statistics-all": [],
        "statistics-filtered": [],
        "terugblik": [],
    }
    with TestClient(app) as http:
        headers = {"Authorization": f"Bearer {key}"}

        def timed(name: str, path: str) -> None:
            started = time.perf_counter()
            response = http.get(path, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (path, response.text)
            results[name].append(elapsed)

        for _warm_up in range(20):
            http.get("/api/v1/progress", headers=headers)
            http.get("/api/v1/statistics/signals?groupBy=channel", headers=headers)
            http.get("/api/v1/reports/terugblik?period=2023", headers=headers)
        for _ in range(requests):
            timed("progress", f"/api/v1/progress?{random_window(rng)}")
            analysis = rng.choice(["groupBy=partner", "groupBy=theme", "compare=previous-year"])
            timed("progress-analysis", f"/api/v1/progress?{plan_window(rng)}&{analysis}")
            resource = rng.choice(RESOURCES)
            group_by = rng.choice(GROUPS[resource])
            window = random_window(rng)
            timed(
                "statistics" if window else "statistics-all",
                f"/api/v1/statistics/{resource}?groupBy={group_by}&{window}",
            )
            resource = rng.choice(RESOURCES)
            filters = rng.choice(FILTERED[resource])
            timed(
                "statistics-filtered",
                f"/api/v1/statistics/{resource}?{filters}&{random_window(rng)}",
            )
            timed("terugblik", f"/api/v1/reports/terugblik?{plan_window(rng)}")
    return {name: percentiles(samples) for name, samples in results.items() if samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--no-load", action="store_true", help="Measure the records already loaded."
    )
    args = parser.parse_args()
    report = {}
    for size in (int(s) for s in args.sizes.split(",")):
        if not args.no_load:
            timings = load(args.database_url, size)
            print(
                f"loaded {size} records: COPY {timings['copy']:.1f} s, "
                f"rollups {timings['rollups']:.1f} s, VACUUM ANALYZE {timings['vacuum']:.1f} s",
                flush=True,
            )
        report[size] = measure(args.database_url, args.requests)
        print("| request | p50 | p95 |\n|---|---|---|")
        for name, (p50, p95) in report[size].items():
            print(f"| {name} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms |", flush=True)
    sizes = sorted(report)
    if len(sizes) >= 2:
        small, large = report[sizes[0]]["progress"][1], report[sizes[-1]]["progress"][1]
        print(f"progress p95 grows {large / small:.2f}x from {sizes[0]} to {sizes[-1]} records")


if __name__ == "__main__":
    main()
