"""Soak: minutes of mixed load on two workers, then requests, non-2xx, p99 and RSS per worker.

    python -m bench.soak [--duration 300] [--connections 16] [--database-url URL]

Starts a PostgreSQL instance of its own (initdb in a temporary folder, on `--pg-port`; run
as the `postgres` user when this runs as root), or uses `--database-url` (that database's
public schema is dropped and made again). Migrates it, makes a partner client with an event
source, serves `app.main:app` with `python -m app.serve --workers 2` (Granian) and drives it
with `wrk` (apt-get install wrk), whose Lua script cycles through, per 20 requests:

- 12 single events (`POST /api/v1/events`, application/cloudevents+json, new ids);
- 2 batches of `--batch-size` events (application/cloudevents-batch+json);
- 4 record lists (`GET /api/v1/signals`, alternating filters and pages);
- 2 progress reports (`GET /api/v1/progress`, the plan and a period).

At the end it prints requests, non-2xx (must be 0), p50/p99 latency, events stored, and the
resident memory (VmRSS) of each worker after a warm-up and at the end (target: at most
250 MB per worker after 100,000 events), and checks one inbox row and one record per
accepted event. Exits 1 on any non-2xx answer, socket error or mismatch.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ops.servers import (  # noqa: E402 - after the path is set
    PostgresInstance,
    free_port,
    make_partner_client,
    migrate,
    postgres_missing,
)

SOURCE = "urn:nl:bench:soak"

MIXED_LUA = r"""
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  counter = 0; events = 0; run = args[2]; size = tonumber(args[3])
  auth = "Bearer " .. args[1]
  source = args[4]
end
local template = '{"specversion":"1.0","id":"%s","source":"%s",' ..
  '"type":"nl.ondermijning.signal.created","time":"2024-03-01T09:30:00Z","subject":"S-%s",' ..
  '"datacontenttype":"application/json","data":{"channel":"partnermelding",' ..
  '"receivedOn":"2024-03-01","theme":"drugs","description":"Soak %s"}}'
local function next_event()
  events = events + 1
  local id = run .. "-" .. tid .. "-" .. events
  return string.format(template, id, source, id, id)
