"""The audit_events table; PostgreSQL refuses UPDATE and DELETE on it by trigger.

The one change the trigger lets through (migration 0009) is raising the `count` of a
failed-authentication entry: repeated failures from one address within a minute are one
entry (app/access/limits.py), which is also what the limit counts.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_resource_record_id", "resource", "record_id"),
        # One entry per address and minute of failed authentications, the upsert's target;
        # partial, so that the many other entries cost this index nothing.
        Index(
            "ix_audit_events_failure_window",
            "client_address",
            "failure_window",
            unique=True,
            sqlite_where=text("failure_window IS NOT NULL"),
            postgresql_where=text("failure_window IS NOT NULL"),
        ),
    )

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
    outcome: str = Field(max_length=20)  # success | failure | denied | not-found | invalid
    detail: str | None = Field(default=None, max_length=500)
    # The address the request came from (the ASGI scope's client: behind trusted proxies
    # uvicorn has applied X-Forwarded-For).
    client_address: str | None = Field(default=None, max_length=64)
    # How many times it happened: 1, except for collapsed failed authentications.
    count: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    # The minute (its start) of a collapsed failed-authentication entry; null otherwise.
    failure_window: datetime | None = Field(default=None, sa_type=UTCDateTime)
