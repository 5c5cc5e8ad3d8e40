"""Exactly-once intake of partner events: each event is claimed in the inbox by its
`(source, id)` with INSERT … ON CONFLICT DO NOTHING and applied through the record service
(`create_records`, `update_record`), so a record looks the same whichever way it came in.
In a batch each event is applied in a savepoint of its own: a bad event rolls back only
itself and is kept as `rejected`."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.access.caller import Caller
from app.access.models import Client
from app.access.service import caller_of
from app.audit.service import audit
from app.db import new_id, utcnow
from app.events.envelope import Envelope, in_data, ownership_errors, parse_envelope
from app.events.models import InboxEvent
from app.events.queries import (
    first_deliveries,
    insert_claims,
    lock_subjects,
    pending_for,
    subject_lock,
)
from app.events.schemas import EventResult, EventStatus, StoredStatus
from app.problems import DomainError, InvalidInput, problem_of
from app.progress.rollups import lock_and_read_rules
from app.records import service as records
from app.records.kind import RecordType
from app.safety import without_echo

# An event of a batch while it is applied (in memory only: it is stored once decided).
_RECEIVED = "received"
# Deadlocks (two batches locking the same rows in another order) and serialisation
# failures are retried with the whole request's work; the claims make this safe.
_RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 4
# A batch that lost a claim to a concurrent delivery starts over (and answers that event
# `duplicate`); each attempt waits for the delivery it lost to, so this ends.
CLAIM_ATTEMPTS = 20


class _ClaimLost(Exception):
    """Another delivery of an event in this batch committed while the batch was applied."""


@dataclass
class Outcome:
    status: str
    inbox_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    error: dict[str, Any] | None = None
    inbox_status: str | None = None
    decided: bool = field(default=False)


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

    # The subject locks first, then the lookup of earlier deliveries: a batch overlapping
    # one that is being applied waits for it and then finds its events stored (answering
    # them `duplicate`), instead of applying them again and losing the claims at the end.
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        lock_subjects(session, caller, [envelopes[index] for index in rows])
    # Redeliveries of events stored earlier.
    if first_index:
        firsts = first_deliveries(session, list(first_index))
        for key, index in first_index.items():
            if key in firsts:
                outcomes[index] = _duplicate_of(firsts[key], caller)
                del rows[index]

    to_apply = [
        index
        for index, outcome in enumerate(outcomes)
        if outcome is not None and outcome.status == _RECEIVED
    ]
    batch = Batch(
        session,
        caller,
        now,
        envelopes,
        outcomes,
        waiting=pending_for(session, caller, [envelopes[i] for i in to_apply]),
    )
    for run in _runs(envelopes, to_apply):
        batch.apply_run(run)

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
    if len(insert_claims(session, stored)) < len(stored):
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
            lock = subject_lock(caller.partner, record_type.resource, envelope.subject)
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
    claim = insert_claims(session, [row], waiting=created and postgres, audit_rows=audit_rows)
    if claim:
        if created and (not postgres or claim[0].waiting):
            assert envelope.record_type is not None
            batch = Batch(session, caller, now, [envelope], [None])
            batch.apply_pending(envelope.record_type, envelope)
        outcome = Outcome(
            status=row["status"],
            inbox_id=row["id"],
            record_id=record_id,
            error=row["error"],
            inbox_status=row["status"],
        )
    else:
        session.rollback()  # a redelivery changes nothing
        firsts = first_deliveries(session, [envelope.key])
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
        "error": without_echo(problem_of(problem), envelope.raw) if problem is not None else None,
        "record_id": None,
        "decided_at": now if problem is not None else None,
        # A `null` in a batch is kept as the text it was: PostgreSQL's jsonb_to_recordset
        # would make JSON null an SQL NULL, which the column refuses.
        "event": envelope.raw if envelope.raw is not None else "null",
    }


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


Waiting = dict[tuple[str, str | None], list[InboxEvent]]


@dataclass
class Batch:
    """A request's events while they are applied: what every step reads and changes."""

    session: Session
    caller: Caller
    now: datetime
    envelopes: list[Envelope]
    outcomes: list[Outcome | None]
    # Updates stored by earlier requests, by (resource, subject), for this batch's creates.
    waiting: Waiting = field(default_factory=dict)
    # This batch's updates that arrived before their create (indexes), in arrival order.
    pending: list[int] = field(default_factory=list)

    def apply_run(self, run: list[int]) -> None:
        if len(run) > 1:
            self.apply_creates(run)
        else:
            self.apply(run[0])

    def apply_creates(self, run: list[int]) -> None:
        """A run of creates of one record type through `create_records`: validated one by
        one, stored together. An event the record service would not take is rejected alone."""
        envelopes, session, caller = self.envelopes, self.session, self.caller
        record_type = envelopes[run[0]].record_type
        assert record_type is not None
        bulk: list[int] = []
        for index in run:
            envelope = envelopes[index]
            if isinstance(envelope.data, dict) and not ownership_errors(
                caller, envelope.subject, envelope.data
            ):
                bulk.append(index)
            else:  # reported with every problem by the one-by-one path
                self.apply(index)
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
                self.apply(index)
            return
        savepoint.commit()
        for index, result in zip(bulk, results, strict=True):
            envelope, outcome = envelopes[index], self.outcomes[index]
            assert outcome is not None
            if isinstance(result, DomainError):
                error = in_data(result) if isinstance(result, InvalidInput) else result
                outcome.status, outcome.error = StoredStatus.REJECTED.value, problem_of(error)
                continue
            outcome.status, outcome.record_id = StoredStatus.ACCEPTED.value, result.id
            stored = self.waiting.get((record_type.resource, envelope.subject), [])
            if stored or any(envelopes[i].subject == envelope.subject for i in self.pending):
                self.apply_pending(record_type, envelope, stored)

    def apply(self, index: int) -> None:
        """One event in a savepoint of its own."""
        envelope, outcome = self.envelopes[index], self.outcomes[index]
        assert outcome is not None
        assert envelope.record_type is not None
        record_type = envelope.record_type
        savepoint = self.session.begin_nested()
        record_id: uuid.UUID | None
        try:
            record_id = _apply_envelope(self.session, self.caller, envelope)
        except DomainError as error:
            savepoint.rollback()
            outcome.status, outcome.error = StoredStatus.REJECTED.value, problem_of(error)
            return
        savepoint.commit()
        if record_id is None:
            outcome.status = StoredStatus.PENDING.value
            self.pending.append(index)
            return
        outcome.status, outcome.record_id = StoredStatus.ACCEPTED.value, record_id
        if envelope.action == "created":
            stored = self.waiting.get((record_type.resource, envelope.subject), [])
            self.apply_pending(record_type, envelope, stored)

    def apply_pending(
        self, record_type: RecordType, created: Envelope, stored: list[InboxEvent] | None = None
    ) -> None:
        """Applies the updates that arrived before this create, in arrival order: those
        stored by earlier requests first (looked up when not given), then those earlier in
        this batch."""
        session, caller = self.session, self.caller
        if stored is None:
            stored = pending_for(session, caller, [created]).get(
                (record_type.resource, created.subject), []
            )
        for row in stored:
            sender = (
                caller
                if row.client_id == caller.client_id
                else _caller_by_id(session, row.client_id)
            )
            data = row.event.get("data") if isinstance(row.event, dict) else None
            status, record_id, error = _apply_late(session, sender, record_type, row.subject, data)
            error = without_echo(error, row.event)
            row.status, row.record_id, row.error, row.decided_at = (
                status,
                record_id,
                error,
                self.now,
            )
            session.add(row)
        for index in [i for i in self.pending if self.envelopes[i].subject == created.subject]:
            envelope, outcome = self.envelopes[index], self.outcomes[index]
            if envelope.record_type is not record_type or outcome is None:
                continue
            self.pending.remove(index)
            outcome.status, outcome.record_id, outcome.error = _apply_late(
                session, caller, record_type, envelope.subject, envelope.data
            )


