"""Partner events: the CloudEvents envelope, exactly-once intake, and applying them to records.

An event is checked against CloudEvents 1.0 (by the CloudEvents SDK) and the NL GOV profile,
claimed in the inbox by its `(source, id)` with INSERT … ON CONFLICT DO NOTHING, and then
applied through the record service (`create_record`, `update_record`), each event in a
savepoint of its own: a bad event rolls back only itself and is kept as `rejected`.
"""

import hashlib
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from cloudevents.core.exceptions import (
    CloudEventValidationError,
    CustomExtensionAttributeError,
    InvalidAttributeTypeError,
    MissingRequiredAttributeError,
)
from cloudevents.core.v1.event import CloudEvent
from dateutil.parser import isoparse
from sqlalchemy import Engine, Select, bindparam, select, text, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, col

from app.access.caller import Caller
from app.access.models import Client
from app.access.service import caller_of
from app.audit.service import AUDIT_TABLE, audit
from app.bulk import insert_rows
from app.db import new_id, utcnow
from app.events.models import InboxEvent
from app.events.schemas import EventResult, EventStatus, StoredStatus
from app.pagination import paginate
from app.problems import (
    PROBLEM_TYPE_BASE,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidParam,
    NotFound,
)
from app.progress.rollups import lock_and_read_rules
from app.records import service as records
from app.records.registry import BY_SINGULAR
from app.records.service import RecordType
from app.safety import checked_event, without_echo

logger = logging.getLogger("app.events")

TYPE_PREFIX = "nl.ondermijning."
ACTIONS = ("created", "updated")
_TYPE = re.compile(r"^nl\.ondermijning\.([a-z-]+)\.([a-z]+)$")
# An absolute URI or URN (RFC 3986 scheme, then something); the NL GOV profile asks for one.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_JSON_MEDIA = re.compile(r"^application/json\s*(;.*)?$", re.IGNORECASE)
# An event of a batch while it is applied (in memory only: it is stored once decided).
_RECEIVED = "received"
MAX_ID, MAX_SOURCE, MAX_SUBJECT, MAX_TYPE = 200, 500, 200, 200
# Deadlocks (two batches locking the same rows in another order) and serialisation
# failures are retried with the whole request's work; the claims make this safe.
_RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 4
# A batch that lost a claim to a concurrent delivery starts over (and answers that event
# `duplicate`); each attempt waits for the delivery it lost to, so this ends.
CLAIM_ATTEMPTS = 20


class _ClaimLost(Exception):
    """Another delivery of an event in this batch committed while the batch was applied."""


# unnest keeps the array's order, so the locks are taken in key order.
_LOCK_SUBJECTS = text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"
).bindparams(bindparam("keys", type_=postgresql.ARRAY(postgresql.BIGINT)))


@dataclass
class Envelope:
    """One posted event, checked; `problem` is why it is rejected before being applied."""

    raw: Any
    event_id: str | None = None
    source: str | None = None
    type: str | None = None
    subject: str | None = None
    time: datetime | None = None
    record_type: RecordType | None = None
    action: str | None = None
    data: Any = None
    problem: DomainError | None = None
    # Whether it may claim (source, id): only with both present and the source the client's.
    claims: bool = False

    @property
    def key(self) -> tuple[str, str]:
        assert self.source is not None
        assert self.event_id is not None
        return self.source, self.event_id


@dataclass
class Outcome:
    status: str
    inbox_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    error: dict[str, Any] | None = None
    inbox_status: str | None = None
    decided: bool = field(default=False)


# ---------------------------------------------------------------- the envelope


