"""The inbox in the database: claims by (source, id), lookups of first deliveries and of
waiting updates, subject locks, the partner's reads, and the sweep of stale pending events.
Raw SQL lives here, so that the intake reads as its rules."""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Engine, Select, bindparam, select, text, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.service import AUDIT_TABLE, audit
from app.bulk import insert_rows
from app.db import utcnow
from app.events.envelope import Envelope
from app.events.models import InboxEvent
from app.events.schemas import StoredStatus
from app.pagination import paginate
from app.problems import Conflict, NotFound, problem_of

logger = logging.getLogger("app.events")

# unnest keeps the array's order, so the locks are taken in key order.
_LOCK_SUBJECTS = text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"
).bindparams(bindparam("keys", type_=postgresql.ARRAY(postgresql.BIGINT)))

# A literal, not a parameter: the pending indexes are partial on exactly this condition, and
# a prepared statement's generic plan could not use them with a parameter.
_IS_PENDING = text("inbox_events.status = 'pending'")

# Which of a batch's subjects have updates waiting (by the partial pending index).
_WAITING_SUBJECTS = text(
    "SELECT DISTINCT inbox_events.resource, inbox_events.subject FROM inbox_events "
    "JOIN jsonb_to_recordset(CAST(:keys AS JSONB)) AS k(resource TEXT, subject TEXT) "
    "ON inbox_events.resource = k.resource AND inbox_events.subject = k.subject "
    "WHERE inbox_events.partner = :partner AND inbox_events.status = 'pending'"
)

# Whether updates of a claimed create's subject wait for it (by the pending-events index).
_WAITING = (
    "EXISTS (SELECT 1 FROM inbox_events AS w WHERE w.partner = inbox_events.partner "
    "AND w.resource = inbox_events.resource AND w.subject = inbox_events.subject "
    "AND w.status = 'pending') AS waiting",
)


def insert_claims(
    session: Session,
    rows: list[dict[str, Any]],
    *,
    waiting: bool = False,
    audit_rows: list[dict[str, Any]] | None = None,
) -> list[Any]:
    """One INSERT … ON CONFLICT DO NOTHING for the whole batch, in key order so that two
    batches claiming the same keys wait for each other instead of deadlocking. Returns the
    rows claimed (`id`, and `waiting` when asked: PostgreSQL only)."""
    if not rows:
        return []
    rows.sort(key=lambda row: (row["event_id"] is None, row["source"] or "", row["event_id"] or ""))
    table: Any = InboxEvent.__table__  # type: ignore[attr-defined]
    return insert_rows(
        session,
        table,
        rows,
        conflict=("source", "event_id"),
        returning=("id",),
        returning_sql=_WAITING if waiting else (),
        with_rows=(AUDIT_TABLE, audit_rows) if audit_rows else None,
    )


_FIRST_COLUMNS = ("id", "source", "event_id", "partner", "record_id", "error", "status")
# The stored deliveries among a batch's (source, id) keys, by the unique index.
_FIRST_DELIVERIES = text(
    f"SELECT {', '.join(f'inbox_events.{name}' for name in _FIRST_COLUMNS)} "  # noqa: S608
    "FROM inbox_events JOIN jsonb_to_recordset(CAST(:keys AS JSONB)) AS k(source TEXT, "
    "event_id TEXT) ON inbox_events.source = k.source AND inbox_events.event_id = k.event_id"
).columns(
    *(InboxEvent.__table__.c[name] for name in _FIRST_COLUMNS)  # type: ignore[attr-defined]
)


