"""Sixteen overlapping 500-event batches, posted at once to two server processes sharing one
PostgreSQL: each is answered within seconds, and every (source, id) is stored exactly once
(SPEC §5: concurrent repeats store exactly one). A batch that finds its events being applied
by another delivery waits for it and answers them `duplicate`, instead of starting over."""

import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.ops.conftest import OpsDatabase
from tests.ops.load import BATCH, event
from tests.ops.servers import serve

BATCHES = 16
BATCH_SIZE = 500
DISTINCT = 2_000  # each batch draws its 500 from these: every event is in about four batches
ANSWERED_WITHIN = 10.0


def test_overlapping_batches_from_two_processes(ops_database: OpsDatabase, tmp_path: Path) -> None:
    pool = [event(ops_database.source) for _ in range(DISTINCT)]
    chooser = random.Random(12)
    batches = [chooser.sample(pool, BATCH_SIZE) for _ in range(BATCHES)]
    headers = {"Authorization": f"Bearer {ops_database.key}", "Content-Type": BATCH}
    answers: list[tuple[int, float, Any]] = []
    lock = threading.Lock()
    start = threading.Barrier(BATCHES)

    def post(base_url: str, batch: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            start.wait()
            began = time.monotonic()
            response = client.post("/api/v1/events", json=batch, headers=headers)
            took = time.monotonic() - began
            body = response.json() if response.status_code == 200 else response.text
            with lock:
                answers.append((response.status_code, took, body))

    with (
        serve(tmp_path, ops_database.url, workers=1) as first,
        serve(tmp_path, ops_database.url, workers=1) as second,
    ):
        threads = [
            threading.Thread(target=post, args=((first, second)[n % 2].base_url, batch))
            for n, batch in enumerate(batches)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(150)

    assert [status for status, _, _ in answers] == [200] * BATCHES, answers
    slowest = max(took for _, took, _ in answers)
    assert slowest <= ANSWERED_WITHIN, sorted(took for _, took, _ in answers)
    accepted: Counter[str] = Counter()
    for _, _, body in answers:
        statuses = Counter(result["status"] for result in body["results"])
        assert set(statuses) <= {"accepted", "duplicate"}, statuses
        accepted.update(r["id"] for r in body["results"] if r["status"] == "accepted")
    offered = {e["id"] for batch in batches for e in batch}
    assert set(accepted) == offered
    assert set(accepted.values()) == {1}, "an event accepted twice"
    engine = create_engine(ops_database.url.replace("postgresql:", "postgresql+psycopg:", 1))
    with engine.connect() as connection:
        inbox = connection.execute(text("SELECT count(*) FROM inbox_events")).scalar_one()
        signals = connection.execute(text("SELECT count(*) FROM signals")).scalar_one()
    engine.dispose()
    assert inbox == signals == len(offered)
