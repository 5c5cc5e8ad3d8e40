"""The partner-event inbox: every event a partner posted, its outcome and the record it made."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class InboxEvent(SQLModel, table=True):
    __tablename__ = "inbox_events"
    __table_args__ = (
        # Exactly-once: the CloudEvents (source, id) is claimed with INSERT … ON CONFLICT DO
        # NOTHING. `event_id` is NULL for events that could not claim it (no usable id, or a
        # source not registered for the client), so that such an event can never block the
        # real owner of that source; NULLs never conflict.
        UniqueConstraint("source", "event_id", name="uq_inbox_events_source_event_id"),
        # Pending updates are found by the partner's subject when its create arrives, and
        # swept after PENDING_EVENT_DAYS. Partial: only the few pending rows are in them,
        # so storing an accepted or rejected event does not touch them.
        Index(
            "ix_inbox_events_pending",
            "partner",
            "resource",
            "subject",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_inbox_events_pending_received_at",
            "received_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # Lists are per partner, newest first.
        Index("ix_inbox_events_partner_id", "partner", "id"),
    )

    # UUIDv7: arrival order and the paging key.
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    source: str | None = Field(default=None, max_length=500)
    event_id: str | None = Field(default=None, max_length=200)
    type: str | None = Field(default=None, max_length=200)
    subject: str | None = Field(default=None, max_length=200)
    resource: str | None = Field(default=None, max_length=40)
    partner: str | None = Field(default=None, max_length=40)
    client_id: uuid.UUID = Field(foreign_key="clients.id")
    time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # accepted | pending | rejected. A redelivery is answered `duplicate` and stores nothing.
    status: str = Field(max_length=20)
    # For a rejected event: a problem without `instance` ({type, title, status, detail,
    # invalidParams}).
    error: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    record_id: uuid.UUID | None = Field(default=None)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The event as posted. Its `data` is personal data: kept because a pending update must be
    # applied later, never logged and never shown in the API.
    event: Any = Field(default=None, sa_type=JSONType)