def first_deliveries(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The stored delivery of each key that has one (its id, partner and outcome)."""
    if session.get_bind().dialect.name == "postgresql":
        parameter = orjson.dumps([{"source": s, "event_id": e} for s, e in keys]).decode()
        found = session.connection().execute(_FIRST_DELIVERIES, {"keys": parameter})
    else:
        table: Any = InboxEvent.__table__  # type: ignore[attr-defined]
        found = session.connection().execute(
            select(*(table.c[name] for name in _FIRST_COLUMNS)).where(
                tuple_(table.c.source, table.c.event_id).in_(keys)
            )
        )
    return {(row.source or "", row.event_id or ""): row for row in found}


def subject_lock(partner: str | None, resource: str, subject: str | None) -> int:
    digest = hashlib.blake2b(f"{partner}\x1f{resource}\x1f{subject}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def lock_subjects(session: Session, caller: Caller, envelopes: list[Envelope]) -> None:
    """Serialises the events about one partner's record across transactions (PostgreSQL), so
    that an update arriving while its create commits is never left pending; in key order."""
    keys = sorted(
        {
            subject_lock(caller.partner, envelope.record_type.resource, envelope.subject)
            for envelope in envelopes
            if envelope.record_type is not None
        }
    )
    if keys:
        session.connection().execute(_LOCK_SUBJECTS, {"keys": keys})


def pending_for(
    session: Session, caller: Caller, envelopes: list[Envelope]
) -> dict[tuple[str, str | None], list[InboxEvent]]:
    """The stored pending updates for the subjects these creates are about, in arrival
    order, in one query (after the subject locks, so none is committed unseen)."""
    subjects = {
        (envelope.record_type.resource, envelope.subject)
        for envelope in envelopes
        if envelope.action == "created" and envelope.record_type is not None
    }
    if not subjects:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        # Nearly always none: asked first with one constant statement, the rows only then.
        keys = orjson.dumps([{"resource": r, "subject": s} for r, s in sorted(subjects)])
        found = session.connection().execute(
            _WAITING_SUBJECTS, {"partner": caller.partner, "keys": keys.decode()}
        )
        subjects = {(resource, subject) for resource, subject in found}
        if not subjects:
            return {}
    rows = session.scalars(
        select(InboxEvent)
        .where(
            col(InboxEvent.partner) == caller.partner,
            _IS_PENDING,
            tuple_(col(InboxEvent.resource), col(InboxEvent.subject)).in_(sorted(subjects)),
        )
        .order_by(col(InboxEvent.id))
    ).all()
    waiting: dict[tuple[str, str | None], list[InboxEvent]] = {}
    for row in rows:
        waiting.setdefault((row.resource or "", row.subject), []).append(row)
    return waiting


# ---------------------------------------------------------------- reading


def readable(caller: Caller) -> Select[Any]:
    """The inbox as the caller may see it: its own partner's events; admin all."""
    statement = select(InboxEvent)
    if caller.role.value != "admin":
        statement = statement.where(col(InboxEvent.partner) == caller.partner)
    return statement


def list_events(
    session: Session, caller: Caller, filters: dict[str, Any], cursor: str | None, limit: int
) -> list[InboxEvent]:
    statement = readable(caller)
    for name in ("status", "type", "source"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(InboxEvent, name) == filters[name])
    if filters.get("from") is not None:
        statement = statement.where(col(InboxEvent.time) >= filters["from"])
    if filters.get("to") is not None:
        statement = statement.where(col(InboxEvent.time) <= filters["to"])
    statement = paginate(statement, col(InboxEvent.id), cursor, limit)
    rows = list(session.scalars(statement).all())
    audit(session, caller, "list", resource="events", detail=f"{min(len(rows), limit)} events")
    return rows


def get_event(session: Session, caller: Caller, inbox_id: uuid.UUID) -> InboxEvent:
    event = session.scalars(readable(caller).where(col(InboxEvent.id) == inbox_id)).first()
    if event is None:
        raise NotFound("No event with this id.")
    audit(session, caller, "read", resource="events", record_id=event.id)
    return event


# ---------------------------------------------------------------- pending events


def sweep_pending_events(session: Session, days: int, now: datetime | None = None) -> int:
    """Rejects the updates that waited longer than `days` for the create of their subject."""
    now = now or utcnow()
    error = problem_of(
        Conflict(
            f"No `*.created` event for this subject arrived within {days} days; the update "
            "was not applied."
        )
    )
    result: Any = session.execute(
        update(InboxEvent)
        .where(
            _IS_PENDING,
            col(InboxEvent.received_at) < now - timedelta(days=days),
        )
        .values(status=StoredStatus.REJECTED.value, error=error, decided_at=now)
    )
    count = int(result.rowcount or 0)
    if count:
        audit(session, None, "sweep-pending-events", resource="events", detail=f"{count} rejected")
    return count


def sweep_pending_events_at_start(engine: Engine, days: int) -> None:
    """The start-up sweep; `python -m app.cli sweep-pending-events` does the same from cron
    for processes that run for days."""
    try:
        with Session(engine) as session:
            sweep_pending_events(session, days)
            session.commit()
    except SQLAlchemyError:  # a database that is not there yet must not stop the start
        logger.warning("pending-event sweep skipped at start-up")
