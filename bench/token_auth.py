"""What authentication by OpenID Connect access token costs beside an API key, warm caches.

Starts the test OpenID Connect provider (tests/oidc/, Node.js) and the service under uvicorn
on loopback, makes an API key and an identity mapping, gets a token by client credentials,
warms both paths, then times GET /api/v1/me (authenticated, no database work of its own) in
alternating rounds of key and token requests over one keep-alive connection each:

    python bench/token_auth.py --database-url postgresql://postgres@127.0.0.1:5432/bench_oidc

On PostgreSQL a known key is answered from the process's caller cache (app/access/cache.py),
so this compares the token path with the fastest key path. The database's public schema is
migrated (not dropped); use a database of its own. It also times the token check alone
(`TokenVerifier.claims` on cached keys) in process.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from alembic import command
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.access.identity import create_mapping  # noqa: E402
from app.access.identity_schemas import IdentityMappingCreate  # noqa: E402
from app.access.schemas import ClientCreate  # noqa: E402
from app.access.service import create_client  # noqa: E402
from app.access.tokens import TokenSettings, TokenVerifier  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.conftest import alembic_config  # noqa: E402
from tests.oidc.provider import start_provider  # noqa: E402

PORT = 18350


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="per path and round")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-oidc-')}/bench.db"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        _, key = create_client(session, ClientCreate(name="bench token_auth", role="coordinator"))
        session.commit()

    provider_run = start_provider()
    provider = next(provider_run)
    try:
        with Session(engine) as session:
            mapping = IdentityMappingCreate.model_validate(
                {"claim": "groups", "value": "riec-coordinatoren", "role": "coordinator"}
            )
            try:
                create_mapping(session, mapping)
                session.commit()
            except Exception:  # made by an earlier run
                session.rollback()
        token = provider.token("jan")
        server = _serve(url, provider.issuer, provider.audience)
        try:
            report(key, token, args.rounds, args.requests)
            verifier_cost(provider.issuer, provider.audience, token)
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        provider_run.close()
    engine.dispose()
    return 0


def _serve(url: str, issuer: str, audience: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "OIDC_ISSUER": issuer,
        "OIDC_AUDIENCE": audience,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--workers", "1", "--port", str(PORT)],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the service did not start")


def _time(client: httpx.Client, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get("/api/v1/me")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return timings


def report(key: str, token: str, rounds: int, requests: int) -> None:
    base = f"http://127.0.0.1:{PORT}"
    with (
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as by_key,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as by_token,
    ):
        _time(by_key, 200)  # warm: the key in the caller cache (PostgreSQL)
        _time(by_token, 200)  # warm: the issuer's keys and the identity mappings
        key_times: list[float] = []
        token_times: list[float] = []
        for round_ in range(rounds):
            first, second = (by_key, by_token) if round_ % 2 == 0 else (by_token, by_key)
            a, b = _time(first, requests), _time(second, requests)
            (key_times, token_times)[first is by_token].extend(a)
            (key_times, token_times)[second is by_token].extend(b)
    for name, times in (("api key", key_times), ("token", token_times)):
        print(
            f"{name:8} GET /api/v1/me  n={len(times)}"
            f"  median {statistics.median(times) * 1e6:7.0f} µs"
            f"  mean {statistics.fmean(times) * 1e6:7.0f} µs"
            f"  p95 {sorted(times)[int(len(times) * 0.95)] * 1e6:7.0f} µs"
        )
    ratio = statistics.median(token_times) / statistics.median(key_times)
    mean_ratio = statistics.fmean(token_times) / statistics.fmean(key_times)
    print(f"token / key: median {ratio:.3f}x, mean {mean_ratio:.3f}x (goal: at most 1.2x)")


def verifier_cost(issuer: str, audience: str, token: str) -> None:
    settings = TokenSettings.of(Settings(oidc_issuer=issuer, oidc_audience=audience))
    assert settings is not None
    verifier = TokenVerifier(settings)
    verifier.claims(token, fetch=True)
    count = 2000
    started = time.perf_counter()
    for _ in range(count):
        verifier.claims(token, fetch=False)
    each = (time.perf_counter() - started) / count
    print(f"token check alone (cached keys, RS256): {each * 1e6:.0f} µs")


if __name__ == "__main__":
    raise SystemExit(main())