def _apply_late(
    session: Session, caller: Caller, record_type: RecordType, subject: str | None, data: Any
) -> tuple[str, uuid.UUID | None, dict[str, Any] | None]:
    savepoint = session.begin_nested()
    try:
        record_id = _update(session, caller, record_type, subject, data)
    except DomainError as error:
        savepoint.rollback()
        return StoredStatus.REJECTED.value, None, problem_of(error)
    savepoint.commit()
    if record_id is None:  # cannot happen right after its create; kept pending if it does
        return StoredStatus.PENDING.value, None, None
    return StoredStatus.ACCEPTED.value, record_id, None


def _caller_by_id(session: Session, client_id: uuid.UUID) -> Caller:
    client = session.get(Client, client_id)
    assert client is not None  # clients are revoked, never deleted
    return caller_of(client)


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
    errors = ownership_errors(caller, subject, data)
    if errors:
        # Report every problem at once: the record's own too (validation writes nothing).
        document.pop("partner", None)
        try:
            records.validate_document(session, caller, record_type, document)
        except InvalidInput as error:
            errors += in_data(error).invalid_params
        raise InvalidInput(errors, "The event's data has invalid input; see invalidParams.")
    try:
        record = records.create_record(
            session, caller, record_type, document, audit_rows=audit_rows
        )
    except InvalidInput as error:
        raise in_data(error) from error
    record_id: uuid.UUID = record.id
    return record_id


def _update(
    session: Session, caller: Caller, record_type: RecordType, subject: str | None, data: Any
) -> uuid.UUID | None:
    """The record changed, or None when the partner has no record with this subject that
    the caller may read (yet)."""
    if not isinstance(data, dict):
        raise InvalidInput.one("data", "object", "The event's `data` must be a JSON object.")
    # A record above the caller's ceiling is treated as one that is not there (SPEC §5).
    record = records.find_readable_by_external_id(session, caller, record_type, subject or "")
    if record is None:
        return None
    errors = ownership_errors(caller, subject, data)
    if errors:
        raise InvalidInput(errors, "The event's data has invalid input; see invalidParams.")
    try:
        record = records.update_record(session, caller, record_type, record, data)
    except InvalidInput as error:
        raise in_data(error) from error
    record_id: uuid.UUID = record.id
    return record_id


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
