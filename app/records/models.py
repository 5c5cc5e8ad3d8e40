"""Columns every record table shares, the reference-number counters and idempotency keys."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class RecordColumns(SQLModel):
    """Shared by signals, bestuurlijke rapportages, measures, campaigns and inspections."""

    # UUIDv7: also the keyset-paging order (newest first), immutable and unique.
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    # Indexed by the (partner, externalId) and (partner, date) indexes it leads.
    partner: str = Field(foreign_key="partners.code", max_length=40)
    external_id: str | None = Field(default=None, max_length=200)
    theme: str | None = Field(default=None, foreign_key="themes.code", max_length=60, index=True)
    confidentiality: str = Field(default="vertrouwelijk", max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="clients.id")
    version: int = 1
    # When the record reached a closing state (retention counts from here), and when its
    # personal data were blanked by the retention purge.
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def record_table_args(table: str, date_column: str, *aggregates: Index) -> tuple[Any, ...]:
    """`externalId` unique per partner, the partner+date index that scoped lists use, and
    the type's own indexes for aggregates (the terugblik's covering indexes)."""
    return (
        UniqueConstraint("partner", "external_id", name=f"uq_{table}_partner_external_id"),
        Index(f"ix_{table}_partner_{date_column}", "partner", date_column),
        *aggregates,
    )


class ReferenceCounter(SQLModel, table=True):
    """Per prefix and year the last number handed out, e.g. SIG-2023-000017."""

    __tablename__ = "reference_counters"

    prefix: str = Field(max_length=8, primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class IdempotencyKey(SQLModel, table=True):
    """The first response to a POST with an `Idempotency-Key`, replayed for repeats."""

    __tablename__ = "idempotency_keys"

    client_id: uuid.UUID = Field(foreign_key="clients.id", primary_key=True)
    key: str = Field(max_length=200, primary_key=True)
    request_hash: str = Field(max_length=64)
    method: str = Field(max_length=10)
    path: str = Field(max_length=300)
    status_code: int | None = None
    response_body: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    location: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
