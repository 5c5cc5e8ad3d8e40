"""Concurrent writes to the same day each add their own count, also while the rollups are
rebuilt (PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from app.indicators.models import Indicator
from app.progress import rollups
from app.progress.models import ProgressRollup, StatisticsRollup
from app.progress.rollups import lock_and_read_rules, rebuild_rollups
from app.progress.statistics_rollups import rebuild_statistics_rollups
from tests.conftest import is_postgres
from tests.progress.conftest import add_record

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL's concurrency")

WRITERS = 8
WRITES = 10


def _write(engine: Engine, writer: int) -> None:
    for _ in range(WRITES):
        with Session(engine) as session:
            add_record(
                session,
                "inspections",
                kind="integrale-controle",
                occurred_on=date(2023, 3, 1),
                businesses_inspected=writer,
            )
            session.commit()


def test_concurrent_writes_and_a_rule_change_lose_nothing(engine: Engine, db: Session) -> None:
    indicator = db.scalar(select(Indicator).where(col(Indicator.code) == "p1-integrale-controles"))
    assert indicator is not None

    def rebuild() -> None:
        with Session(engine) as session:
            row = session.get(Indicator, indicator.id, with_for_update=True)
            assert row is not None
            rebuild_rollups(session, row)
            session.commit()

    with ThreadPoolExecutor(max_workers=WRITERS + 1) as pool:
        futures = [pool.submit(_write, engine, writer) for writer in range(WRITERS)]
        futures += [pool.submit(rebuild) for _ in range(3)]
        for future in futures:
            future.result()
    records, total = db.execute(
        select(func.sum(ProgressRollup.records), func.sum(ProgressRollup.total)).where(
            col(ProgressRollup.indicator_id) == indicator.id
        )
    ).one()
    assert records == WRITERS * WRITES
    assert total == 0  # the rule counts records; `total` is only summed for a sum field


@pytest.mark.skipif(not is_postgres(), reason="advisory locks are PostgreSQL's")
def test_rules_read_with_the_lock_serve_only_their_own_transaction(engine: Engine) -> None:
    with Session(engine) as session:
        lock_and_read_rules(session, "inspections", 7)
        locked = rollups._rules(session, "inspections")
        assert locked
        assert rollups._rules(session, "inspections") is locked
        assert rollups._rules(session, "signals") is not locked  # another resource: read
        session.commit()
        again = rollups._rules(session, "inspections")  # a new transaction reads them anew
        assert again is not locked
        assert again == locked


def test_writes_of_both_kinds_and_rebuilds_of_both_rollups_neither_deadlock_nor_lose(
    engine: Engine, db: Session
) -> None:
    """Requests write the record, then take the counting rules; partner events take the
    rules first. The CLI's rebuild (progress rollups, then statistics rollups, each in its
    own transaction) must wait for either without a deadlock, and lose no count."""

    def event_writer(writer: int) -> None:
        for _ in range(WRITES):
            with Session(engine) as session:
                lock_and_read_rules(session, "inspections", 1000 + writer)
                add_record(
                    session, "inspections", kind="integrale-controle", occurred_on=date(2023, 3, 1)
                )
                session.commit()

    def rebuild() -> None:
        with Session(engine) as session:
            rollups.rebuild_all_rollups(session)
            session.commit()
            rebuild_statistics_rollups(session)
            session.commit()

    with ThreadPoolExecutor(max_workers=WRITERS + 2) as pool:
        futures = [pool.submit(_write, engine, writer) for writer in range(WRITERS // 2)]
        futures += [pool.submit(event_writer, writer) for writer in range(WRITERS // 2)]
        futures += [pool.submit(rebuild) for _ in range(3)]
        for future in futures:
            future.result()
    records = db.scalar(
        select(func.sum(StatisticsRollup.records)).where(
            col(StatisticsRollup.resource) == "inspections",
            col(StatisticsRollup.group_key) == "kind",
        )
    )
    assert records == WRITERS * WRITES