def parse_envelope(raw: Any, caller: Caller) -> Envelope:
    """Checks one event against CloudEvents 1.0, the NL GOV profile and SPEC §5."""
    # Bad bytes and shapes (NUL, lone surrogates, depth, numbers out of range) reject the
    # event; it is kept escaped, so that storing it cannot fail the batch.
    raw, unsafe = checked_event(raw)
    envelope = Envelope(raw=raw)
    if not isinstance(raw, dict):
        envelope.problem = InvalidInput.one("event", "object", "An event must be a JSON object.")
        return envelope
    envelope.event_id = _text(raw.get("id"), MAX_ID)
    envelope.source = _text(raw.get("source"), MAX_SOURCE)
    envelope.type = _text(raw.get("type"), MAX_TYPE)
    envelope.subject = _text(raw.get("subject"), MAX_SUBJECT)

    if envelope.source is not None and envelope.source not in caller.event_sources:
        envelope.problem = Forbidden(
            f"The source `{envelope.source}` is not registered for this client; an admin "
            "registers a client's event sources."
        )
        return envelope
    if caller.partner is None:
        envelope.problem = Forbidden(
            "This client acts for no partner; events are registered for the client's partner."
        )
        return envelope
    envelope.claims = envelope.event_id is not None and envelope.source is not None

    errors = [*unsafe, *_envelope_errors(raw, envelope)]
    if errors:
        envelope.problem = InvalidInput(errors, "The event has invalid input; see invalidParams.")
    return envelope


