"""A PostgreSQL restart under a partner's load (SPEC §9): every event answered 2xx is
stored exactly once, the failures meanwhile are 503 with `Retry-After`, and the service
answers again by itself (the same workers, no restart)."""

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.ops.conftest import OpsDatabase
from tests.ops.load import SINGLE, Delivery, deliver, event
from tests.ops.servers import PostgresInstance, serve

PARTNERS = 4  # concurrent delivering threads
BATCH_SIZE = 10
MAX_DELIVERIES = 400  # per thread: the load is bounded in count as well as in time
OUTAGE_SECONDS = 1.5


def test_a_database_restart_under_load_loses_nothing_and_answers_503(
    postgres: PostgresInstance, ops_database: OpsDatabase, tmp_path: Path
) -> None:
    results = [Delivery() for _ in range(PARTNERS)]
    with serve(tmp_path, ops_database.url, workers=2) as app:
        workers = app.workers()
        assert len(workers) == 2
        stopping = threading.Event()
        deadline = time.monotonic() + 45

        def partner(result: Delivery) -> None:
            with httpx.Client(base_url=app.base_url) as client:
                for number in range(MAX_DELIVERIES):
                    if stopping.is_set():
                        return
                    size = BATCH_SIZE if number % 3 == 2 else 1  # every third a batch
                    events = [event(ops_database.source) for _ in range(size)]
                    deliver(client, ops_database.key, events, result, deadline)

        threads = [threading.Thread(target=partner, args=(result,)) for result in results]
        for thread in threads:
            thread.start()
        time.sleep(2)
        before_restart = sum(len(result.accepted) for result in results)
        postgres.stop("fast")  # cuts every connection of both workers
        time.sleep(OUTAGE_SECONDS)
        postgres.start()
        time.sleep(3)
        stopping.set()
        for thread in threads:
            thread.join(60)

        # Recovered by itself: the same worker processes answer, and the database is ready.
        assert app.workers() == workers
        assert httpx.get(app.base_url + "/readyz", timeout=10).status_code == 200
        fresh = event(ops_database.source)
        response = httpx.post(
            app.base_url + "/api/v1/events",
            json=fresh,
            headers={"Authorization": f"Bearer {ops_database.key}", "Content-Type": SINGLE},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        assert app.process.poll() is None

    accepted = set().union(*(result.accepted for result in results)) | {fresh["id"]}
    statuses = sum((result.statuses for result in results), start=type(results[0].statuses)())
    print(
        f"\n{len(accepted)} events accepted, {before_restart} before the restart; {dict(statuses)}"
    )
    assert before_restart > 0
    assert statuses[503] > 0, f"the outage was not seen: {statuses}"
    assert [r.other for r in results if r.other] == []  # nothing but 2xx and 503
    assert [r.bad_503 for r in results if r.bad_503] == []  # every 503 a problem with Retry-After
    assert [r.connection_errors for r in results if r.connection_errors] == []
    assert [r.given_up for r in results if r.given_up] == []  # all delivered in the end

    engine = create_engine(ops_database.url.replace("postgresql:", "postgresql+psycopg:", 1))
    with engine.connect() as connection:
        inbox = connection.execute(
            text("SELECT event_id, status FROM inbox_events WHERE source = :source"),
            {"source": ops_database.source},
        ).all()
        subjects = connection.execute(text("SELECT external_id FROM signals")).scalars().all()
    engine.dispose()
    # One inbox row per (source, id), every one accepted: exactly the events answered 2xx.
    assert len(inbox) == len({event_id for event_id, _ in inbox})
    assert {event_id for event_id, _ in inbox} == accepted
    assert {status for _, status in inbox} == {"accepted"}
    # One record per accepted event.
    assert len(subjects) == len(set(subjects)) == len(accepted)
    assert set(subjects) == {f"S-{event_id}" for event_id in accepted}
