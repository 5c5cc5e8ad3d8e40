"""The measures table."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field

from app.db import JSONType
from app.records.models import RecordColumns, record_table_args, subject_indexes


class Measure(RecordColumns, table=True):
    __tablename__ = "measures"
    __table_args__ = record_table_args(
        "measures",
        "decided_on",
        # Covering index of the terugblik's counts (index-only on PostgreSQL).
        Index(
            "ix_measures_decided_on_aggregate",
            "decided_on",
            postgresql_include=[
                "status",
                "confidentiality",
                "theme",
                "rapportage_id",
                "kind",
                "drug_category",
            ],
        ),
    )

    kind: str = Field(max_length=40, index=True)
    legal_basis: str | None = Field(default=None, max_length=40, index=True)
    drug_category: str | None = Field(default=None, max_length=20, index=True)
    decided_on: date = Field(index=True)
    rapportage_id: uuid.UUID | None = Field(
        default=None, foreign_key="bestuurlijke_rapportages.id", index=True, ondelete="SET NULL"
    )
    duration_months: int | None = None
    address: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    kvk_number: str | None = Field(default=None, max_length=8)
    description: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="voornemen", max_length=20, index=True)


subject_indexes(Measure)