def _text(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _envelope_errors(raw: dict[str, Any], envelope: Envelope) -> list[InvalidParam]:
    errors: list[InvalidParam] = []
    reported: set[str] = set()

    def add(name: str, code: str, reason: str) -> None:
        if name not in reported:
            reported.add(name)
            errors.append(InvalidParam(name=name, code=code, reason=reason))

    # Required by SPEC §5 beyond CloudEvents' own four (the SDK would default some).
    for name in ("specversion", "id", "source", "type", "time", "subject"):
        if raw.get(name) is None:
            add(name, "required", f"The attribute `{name}` is required.")
    attributes = {
        name: value
        for name, value in raw.items()
        if name not in ("data", "data_base64") and value is not None
    }
    time = attributes.get("time")
    if isinstance(time, str):
        try:
            attributes["time"] = envelope.time = isoparse(time)
        except ValueError:
            add("time", "date-time", "Not an RFC 3339 timestamp.")
            attributes.pop("time")
    try:
        CloudEvent(attributes, None)
    except CloudEventValidationError as error:
        for name, problems in error.errors.items():
            for problem in problems:
                add(name, _sdk_code(problem), str(problem))

    if isinstance(raw.get("id"), str) and len(raw["id"]) > MAX_ID:
        add("id", "max-length", f"At most {MAX_ID} characters.")
    source = raw.get("source")
    if isinstance(source, str) and source and not _URI.match(source):
        add("source", "uri", "Must be an absolute URI or URN, e.g. `urn:nl:politie:zhz:bvh`.")
    if isinstance(source, str) and len(source) > MAX_SOURCE:
        add("source", "max-length", f"At most {MAX_SOURCE} characters.")
    subject = raw.get("subject")
    if isinstance(subject, str) and len(subject) > MAX_SUBJECT:
        add("subject", "max-length", f"At most {MAX_SUBJECT} characters.")
    kind = raw.get("type")
    if isinstance(kind, str) and kind:
        match = _TYPE.match(kind)
        if match is None or match.group(1) not in BY_SINGULAR or match.group(2) not in ACTIONS:
            add(
                "type",
                "event-type",
                "Must be `nl.ondermijning.<resource>.created` or `….updated`, with <resource> "
                f"one of {', '.join(sorted(BY_SINGULAR))}.",
            )
        else:
            envelope.record_type = BY_SINGULAR[match.group(1)]
            envelope.action = match.group(2)
    content_type = raw.get("datacontenttype")
    if content_type is not None and not (
        isinstance(content_type, str) and _JSON_MEDIA.match(content_type)
    ):
        add("datacontenttype", "media-type", "Must be `application/json`.")
    if "data_base64" in raw:
        add("data_base64", "unsupported", "Binary data is not accepted; send JSON `data`.")
    data = raw.get("data")
    if data is None:
        add("data", "required", "The event's `data` (a JSON object) is required.")
    elif not isinstance(data, dict):
        add("data", "object", "The event's `data` must be a JSON object.")
    envelope.data = data
    return errors


def _sdk_code(problem: Exception) -> str:
    if isinstance(problem, MissingRequiredAttributeError):
        return "required"
    if isinstance(problem, InvalidAttributeTypeError):
        return "type"
    if isinstance(problem, CustomExtensionAttributeError):
        return "extension-name"
    return "invalid"


# ---------------------------------------------------------------- intake


def receive_events(
    session: Session, caller: Caller, raw_events: Sequence[Any]
) -> list[EventResult]:
    """Stores and applies the events, in input order, exactly once per (source, id)."""
    failures = lost = 0
    while True:
        try:
            if len(raw_events) == 1:
                return [_receive_one(session, caller, raw_events[0])]
            return _receive(session, caller, raw_events)
        except DBAPIError as error:
            code = getattr(error.orig, "sqlstate", None)
            failures += 1
            if code not in _RETRYABLE or failures == ATTEMPTS:
                raise
        except _ClaimLost:
            lost += 1
            if lost == CLAIM_ATTEMPTS:
                raise
        session.rollback()


def _receive(session: Session, caller: Caller, raw_events: Sequence[Any]) -> list[EventResult]:
    """A batch: redeliveries of stored events are answered `duplicate`; the others are
    applied (each run in a savepoint) and then stored with their outcomes in one INSERT,
    which also claims their (source, id). A claim lost to a delivery that committed
    meanwhile rolls everything back and starts over (`_ClaimLost`): the next attempt finds
    that delivery and answers it `duplicate`. Each event is written once, never updated."""
    now = utcnow()
    envelopes = [parse_envelope(raw, caller) for raw in raw_events]
    outcomes: list[Outcome | None] = [None] * len(envelopes)
    first_index: dict[tuple[str, str], int] = {}
    repeats: dict[int, int] = {}  # a repeat within the batch -> its first occurrence
    rows: dict[int, dict[str, Any]] = {}
    for index, envelope in enumerate(envelopes):
        if envelope.claims:
            if envelope.key in first_index:
                repeats[index] = first_index[envelope.key]
                continue
            first_index[envelope.key] = index
        row = _row(envelope, caller, now)
        rows[index] = row
        outcomes[index] = Outcome(
            status=row["status"], inbox_id=row["id"], error=row["error"], inbox_status=None
        )

    # Redeliveries of events stored earlier.
    if first_index:
        firsts = _first_deliveries(session, list(first_index))
        for key, index in first_index.items():
            if key in firsts:
                outcomes[index] = _duplicate_of(firsts[key], caller)
                del rows[index]

    to_apply = [
        index
        for index, outcome in enumerate(outcomes)
        if outcome is not None and outcome.status == _RECEIVED
    ]
    if to_apply and session.get_bind().dialect.name == "postgresql":
        _lock_subjects(session, caller, [envelopes[index] for index in to_apply])
    waiting = _pending_for(session, caller, [envelopes[i] for i in to_apply])
    batch_pending: list[int] = []
    for run in _runs(envelopes, to_apply):
        if len(run) > 1:
            _apply_creates(session, caller, envelopes, outcomes, run, batch_pending, now, waiting)
        else:
            _apply(session, caller, envelopes, outcomes, run[0], batch_pending, now, waiting)

    for index in to_apply:
        outcome = outcomes[index]
        assert outcome is not None
        outcome.error = without_echo(outcome.error, envelopes[index].raw)
        rows[index].update(
            status=outcome.status,
            error=outcome.error,
            record_id=outcome.record_id,
            decided_at=now if outcome.status != StoredStatus.PENDING else None,
        )
    stored = list(rows.values())
    if len(_insert_claims(session, stored)) < len(stored):
        raise _ClaimLost()
    results = []
    for index, envelope in enumerate(envelopes):
        if index in repeats:
            first = outcomes[repeats[index]]
            assert first is not None
            outcome = Outcome(
                status=EventStatus.DUPLICATE,
                inbox_id=first.inbox_id,
                record_id=first.record_id,
                error=first.error,
                inbox_status=first.status if first.status != EventStatus.DUPLICATE else None,
            )
            if first.status == EventStatus.DUPLICATE:
                outcome.inbox_status = first.inbox_status
        else:
            outcome = outcomes[index]
            assert outcome is not None
            if outcome.inbox_status is None:
                outcome.inbox_status = outcome.status
        results.append(_result(envelope, outcome))
    _audit_receipt(session, caller, results)
    return results


def _audit_receipt(session: Session, caller: Caller, results: list[EventResult]) -> None:
    """An accepted event is in the audit log as the record's own create or update (same
    request and trace id); what else was stored (pending, rejected) is noted once per
    request. Duplicates store nothing."""
    counts = {status: sum(r.status == status for r in results) for status in EventStatus}
    if not counts[EventStatus.PENDING] and not counts[EventStatus.REJECTED]:
        return
    audit(
        session,
        caller,
        "receive-events",
        resource="events",
        record_id=results[0].inbox_id if len(results) == 1 else None,
        outcome="failure" if counts[EventStatus.REJECTED] else "success",
        detail=", ".join(f"{n} {status.value}" for status, n in counts.items() if n),
    )


def _receive_one(session: Session, caller: Caller, raw: Any) -> EventResult:
    """One event, with fewer round trips than a batch: applied first and claimed last, in
    one transaction and without a savepoint. A bad event rolls the transaction back and is
    then stored as rejected; a claim lost to an earlier (or concurrent) delivery rolls back
    whatever this one did and answers `duplicate`. Either way exactly one delivery of a
    (source, id) commits. The claim of a create also tells whether updates of its subject
    are waiting (after the subject lock, so none is committed unseen); they are applied
    then, before the commit."""
    now = utcnow()
    envelope = parse_envelope(raw, caller)
    postgres = session.get_bind().dialect.name == "postgresql"
    status, record_id = StoredStatus.REJECTED.value, None
    # The record's audit entry is written by the claim's statement (one statement fewer).
    audit_rows: list[dict[str, Any]] = []
    if envelope.problem is None:
        record_type = envelope.record_type
        assert record_type is not None
        if postgres:
            # The subject lock, and the counting rules the write will need, in one statement.
            lock = _subject_lock(caller.partner, record_type.resource, envelope.subject)
            lock_and_read_rules(session, record_type.resource, lock)
        try:
            record_id = _apply_envelope(session, caller, envelope, audit_rows)
        except DomainError as error:
            session.rollback()
            audit_rows.clear()
            envelope.problem = error
        else:
            status = (StoredStatus.PENDING if record_id is None else StoredStatus.ACCEPTED).value
    row = _row(envelope, caller, now)
    if envelope.problem is None:
        row["status"], row["record_id"] = status, record_id
        row["decided_at"] = now if status == StoredStatus.ACCEPTED.value else None
    created = envelope.problem is None and envelope.action == "created"
    # On SQLite (one writer at a time) the pending updates are simply looked up afterwards.
    claim = _insert_claims(session, [row], waiting=created and postgres, audit_rows=audit_rows)
    if claim:
        if created and (not postgres or claim[0].waiting):
            assert envelope.record_type is not None
            _apply_pending(
                session, caller, [envelope], [None], envelope.record_type, envelope, [], now
            )
        outcome = Outcome(
            status=row["status"],
            inbox_id=row["id"],
            record_id=record_id,
            error=row["error"],
            inbox_status=row["status"],
        )
    else:
        session.rollback()  # a redelivery changes nothing
        firsts = _first_deliveries(session, [envelope.key])
        outcome = _duplicate_of(firsts.get(envelope.key), caller)
    result = _result(envelope, outcome)
    _audit_receipt(session, caller, [result])
    return result


def _row(envelope: Envelope, caller: Caller, now: datetime) -> dict[str, Any]:
    problem = envelope.problem
    record_type = envelope.record_type
    return {
        "id": new_id(),
        "source": envelope.source,
        "event_id": envelope.event_id if envelope.claims else None,
        "type": envelope.type,
        "subject": envelope.subject,
        "resource": record_type.resource if record_type is not None else None,
        "partner": caller.partner,
        "client_id": caller.client_id,
        "time": envelope.time,
        "received_at": now,
        "status": StoredStatus.REJECTED.value if problem is not None else _RECEIVED,
        # The stored reason repeats none of the event's values (SPEC §7).
        "error": without_echo(error_body(problem), envelope.raw) if problem is not None else None,
        "record_id": None,
        "decided_at": now if problem is not None else None,
        # A `null` in a batch is kept as the text it was: PostgreSQL's jsonb_to_recordset
        # would make JSON null an SQL NULL, which the column refuses.
        "event": envelope.raw if envelope.raw is not None else "null",
    }


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


def _insert_claims(
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


def _first_deliveries(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
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


def _duplicate_of(first: Any, caller: Caller) -> Outcome:
    if first is None or first.partner != caller.partner:
        # Another partner's event with this source and id: its outcome is not ours to see.
        return Outcome(status=EventStatus.DUPLICATE)
    return Outcome(
        status=EventStatus.DUPLICATE,
        inbox_id=first.id,
        record_id=first.record_id,
        error=first.error,
        inbox_status=first.status,
    )


def _subject_lock(partner: str | None, resource: str, subject: str | None) -> int:
    digest = hashlib.blake2b(f"{partner}\x1f{resource}\x1f{subject}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _lock_subjects(session: Session, caller: Caller, envelopes: list[Envelope]) -> None:
    """Serialises the events about one partner's record across transactions (PostgreSQL), so
    that an update arriving while its create commits is never left pending; in key order."""
    keys = sorted(
        {
            _subject_lock(caller.partner, envelope.record_type.resource, envelope.subject)
            for envelope in envelopes
            if envelope.record_type is not None
        }
    )
    if keys:
        session.connection().execute(_LOCK_SUBJECTS, {"keys": keys})


def _runs(envelopes: list[Envelope], indexes: list[int]) -> list[list[int]]:
    """The events in input order, with each run of consecutive creates of one record type
    together (they are stored in one go); any other event on its own."""
    runs: list[list[int]] = []
    for index in indexes:
        envelope = envelopes[index]
        previous = envelopes[runs[-1][-1]] if runs else None
        if (
            previous is not None
            and envelope.action == previous.action == "created"
            and envelope.record_type is previous.record_type
        ):
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _apply_creates(
    session: Session,
    caller: Caller,
    envelopes: list[Envelope],
    outcomes: list[Outcome | None],
    run: list[int],
    batch_pending: list[int],
    now: datetime,
    waiting: dict[tuple[str, str | None], list[InboxEvent]],
) -> None:
    """A run of creates of one record type through `create_records`: validated one by one,
    stored together. An event the record service would not take is rejected alone."""
    record_type = envelopes[run[0]].record_type
    assert record_type is not None
    bulk: list[int] = []
    for index in run:
        envelope = envelopes[index]
        if isinstance(envelope.data, dict) and not _ownership_errors(
            caller, envelope.subject, envelope.data
        ):
            bulk.append(index)
        else:  # reported with every problem by the one-by-one path
            _apply(session, caller, envelopes, outcomes, index, batch_pending, now, waiting)
    if not bulk:
        return
    documents = [{**envelopes[i].data, "externalId": envelopes[i].subject} for i in bulk]
    savepoint = session.begin_nested()
    try:
        results = records.create_records(session, caller, record_type, documents)
    except DomainError:
        # A linked record vanished meanwhile: find out which event it was, one by one.
        savepoint.rollback()
        for index in bulk:
            _apply(session, caller, envelopes, outcomes, index, batch_pending, now, waiting)
        return
    savepoint.commit()
    for index, result in zip(bulk, results, strict=True):
        envelope, outcome = envelopes[index], outcomes[index]
        assert outcome is not None
        if isinstance(result, DomainError):
            error = _in_data(result) if isinstance(result, InvalidInput) else result
            outcome.status, outcome.error = StoredStatus.REJECTED.value, error_body(error)
            continue
        outcome.status, outcome.record_id = StoredStatus.ACCEPTED.value, result.id
        stored = waiting.get((record_type.resource, envelope.subject), [])
        if stored or any(envelopes[i].subject == envelope.subject for i in batch_pending):
            _apply_pending(
                session,
                caller,
                envelopes,
                outcomes,
                record_type,
                envelope,
                batch_pending,
                now,
                stored,
            )


def _apply(
    session: Session,
    caller: Caller,
    envelopes: list[Envelope],
    outcomes: list[Outcome | None],
    index: int,
    batch_pending: list[int],
    now: datetime,
    waiting: dict[tuple[str, str | None], list[InboxEvent]],
) -> None:
    envelope = envelopes[index]
    outcome = outcomes[index]
    assert outcome is not None
    assert envelope.record_type is not None
    record_type = envelope.record_type
    savepoint = session.begin_nested()
    record_id: uuid.UUID | None
    try:
        record_id = _apply_envelope(session, caller, envelope)
    except DomainError as error:
        savepoint.rollback()
        outcome.status, outcome.error = StoredStatus.REJECTED.value, error_body(error)
        return
    savepoint.commit()
    if record_id is None:
        outcome.status = StoredStatus.PENDING.value
        batch_pending.append(index)
        return
    outcome.status, outcome.record_id = StoredStatus.ACCEPTED.value, record_id
    if envelope.action == "created":
        stored = waiting.get((record_type.resource, envelope.subject), [])
        _apply_pending(
            session, caller, envelopes, outcomes, record_type, envelope, batch_pending, now, stored
        )


def _apply_pending(
    session: Session,
    caller: Caller,
    envelopes: list[Envelope],
    outcomes: list[Outcome | None],
    record_type: RecordType,
    created: Envelope,
    batch_pending: list[int],
    now: datetime,
    stored: list[InboxEvent] | None = None,
) -> None:
    """Applies the updates that arrived before this create, in arrival order: those stored
    by earlier requests first, then those earlier in this batch."""
    if stored is None:
        stored = _pending_for(session, caller, [created]).get(
            (record_type.resource, created.subject), []
        )
    for row in stored:
        sender = (
            caller if row.client_id == caller.client_id else _caller_by_id(session, row.client_id)
        )
        data = row.event.get("data") if isinstance(row.event, dict) else None
        status, record_id, error = _apply_late(session, sender, record_type, row.subject, data)
        error = without_echo(error, row.event)
        row.status, row.record_id, row.error, row.decided_at = status, record_id, error, now
        session.add(row)
    for index in [i for i in batch_pending if envelopes[i].subject == created.subject]:
        envelope, outcome = envelopes[index], outcomes[index]
        if envelope.record_type is not record_type or outcome is None:
            continue
        batch_pending.remove(index)
        outcome.status, outcome.record_id, outcome.error = _apply_late(
            session, caller, record_type, envelope.subject, envelope.data
        )


def _pending_for(
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


def _apply_late(
    session: Session, caller: Caller, record_type: RecordType, subject: str | None, data: Any
) -> tuple[str, uuid.UUID | None, dict[str, Any] | None]:
    savepoint = session.begin_nested()
    try:
        record_id = _update(session, caller, record_type, subject, data)
    except DomainError as error:
        savepoint.rollback()
        return StoredStatus.REJECTED.value, None, error_body(error)
    savepoint.commit()
    if record_id is None:  # cannot happen right after its create; kept pending if it does
        return StoredStatus.PENDING.value, None, None
    return StoredStatus.ACCEPTED.value, record_id, None


def _caller_by_id(session: Session, client_id: uuid.UUID) -> Caller:
    client = session.get(Client, client_id)
    assert client is not None  # clients are revoked, never deleted
    return caller_of(client)


def _ownership_errors(
    caller: Caller, subject: str | None, data: dict[str, Any]
) -> list[InvalidParam]:
    """`partner` comes from the client and `externalId` from `subject`, never otherwise."""
    errors = []
    if data.get("partner") is not None and data["partner"] != caller.partner:
        errors.append(
            InvalidParam(
                name="data.partner",
                code="not-your-partner",
                reason="Events are registered for the client's own partner.",
            )
        )
    if data.get("externalId") is not None and data["externalId"] != subject:
        errors.append(
            InvalidParam(
                name="data.externalId",
                code="subject-mismatch",
                reason="The record's externalId is the event's `subject`.",
            )
        )
    return errors


def _in_data(error: InvalidInput) -> InvalidInput:
    params = [
        InvalidParam(
            name="data" if p.name == "body" else f"data.{p.name}", code=p.code, reason=p.reason
        )
        for p in error.invalid_params
    ]
    return InvalidInput(params, "The event's data has invalid input; see invalidParams.")


def _apply_envelope(
    session: Session,
    caller: Caller,
    envelope: Envelope,
    audit_rows: list[dict[str, Any]] | None = None,
) -> uuid.UUID | None:
    """The record the event made or changed; None for an update whose record is not there."""
    record_type = envelope.record_type
    assert record_type is not None
    if envelope.action == "created":
        return _create(session, caller, record_type, envelope.subject, envelope.data, audit_rows)
    return _update(session, caller, record_type, envelope.subject, envelope.data)


def _create(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    subject: str | None,
    data: Any,
    audit_rows: list[dict[str, Any]] | None = None,
) -> uuid.UUID:
    document = {**data, "externalId": subject}
    errors = _ownership_errors(caller, subject, data)
    if errors:
        # Report every problem at once: the record's own too (validation writes nothing).
        document.pop("partner", None)
        try:
            records.validate_document(session, caller, record_type, document)
        except InvalidInput as error:
            errors += _in_data(error).invalid_params
        raise InvalidInput(errors, "The event's data has invalid input; see invalidParams.")
    try:
        record = records.create_record(
            session, caller, record_type, document, audit_rows=audit_rows
        )
    except InvalidInput as error:
        raise _in_data(error) from error
    record_id: uuid.UUID = record.id
    return record_id


def _update(
    session: Session, caller: Caller, record_type: RecordType, subject: str | None, data: Any
) -> uuid.UUID | None:
    """The record changed, or None when the partner has no record with this subject yet."""
    if not isinstance(data, dict):
        raise InvalidInput.one("data", "object", "The event's `data` must be a JSON object.")
    model = record_type.model
    record = session.scalars(
        select(model)
        .where(col(model.partner) == caller.partner, col(model.external_id) == subject)
        .with_for_update()
    ).first()
    if record is None:
        return None
    errors = _ownership_errors(caller, subject, data)
    if errors:
        raise InvalidInput(errors, "The event's data has invalid input; see invalidParams.")
    try:
        record = records.update_record(session, caller, record_type, record, data)
    except InvalidInput as error:
        raise _in_data(error) from error
    record_id: uuid.UUID = record.id
    return record_id


def error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if isinstance(error, InvalidInput):
        body["invalidParams"] = [param.model_dump() for param in error.invalid_params]
    return body


def _result(envelope: Envelope, outcome: Outcome) -> EventResult:
    return EventResult(
        id=envelope.event_id,
        source=envelope.source,
        status=EventStatus(outcome.status),
        record_id=outcome.record_id,
        error=outcome.error,
        inbox_id=outcome.inbox_id,
        inbox_status=StoredStatus(outcome.inbox_status) if outcome.inbox_status else None,
    )


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
    error = error_body(
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
