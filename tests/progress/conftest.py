"""Fixtures for progress, statistics and terugblik tests: a session whose writes are removed
afterwards, indicators restored to the seed, and records written the way the record service
writes them (row, then the rollup hook, in one transaction)."""

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlmodel import Session, col

from app.indicators.models import Indicator, MilestoneUpdate
from app.progress.models import ProgressBreakdown, ProgressRollup
from app.progress.rollups import apply_record_change, rebuild_rollups
from app.records.registry import BY_RESOURCE
from tests.conftest import clean

_numbers = itertools.count(1)

DEFAULTS: dict[str, dict[str, Any]] = {
    "signals": {"channel": "casusoverleg"},
    "bestuurlijke-rapportages": {},
    "measures": {"kind": "sluiting"},
    "campaigns": {"kind": "communicatiecampagne", "title": "Campagne", "pillar": "p3"},
    "inspections": {"kind": "integrale-controle"},
}


def columns(record: Any) -> dict[str, Any]:
    return {column.name: getattr(record, column.name) for column in record.__table__.columns}


def add_record(session: Session, resource: str, **values: Any) -> Any:
    """Stores a record and applies the rollup hook, as `create_record` does."""
    record = BY_RESOURCE[resource].model(
        reference=f"T-{next(_numbers):09d}",
        partner=values.pop("partner", "politie"),
        **{**DEFAULTS[resource], **values},
    )
    session.add(record)
    session.flush()
    apply_record_change(session, BY_RESOURCE[resource], None, columns(record))
    return record


def change_record(session: Session, resource: str, record: Any, **values: Any) -> None:
    before = columns(record)
    for name, value in values.items():
        setattr(record, name, value)
    session.add(record)
    session.flush()
    apply_record_change(session, BY_RESOURCE[resource], before, columns(record))


def remove_record(session: Session, resource: str, record: Any) -> None:
    before = columns(record)
    session.delete(record)
    session.flush()
    apply_record_change(session, BY_RESOURCE[resource], before, None)


def _restore_indicators(engine: Engine, seeded: list[dict[str, Any]]) -> None:
    with Session(engine) as session:
        ids = [row["id"] for row in seeded]
        added = select(col(Indicator.id)).where(col(Indicator.id).not_in(ids))
        session.execute(delete(MilestoneUpdate).where(col(MilestoneUpdate.indicator_id).in_(added)))
        for rollup in (ProgressRollup, ProgressBreakdown):
            session.execute(delete(rollup).where(col(rollup.indicator_id).in_(added)))
        session.execute(delete(Indicator).where(col(Indicator.id).not_in(ids)))
        for row in seeded:
            session.execute(update(Indicator).where(col(Indicator.id) == row["id"]).values(**row))
        session.commit()


@pytest.fixture(scope="session")
def seeded_indicators(engine: Engine) -> list[dict[str, Any]]:
    with Session(engine) as session:
        return [columns(i) for i in session.scalars(select(Indicator)).all()]


@pytest.fixture
def db(engine: Engine, seeded_indicators: list[dict[str, Any]]) -> Iterator[Session]:
    """A session for writing test data; everything is removed afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
    _restore_indicators(engine, seeded_indicators)
    clean(engine)


@pytest.fixture
def restore_indicators(engine: Engine, seeded_indicators: list[dict[str, Any]]) -> Iterator[None]:
    """For tests that add or change indicators through the API."""
    yield
    _restore_indicators(engine, seeded_indicators)


__all__ = ["add_record", "change_record", "rebuild_rollups", "remove_record"]
