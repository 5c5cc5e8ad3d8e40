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
        # Covering index of statistics and the terugblik (index-only on PostgreSQL): the
        # date with every column they group, filter or sum on (tests/test_architecture.py).
        Index(
            "ix_measures_decided_on_aggregate",
            "decided_on",
            postgresql_include=[
                "kind",
                "legal_basis",
                "drug_category",
                "status",
                "theme",
                "partner",
                "confidentiality",
                "duration_months",
                "rapportage_id",
            ],
        ),
    )

    kind: str = Field(max_length=40, index=True)
    legal_basis: str | None = Field(default=None, max_length=40, index=True)
    drug_category: str | None = Field(default=None, max_length=20, index=True)
    decided_on: date  # indexed by ix_measures_decided_on_aggregate
    rapportage_id: uuid.UUID | None = Field(
        default=None, foreign_key="bestuurlijke_rapportages.id", index=True, ondelete="SET NULL"
    )
    duration_months: int | None = None
    address: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    kvk_number: str | None = Field(default=None, max_length=8)
    description: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="voornemen", max_length=20, index=True)


subject_indexes(Measure)
