"""PostgreSQL: 16 threads post overlapping batches with repeats to a real server (uvicorn on a
loopback port, a pool of database connections); every (source, id) is stored exactly once."""

import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from app.db import new_id
from app.events.models import InboxEvent
from app.main import create_app
from app.settings import Settings
from app.signals.models import Signal
from tests.conftest import ApiClient, database_url, is_postgres
from tests.events.conftest import BATCH, event

pytestmark = pytest.mark.skipif(not is_postgres(), reason="concurrency is PostgreSQL's")

THREADS = 16
BATCHES_PER_THREAD = 6
BATCH_SIZE = 25
REPEATS = 0.3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(http: Any) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(database_url=database_url(), log_level="WARNING")),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_overlapping_batches_store_each_event_once(
    server: str, politie: ApiClient, engine: Engine
) -> None:
    rng = random.Random(5)
    fresh: list[dict[str, Any]] = []
    plans: list[list[list[dict[str, Any]]]] = []
    for _thread in range(THREADS):
        batches = []
        for _batch in range(BATCHES_PER_THREAD):
            batch = []
            for _ in range(BATCH_SIZE):
                if fresh and rng.random() < REPEATS:
                    batch.append(rng.choice(fresh))  # a repeat, maybe in flight elsewhere
                else:
                    created = event(f"C-{len(fresh)}")
                    fresh.append(created)
                    batch.append(created)
            batches.append(batch)
        plans.append(batches)
    # Every thread also posts some other thread's batch: the same events at the same moment.
    for index, batches in enumerate(plans):
        batches.insert(1, plans[(index + 1) % THREADS][0])

    statuses: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def post(batches: list[list[dict[str, Any]]]) -> None:
        headers = {**politie.headers, "Content-Type": BATCH}
        with httpx.Client(base_url=server, timeout=120) as client:
            start.wait()
            for batch in batches:
                response = client.post("/api/v1/events", json=batch, headers=headers)
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    errors.append(response.text)
                    continue
                outcomes.update(r["status"] for r in response.json()["results"])

    threads = [threading.Thread(target=post, args=(batches,)) for batches in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors[:3]
    assert statuses == {200: THREADS * (BATCHES_PER_THREAD + 1)}
    assert set(outcomes) == {"accepted", "duplicate"}
    assert outcomes["accepted"] == len(fresh)
    with Session(engine) as session:
        per_key = session.execute(
            select(InboxEvent.source, InboxEvent.event_id, func.count()).group_by(
                InboxEvent.source, InboxEvent.event_id
            )
        ).all()
        assert len(per_key) == len(fresh)
        assert {n for _, _, n in per_key} == {1}
        assert session.scalar(select(func.count()).select_from(Signal)) == len(fresh)
        assert {row.status for row in session.scalars(select(InboxEvent))} == {"accepted"}


def test_a_batch_that_loses_a_claim_midway_starts_over(
    server: str, politie: ApiClient, engine: Engine
) -> None:
    """Another delivery of an event commits while a batch applies it: the batch's claim of
    that (source, id) fails, everything it did is rolled back, and the next attempt answers
    the event `duplicate` (its record is not made twice)."""
    racing, other = event("RACE-1"), event("RACE-2")
    other_delivery = engine.connect()
    transaction = other_delivery.begin()
    inbox_id = new_id()
    other_delivery.execute(
        text(
            "INSERT INTO inbox_events (id, source, event_id, type, subject, resource, partner, "
            "client_id, received_at, status, event) VALUES (:id, :source, :event_id, :type, "
            "'RACE-1', 'signals', 'politie', :client, now(), 'rejected', '{}')"
        ),
        {
            "id": inbox_id,
            "source": racing["source"],
            "event_id": racing["id"],
            "type": racing["type"],
            "client": politie.id,
        },
    )
    answers: list[Any] = []

    def post() -> None:
        headers = {**politie.headers, "Content-Type": BATCH}
        with httpx.Client(base_url=server, timeout=60) as client:
            answers.append(client.post("/api/v1/events", json=[racing, other], headers=headers))

    thread = threading.Thread(target=post)
    thread.start()
    try:
        # The batch applied both events and now waits for the other delivery's claim.
        deadline = time.monotonic() + 20
        with engine.connect() as watcher:
            while not watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND wait_event = 'transactionid'"
                )
            ).scalar_one():
                assert time.monotonic() < deadline, "the batch never waited for the claim"
                time.sleep(0.02)
        transaction.commit()
    finally:
        other_delivery.close()
        thread.join(30)
    response = answers[0]
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "accepted"]
    assert results[0]["inboxId"] == str(inbox_id)
    with Session(engine) as session:
        subjects = session.scalars(select(Signal.external_id)).all()
        assert subjects == ["RACE-2"]
        assert session.scalar(select(func.count()).select_from(InboxEvent)) == 2
