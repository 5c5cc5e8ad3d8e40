"""Columns every record table shares, the reference-number counters and idempotency keys."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Index, String, UniqueConstraint, func, literal_column
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


# The orders of `sort=` besides the type's own date field (SPEC §4.1).
SORT_COLUMNS = ("created_at", "updated_at", "reference")


def record_table_args(table: str, date_column: str, *aggregates: Index) -> tuple[Any, ...]:
    """`externalId` unique per partner, and for every `sort=` order an index on (key, id)
    and on (partner, key, id): a page is an index seek, for a partner's list and for all
    partners' alike, on page 1 as on page 500 (the keyset cursor holds the key and id)."""
    by_partner = [
        Index(f"ix_{table}_partner_{key}_id", "partner", key, "id")
        for key in (date_column, *SORT_COLUMNS)
    ]
    # The reference is unique: its own unique index serves lists across partners.
    across = [Index(f"ix_{table}_{key}_id", key, "id") for key in ("created_at", "updated_at")]
    return (
        UniqueConstraint("partner", "external_id", name=f"uq_{table}_partner_external_id"),
        *by_partner,
        *across,
        *aggregates,
    )


def _text(sql: str) -> Any:
    return literal_column(sql, String())


def postcode_of(address: Any) -> ColumnElement[str]:
    """`address ->> 'postcode'`, the stored postcode (already `1234 AB`: the input validation
    normalises it). The same SQL on PostgreSQL (JSONB) and SQLite (3.38+), with nothing
    bound, so that a query's expression is the index's (`subject_indexes`)."""
    return address.op("->>", return_type=String())(_text("'postcode'"))


def house_number_of(address: Any) -> ColumnElement[str]:
    """The stored house number, upper case without spaces or dashes (`12-a` is `12A`)."""
    raw = address.op("->>", return_type=String())(_text("'houseNumber'"))
    stripped = func.replace(func.replace(raw, _text("' '"), _text("''")), _text("'-'"), _text("''"))
    return func.upper(stripped, type_=String())


def subject_indexes(model: Any) -> None:
    """The indexes of a record table that names a business or premises (SPEC §4.2): its
    KvK number, and its address' postcode and house number."""
    table = model.__tablename__
    Index(f"ix_{table}_kvk_number", model.kvk_number)
    Index(
        f"ix_{table}_address_postcode_house_number",
        postcode_of(model.address),
        house_number_of(model.address),
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
