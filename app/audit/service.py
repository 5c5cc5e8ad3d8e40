"""Writing to the audit log: in the request's transaction, or on its own for failures."""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, Select, select
from sqlmodel import Session, col

from app.access.caller import Caller
from app.access.limits import current_client_address
from app.audit.models import AuditEvent
from app.bulk import insert_rows
from app.conventions import current_request_id, current_trace_id
from app.db import new_id, utcnow
from app.pagination import paginate
from app.records.registry import BY_RESOURCE

AUDIT_TABLE: Any = AuditEvent.__table__  # type: ignore[attr-defined]

REDACTED = {"redacted": True}


def _actor(caller: Caller | None, subject: str | None = None) -> dict[str, Any]:
    """Who: an API client (by its id) or a person (by the token's `sub` and `name`)."""
    if caller is None:
        return {
            "client_id": None,
            "client_name": None,
            "role": None,
            "partner": None,
            "actor_kind": "person" if subject else None,
            "subject": subject,
        }
    person = caller.kind == "person"
    return {
        "client_id": None if person else caller.client_id,
        "client_name": caller.name,
        "role": caller.role.value,
        "partner": caller.partner,
        "actor_kind": caller.kind,
        "subject": caller.subject,
    }


def _entry(
    caller: Caller | None, action: str, subject: str | None = None, **fields: Any
) -> AuditEvent:
    return AuditEvent(
        **_actor(caller, subject),
        action=action,
        request_id=current_request_id(),
        trace_id=current_trace_id(),
        client_address=current_client_address(),
        **fields,
    )


def audit(
    session: Session,
    caller: Caller | None,
    action: str,
    *,
    resource: str | None = None,
    record_id: uuid.UUID | str | None = None,
    changes: dict[str, Any] | None = None,
    outcome: str = "success",
    detail: str | None = None,
) -> None:
    """Adds an entry to the request's transaction: it commits with the work it describes."""
    session.add(
        _entry(
            caller,
            action,
            resource=resource,
            record_id=str(record_id) if record_id is not None else None,
            changes=changes,
            outcome=outcome,
            detail=detail,
        )
    )


def audit_export(
    session: Session, caller: Caller | None, resource: str, media_type: str | None
) -> None:
    """An export (a report or aggregate served to a caller) is audited with its media type;
    without a media type (a plain read the caller does not take away) nothing is written."""
    if media_type is not None:
        audit(session, caller, "export", resource=resource, detail=media_type)


def audit_many(
    session: Session,
    caller: Caller | None,
    action: str,
    *,
    resource: str,
    entries: list[tuple[uuid.UUID, dict[str, Any] | None]],
    into: list[dict[str, Any]] | None = None,
) -> None:
    """One entry per (record id, changes), written in one statement; or, with `into`, added
    to that list of rows, which the caller writes in its own statement of the same
    transaction (`bulk.insert_rows(…, with_rows=…)`)."""
    if not entries:
        return
    now = utcnow()
    who = {
        **_actor(caller),
        "request_id": current_request_id(),
        "trace_id": current_trace_id(),
        "client_address": current_client_address(),
    }
    rows = [
        {
            **who,
            "id": new_id(),
            "occurred_at": now,
            "action": action,
            "resource": resource,
            "record_id": str(record_id),
            "changes": changes,
            "outcome": "success",
            "detail": None,
        }
        for record_id, changes in entries
    ]
    if into is not None:
        into.extend(rows)
        return
    insert_rows(session, AUDIT_TABLE, rows)


def audit_now(
    engine: Engine,
    caller: Caller | None,
    action: str,
    *,
    outcome: str,
    detail: str | None = None,
    resource: str | None = None,
    record_id: str | None = None,
    subject: str | None = None,
) -> None:
    """Commits an entry at once, for requests whose own transaction will roll back.
    `subject`: the person refused before they became a caller (no identity mapping)."""
    with Session(engine) as session:
        session.add(
            _entry(
                caller,
                action,
                subject,
                outcome=outcome,
                detail=detail,
                resource=resource,
                record_id=record_id,
            )
        )
        session.commit()


def audit_read_of_log(
    session: Session, caller: Caller, filters: dict[str, Any], count: int
) -> None:
    """The admin's read of the audit log: which filters (names only) and how many entries."""
    used = sorted(name for name, value in filters.items() if value is not None)
    detail = f"{count} entries" + (f"; filters: {', '.join(used)}" if used else "")
    audit(session, caller, "list", resource="audit-events", detail=detail)


def changed_fields(
    old: dict[str, Any], new: dict[str, Any], personal: frozenset[str]
) -> dict[str, Any]:
    """{field: {old, new}} for every field whose value differs; of the `personal` fields
    (the record type's declaration) only that they changed: their values never enter the log."""
    changes: dict[str, Any] = {}
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        changes[name] = REDACTED if name in personal else {"old": before, "new": after}
    return changes


def redacted(changes: dict[str, Any] | None, resource: str | None) -> dict[str, Any] | None:
    """Stored changes as they may be shown: the values of what the record type declares as
    personal data now are left out, also in entries written under an older declaration."""
    record_type = BY_RESOURCE.get(resource or "")
    if not changes or record_type is None:
        return changes
    personal = record_type.personal_fields
    return {name: REDACTED if name in personal else change for name, change in changes.items()}


def _shown(session: Session, statement: Select[Any]) -> list[AuditEvent]:
    """The entries as they may be shown: detached (never written back), then redacted."""
    entries = list(session.scalars(statement).all())
    for entry in entries:
        session.expunge(entry)
        entry.changes = redacted(entry.changes, entry.resource)
    return entries


def list_audit_events(
    session: Session,
    filters: dict[str, Any],
    cursor: str | None,
    limit: int,
    *,
    by: Caller | None = None,
) -> list[AuditEvent]:
    """A page of the log (one more than `limit`, for the next cursor), redacted; the admin's
    read (`by`) is itself logged, after the query, so not in its own answer (SPEC §7)."""
    statement: Select[Any] = select(AuditEvent)
    for name, value in filters.items():
        if value is None:
            continue
        if name == "from":
            statement = statement.where(col(AuditEvent.occurred_at) >= value)
        elif name == "to":
            statement = statement.where(col(AuditEvent.occurred_at) <= value)
        else:
            statement = statement.where(getattr(AuditEvent, name) == value)
    statement = paginate(statement, col(AuditEvent.id), cursor, limit)
    entries = _shown(session, statement)
    if by is not None:
        audit_read_of_log(session, by, filters, min(len(entries), limit))
    return entries


def history(session: Session, resource: str, record_id: uuid.UUID) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(
            col(AuditEvent.resource) == resource,
            col(AuditEvent.record_id) == str(record_id),
            col(AuditEvent.action).in_(("create", "update", "delete")),
            # Not the refused attempts (not-found, invalid): they changed nothing.
            col(AuditEvent.outcome) == "success",
        )
        .order_by(col(AuditEvent.id))
    )
    return _shown(session, statement)


def deletes(session: Session, resource: str, record_ids: Iterable[uuid.UUID]) -> list[AuditEvent]:
    """The delete entries of these records (their changes keep the non-personal values)."""
    statement = select(AuditEvent).where(
        col(AuditEvent.resource) == resource,
        col(AuditEvent.record_id).in_([str(record_id) for record_id in record_ids]),
        col(AuditEvent.action) == "delete",
        col(AuditEvent.outcome) == "success",
    )
    return list(session.scalars(statement).all())
