"""AVG retention: blanking the personal data of records closed longer ago than allowed.

Each record type declares its personal-data fields (`RecordType.personal_data`); those are
blanked. Counts, progress and statistics are unchanged by it: a personal-data field that
aggregates count or group on (`neighbourhood`, `sector`) is kept."""

from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import JSON, and_, delete, func, insert, select, update
from sqlmodel import Session, col

from app.audit.models import AuditEvent
from app.db import new_id, utcnow
from app.records.kind import RecordType
from app.records.models import IdempotencyKey
from app.records.registry import RECORD_TYPES


def blanked(record_type: RecordType) -> dict[str, Any]:
    """The purge's new value of every personal-data column it blanks: NULL, or the empty
    value where the column takes none (a campaign's `title`, its `organisations`)."""
    table: Any = record_type.model.__table__  # type: ignore[attr-defined]
    kept = record_type.counting.attributes
    values: dict[str, Any] = {}
    for attribute in record_type.personal_columns:
        if attribute in kept:
            continue
        column = table.c[attribute]
        if column.nullable:
            values[attribute] = None
        else:
            values[attribute] = [] if isinstance(column.type, JSON) else ""
    return values


def _expired(record_type: RecordType, cutoff: datetime) -> Any:
    """Closed before the cutoff: by its closing status, or, for records without a
    workflow, by the last date the record speaks of."""
    model: Any = record_type.model
    if record_type.workflow is not None:
        return and_(col(model.closed_at).is_not(None), col(model.closed_at) < cutoff)
    last_day = getattr(model, record_type.date_field)
    if hasattr(model, "ends_on"):
        last_day = func.coalesce(model.ends_on, last_day)
    return last_day < cutoff.date()


def purge_expired(
    session: Session,
    retention_years: int,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    idempotency_hours: int = 24,
) -> dict[str, int]:
    """Blanks personal data of expired records; returns how many per resource."""
    now = now or utcnow()
    cutoff = now - relativedelta(years=retention_years)
    purged: dict[str, int] = {}
    for record_type in RECORD_TYPES:
        model: Any = record_type.model
        condition = and_(col(model.purged_at).is_(None), _expired(record_type, cutoff))
        ids = list(session.scalars(select(col(model.id)).where(condition)))
        purged[record_type.resource] = len(ids)
        if dry_run or not ids:
            continue
        blank = blanked(record_type)
        session.execute(update(model).where(col(model.id).in_(ids)).values(**blank, purged_at=now))
        session.execute(
            insert(AuditEvent),
            [
                {
                    "id": new_id(),
                    "occurred_at": now,
                    "client_name": "system: purge-expired",
                    "action": "purge",
                    "resource": record_type.resource,
                    "record_id": str(record_id),
                    "changes": {field: {"redacted": True} for field in blank},
                    "outcome": "success",
                    "detail": f"personal data blanked after {retention_years} years",
                }
                for record_id in ids
            ],
        )
    purged["inbox-events"] = _purge_inbox(session, cutoff, now, retention_years, dry_run)
    purged["idempotent-responses"] = _purge_idempotency(session, now, idempotency_hours, dry_run)
    return purged


def _purge_idempotency(session: Session, now: datetime, hours: int, dry_run: bool) -> int:
    """A stored first response holds the record's personal data: it goes once its key can
    no longer be replayed (IDEMPOTENCY_HOURS), so no copy outlives its use."""
    expired = col(IdempotencyKey.created_at) < now - timedelta(hours=hours)
    count = session.scalar(select(func.count()).select_from(IdempotencyKey).where(expired)) or 0
    if count and not dry_run:
        session.execute(delete(IdempotencyKey).where(expired))
    return int(count)


def _purge_inbox(
    session: Session, cutoff: datetime, now: datetime, retention_years: int, dry_run: bool
) -> int:
    """The stored events' `data` is personal data too: decided events (not pending) older
    than the retention lose it from their stored body; the envelope and outcome stay."""
    from sqlalchemy import type_coerce
    from sqlalchemy.dialects.postgresql import JSONB

    from app.events.models import InboxEvent

    body: Any = col(InboxEvent.event)
    has_data: Any
    without_data: Any
    if session.get_bind().dialect.name == "postgresql":
        has_data = type_coerce(body, JSONB).has_key("data")
        without_data = type_coerce(body, JSONB).op("-")("data")
    else:
        has_data = func.json_type(body, "$.data").is_not(None)
        without_data = func.json_remove(body, "$.data")
    condition = and_(
        has_data,
        col(InboxEvent.decided_at).is_not(None),
        col(InboxEvent.decided_at) < cutoff,
    )
    count = session.scalar(select(func.count()).select_from(InboxEvent).where(condition)) or 0
    if dry_run or not count:
        return count
    session.execute(update(InboxEvent).where(condition).values(event=without_data))
    session.execute(
        insert(AuditEvent).values(
            id=new_id(),
            occurred_at=now,
            client_name="system: purge-expired",
            action="purge",
            resource="inbox-events",
            outcome="success",
            detail=f"data of {count} stored events blanked after {retention_years} years",
        )
    )
    return count