end
local lists = {LISTS}
local progress = {PROGRESS}
function request()
  counter = counter + 1
  local slot = counter % 20
  if slot < 12 then
    return wrk.format("POST", "/api/v1/events", {["Authorization"] = auth,
      ["Content-Type"] = "application/cloudevents+json"}, next_event())
  elseif slot < 14 then
    local batch = {}
    for i = 1, size do batch[i] = next_event() end
    return wrk.format("POST", "/api/v1/events", {["Authorization"] = auth,
      ["Content-Type"] = "application/cloudevents-batch+json"},
      "[" .. table.concat(batch, ",") .. "]")
  elseif slot < 18 then
    local path = lists[math.floor(counter / 20) % #lists + 1]
    return wrk.format("GET", path, {["Authorization"] = auth})
  else
    return wrk.format("GET", progress[math.floor(counter / 20) % #progress + 1],
      {["Authorization"] = auth})
  end
end
"""
LISTS = [
    "/api/v1/signals?limit=50",
    "/api/v1/signals?status=nieuw&limit=20",
    "/api/v1/signals?theme=drugs&from=2024-01-01&to=2024-12-31&limit=50",
    "/api/v1/events?limit=50",
]
PROGRESS = ["/api/v1/progress?plan=2023-2024", "/api/v1/progress?plan=2023-2024&period=2024"]
MIXED_LUA = MIXED_LUA.replace("{LISTS}", "{" + ", ".join(f'"{p}"' for p in LISTS) + "}").replace(
    "{PROGRESS}", "{" + ", ".join(f'"{p}"' for p in PROGRESS) + "}"
)


def probe(base: str, key: str) -> list[str]:
    """Each GET of the mix once: what does not answer 200."""
    headers = {"Authorization": f"Bearer {key}"}
    failures = []
    for path in LISTS + PROGRESS:
        response = httpx.get(base + path, headers=headers, timeout=30)
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code} {response.text[:300]}")
    return failures


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def workers_of(port: int) -> list[int]:
    out = subprocess.run(
        ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    return sorted({int(part.split(",", 1)[0]) for part in out.split("pid=")[1:]})


def wrk(url: str, duration: int, connections: int, *args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(MIXED_LUA)
    command = [
        "wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency",
        "-s", file.name, url, "--", *args,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(file.name)

    def find(pattern: str) -> str | None:
        match = re.search(pattern, output, re.MULTILINE)
        return match.group(1) if match else None

    return {
        "requests": int(find(r"(\d+) requests in") or 0),
        "rate": float(find(r"Requests/sec:\s+([\d.]+)") or 0),
        "non2xx": int(find(r"Non-2xx or 3xx responses: (\d+)") or 0),
        "socket_errors": find(r"Socket errors: (.*)") or "",
        "p50": find(r"^\s+50(?:\.000)?%\s+(\S+)") or "",
        "p99": find(r"^\s+99(?:\.000)?%\s+(\S+)") or "",
        "output": output,
    }


def recreate_schema(url: str) -> None:
    engine = create_engine(url.replace("postgresql:", "postgresql+psycopg:", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def serve(url: str, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--workers", "2", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "ADMIN_API_KEY": "", **env},
        stdout=open(log, "ab"),  # noqa: SIM115 - the server's, closed when it exits
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            if ready and len(workers_of(port)) == 2:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"app.serve did not start; see {log}")
        time.sleep(0.3)


def stored_counts(url: str) -> tuple[dict[str, int], int, int]:
    engine = create_engine(url.replace("postgresql:", "postgresql+psycopg:", 1))
    with engine.connect() as connection:
        inbox = dict(
            connection.execute(  # type: ignore[arg-type]
                text("SELECT status, count(*) FROM inbox_events GROUP BY status")
            ).all()
        )
        keys = connection.execute(
            text("SELECT count(DISTINCT (source, event_id)) FROM inbox_events")
        ).scalar_one()
        signals = connection.execute(text("SELECT count(*) FROM signals")).scalar_one()
    engine.dispose()
    return inbox, keys, signals


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (300)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--database-url", help="use this PostgreSQL database (recreated)")
    parser.add_argument("--pg-port", type=int, default=55439, help="the own instance's port")
    parser.add_argument("--port", type=int, default=0, help="the app's port (a free one)")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for the app (repeatable)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="om-soak-"))
    instance: PostgresInstance | None = None
    if args.database_url:
        url = args.database_url
        recreate_schema(url)
    else:
        reason = postgres_missing()
        if reason:
            print(f"no PostgreSQL of its own: {reason}; or pass --database-url", file=sys.stderr)
            return 2
        instance = PostgresInstance(work, args.pg_port)
        instance.init()
        url = instance.create_database("soak")
    try:
        return soak(args, url, work)
    finally:
        if instance is not None:
            instance.stop("fast")
        shutil.rmtree(work, ignore_errors=True)


def soak(args: argparse.Namespace, url: str, work: Path) -> int:
    migrate(url)
    key = make_partner_client(url, SOURCE)
    port = args.port or free_port("18100-18149")
    env = {"LOG_LEVEL": args.log_level, **dict(item.split("=", 1) for item in args.env)}
    process = serve(url, port, work / "serve.log", env)
    base = f"http://127.0.0.1:{port}"
    size = str(args.batch_size)
    try:
        workers = workers_of(port)
        failures = probe(base, key)
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        warm = wrk(base, args.warmup, args.connections, key, "warm", size, SOURCE)
        after_warmup = {pid: rss_mb(pid) for pid in workers}
        result = wrk(base, args.duration, args.connections, key, "soak", size, SOURCE)
        at_end = {pid: rss_mb(pid) for pid in workers_of(port)}
        replaced = sorted(set(workers_of(port)) - set(workers))
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    inbox, keys, signals = stored_counts(url)
    events = sum(inbox.values())
    print()
    print(
        f"soak: {args.duration} s of mixed load, 2 Granian workers (app.serve), wrk -t2 "
        f"-c{args.connections}, batches of {args.batch_size}; {os.cpu_count()} CPUs; "
        f"PostgreSQL {'(own instance)' if not args.database_url else url.rsplit('/', 1)[-1]}"
        + (f"; app env {env}" if args.env else "")
    )
    print()
    print("| requests | requests/s | non-2xx | socket errors | p50 | p99 | events stored |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {result['requests']} | {result['rate']:.0f} | {result['non2xx']} "
        f"| {result['socket_errors'] or 'none'} | {result['p50']} | {result['p99']} "
        f"| {events} |"
    )
    print()
    print("| worker | RSS after warm-up | RSS at the end |")
    print("|---|---|---|")
    for pid in sorted(set(after_warmup) | set(at_end)):
        before = f"{after_warmup[pid]:.0f} MB" if pid in after_warmup else "-"
        after = f"{at_end[pid]:.0f} MB" if pid in at_end else "(gone)"
        print(f"| {pid} | {before} | {after} |")
    if replaced:
        print(f"workers replaced during the run: {replaced}")
    print()
    print(f"database: {inbox} inbox rows, {keys} distinct (source, id), {signals} signals")
    failed = False
    if warm["non2xx"] or result["non2xx"] or result["socket_errors"]:
        print("some requests were not answered with 2xx", file=sys.stderr)
        failed = True
    if keys != events or inbox.get("accepted", 0) != signals or set(inbox) != {"accepted"}:
        print("MISMATCH between answers and database", file=sys.stderr)
        failed = True
    over = [pid for pid, rss in at_end.items() if rss > 250]
    if over:
        print(f"RSS over 250 MB: {over}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
