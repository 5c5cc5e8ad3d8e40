"""The audit_events table; PostgreSQL refuses UPDATE and DELETE on it by trigger."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_resource_record_id", "resource", "record_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # No foreign key: the log outlives what it speaks of.
    client_id: uuid.UUID | None = Field(default=None, index=True)
    client_name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=20)
    partner: str | None = Field(default=None, max_length=40)
    # client (an API key: client_id) | person (an access token: subject is its `sub`,
    # client_name its `name`); null for a failed authentication.
    actor_kind: str | None = Field(default=None, max_length=10)
    subject: str | None = Field(default=None, max_length=255)
    action: str = Field(max_length=40, index=True)
    resource: str | None = Field(default=None, max_length=60)
    record_id: str | None = Field(default=None, max_length=64)
    # {field: {"old": …, "new": …}}; personal-data fields carry only that they changed.
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    request_id: str | None = Field(default=None, max_length=64)
    trace_id: str | None = Field(default=None, max_length=32)
    outcome: str = Field(max_length=20)  # success | failure | denied
    detail: str | None = Field(default=None, max_length=500)
