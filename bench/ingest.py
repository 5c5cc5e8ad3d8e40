"""Event ingest against a tutorial-style reference, in one run on PostgreSQL (issue 5).

    python -m bench.ingest [--duration 20] [--rounds 3] [--connections 32]

Makes the databases `bench_events` and `bench_reference` afresh, migrates the first, makes a
partner client with an event source, starts each app with two Granian workers (app.serve), and
drives them with `wrk` (C, two threads, Lua scripts that give every event a new id and
subject), the same load generator for both:

1. reference: `POST /signals` on bench/reference_app.py, one row per request;
2. single: `POST /api/v1/events`, one `nl.ondermijning.signal.created` per request, with
   authentication, envelope and record validation, inbox claim, record, audit, rollups;
   1 and 2 in turns, `--rounds` times, and the ratio of their means is reported;
3. batch: `POST /api/v1/events`, 100 events per request.

It checks afterwards that the database holds exactly what was answered (one record and one
inbox row per accepted event), and prints the figures as a Markdown table.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "urn:nl:bench:events"

SINGLE_LUA = r"""
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  counter = 0; run = args[3]
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/cloudevents+json"
  source = args[2]
end
local template = '{"specversion":"1.0","id":"%s","source":"%s",' ..
  '"type":"nl.ondermijning.signal.created","time":"2024-03-01T09:30:00Z","subject":"S-%s",' ..
  '"datacontenttype":"application/json","data":{"channel":"partnermelding",' ..
  '"receivedOn":"2024-03-01","theme":"drugs"}}'
function request()
  counter = counter + 1
  local id = run .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/events", nil, string.format(template, id, source, id))
end
"""

BATCH_LUA = r"""
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  counter = 0; run = args[3]; size = tonumber(args[4])
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/cloudevents-batch+json"
  source = args[2]
end
local template = '{"specversion":"1.0","id":"%s","source":"%s",' ..
  '"type":"nl.ondermijning.signal.created","time":"2024-03-01T09:30:00Z","subject":"S-%s",' ..
  '"datacontenttype":"application/json","data":{"channel":"partnermelding",' ..
  '"receivedOn":"2024-03-01","theme":"drugs"}}'
function request()
  local events = {}
  for i = 1, size do
    counter = counter + 1
    local id = run .. "-" .. tid .. "-" .. counter
    events[i] = string.format(template, id, source, id)
  end
  return wrk.format("POST", "/api/v1/events", nil, "[" .. table.concat(events, ",") .. "]")
end
"""

REFERENCE_LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"channel":"partnermelding","received_on":"2024-03-01","theme":"drugs",' ..
  '"external_id":"S-1"}'
"""


def recreate(base: str, name: str) -> str:
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{base}/{name}"


def prepare_events_db(url: str) -> str:
    """Migrates and makes the partner client; returns its API key."""
    from alembic import command
    from alembic.config import Config
    from sqlmodel import Session

    from app.access.schemas import ClientCreate
    from app.access.service import create_client
    from app.db import make_engine

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    engine = make_engine(url)
    with Session(engine) as session:
        data = ClientCreate.model_validate(
            {"name": "bench", "role": "partner", "partner": "politie", "eventSources": [SOURCE]}
        )
        _, key = create_client(session, data)
        session.commit()
    engine.dispose()
    return key


def serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Both apps under the same server: app.serve, two Granian workers that each listen with
    # SO_REUSEPORT. (`uvicorn --workers 2` shares one socket, and the first worker to wake
    # often takes all of wrk's keep-alive connections: one busy worker, one idle.)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.serve",
            "--app",
            module,
            "--workers",
            "2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        # wrk cuts connections at the end of a run: the app logs those as client disconnects.
        stderr=open(Path(tempfile.gettempdir()) / f"bench-{port}.log", "ab"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"{module} did not start") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, script: str, duration: int, connections: int, *args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        file.name,
        url,
        "--",
        *args,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(file.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    p50 = re.search(r"^\s+50(?:\.000)?%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+(\S+)", output, re.MULTILINE)
    return {
        "rate": rate,
        "requests": total,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "p50": p50.group(1) if p50 else "",
        "p99": p99.group(1) if p99 else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=3, help="reference/single turns, averaged (default 3)"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--batch-connections", type=int, default=8)
    parser.add_argument("--log-level", default="WARNING", help="the app's LOG_LEVEL")
    parser.add_argument(
        "--port", type=int, default=8701, help="the reference's port; the app's is the next"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2

    events_url = recreate(args.base_url, "bench_events")
    reference_url = recreate(args.base_url, "bench_reference")
    key = prepare_events_db(events_url)
    reference_env = {
        "BENCH_REFERENCE_URL": reference_url.replace("postgresql:", "postgresql+psycopg:", 1)
    }
    subprocess.run(
        [sys.executable, "-c", "import bench.reference_app"],
        cwd=ROOT,
        env={**os.environ, **reference_env},
        check=True,
    )
    results: dict[str, dict[str, Any]] = {}
    rounds: list[tuple[float, float]] = []
    failed = 0

    # Both apps run side by side (an idle app costs nothing) and are measured in turns,
    # reference then events, `--rounds` times: this machine's speed drifts from minute to
    # minute, and alternating spreads the drift over both.
    reference = serve("bench.reference_app:app", args.port, reference_env)
    app = serve(
        "app.main:app",
        args.port + 1,
        {"DATABASE_URL": events_url, "LOG_LEVEL": args.log_level, "ADMIN_API_KEY": ""},
    )
    try:
        reference_url = f"http://127.0.0.1:{args.port}/signals"
        url = f"http://127.0.0.1:{args.port + 1}/api/v1/events"
        run = uuid.uuid4().hex[:8]
        wrk(reference_url, REFERENCE_LUA, args.warmup, args.connections)
        wrk(url, SINGLE_LUA, args.warmup, args.connections, key, SOURCE, f"w{run}")
        for turn in range(args.rounds):
            results["reference"] = wrk(
                reference_url, REFERENCE_LUA, args.duration, args.connections
            )
            results["single"] = wrk(
                url, SINGLE_LUA, args.duration, args.connections, key, SOURCE, f"s{turn}{run}"
            )
            rounds.append((results["reference"]["rate"], results["single"]["rate"]))
            failed += results["reference"]["non2xx"] + results["single"]["non2xx"]
        size = str(args.batch_size)
        results["batch"] = wrk(
            url, BATCH_LUA, args.duration, args.batch_connections, key, SOURCE, f"b{run}", size
        )
    finally:
        stop(app)
        stop(reference)

    engine = create_engine(events_url.replace("postgresql:", "postgresql+psycopg:", 1))
    with engine.connect() as connection:
        counts = dict(
            connection.execute(
                text("SELECT status, count(*) FROM inbox_events GROUP BY status")
            ).all()
        )
        signals = connection.execute(text("SELECT count(*) FROM signals")).scalar_one()
        keys = connection.execute(
            text("SELECT count(DISTINCT (source, event_id)) FROM inbox_events")
        ).scalar_one()
    engine.dispose()

    reference_rate = sum(r for r, _ in rounds) / len(rounds)
    single_rate = sum(e for _, e in rounds) / len(rounds)
    batch_events = results["batch"]["rate"] * args.batch_size
    print()
    print(
        f"PostgreSQL, 2 Granian workers per app (app.serve), wrk -t2; {os.cpu_count()} CPUs; "
        f"{args.duration}s per run; app LOG_LEVEL={args.log_level}"
    )
    print()
    print("| turn | reference req/s | single event req/s | ratio |")
    print("|---|---|---|---|")
    for turn, (reference_turn, single_turn) in enumerate(rounds, 1):
        print(
            f"| {turn} | {reference_turn:.0f} | {single_turn:.0f} "
            f"| {single_turn / reference_turn:.2f} |"
        )
    print(
        f"| mean | {reference_rate:.0f} | {single_rate:.0f} | {single_rate / reference_rate:.2f} |"
    )
    print()
    print("| last run | connections | requests/s | events/s | p50 | p99 | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for name, connections, key_name, size in (
        ("reference (1 row per request)", args.connections, "reference", 1),
        ("single event", args.connections, "single", 1),
        (f"batch of {args.batch_size}", args.batch_connections, "batch", args.batch_size),
    ):
        result = results[key_name]
        print(
            f"| {name} | {connections} | {result['rate']:.0f} | {result['rate'] * size:.0f} "
            f"| {result['p50']} | {result['p99']} | {result['non2xx']} |"
        )
    print()
    print(
        f"single-event ratio to the reference (mean of {len(rounds)} turns): "
        f"{single_rate / reference_rate:.2f} (target >= 1.0)"
    )
    print(f"batch ingest: {batch_events:.0f} events/s (target >= 3000)")
    print(f"database: {counts} inbox rows, {keys} distinct (source, id), {signals} signals")
    if counts.get("accepted", 0) != signals or keys != sum(counts.values()):
        print("MISMATCH between answers and database", file=sys.stderr)
        return 1
    if failed or results["batch"]["non2xx"]:
        print("some requests were not answered with 2xx", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
