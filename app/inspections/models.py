"""The inspections table and its links to the signals that came out of an inspection."""

import uuid
from datetime import date

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.db import JSONType
from app.records.models import RecordColumns, record_table_args


class Inspection(RecordColumns, table=True):
    __tablename__ = "inspections"
    __table_args__ = record_table_args(
        "inspections",
        "occurred_on",
        # Covering index of statistics and the terugblik (index-only on PostgreSQL): the
        # date with every column they group, filter or sum on (tests/test_architecture.py).
        Index(
            "ix_inspections_occurred_on_aggregate",
            "occurred_on",
            postgresql_include=[
                "kind",
                "sector",
                "neighbourhood",
                "theme",
                "partner",
                "confidentiality",
                "businesses_inspected",
                "partners",
            ],
        ),
    )

    kind: str = Field(max_length=40, index=True)
    occurred_on: date  # indexed by ix_inspections_occurred_on_aggregate
    sector: str | None = Field(default=None, max_length=100)
    businesses_inspected: int | None = None
    neighbourhood: str | None = Field(default=None, max_length=100, index=True)
    partners: list[str] = Field(default_factory=list, sa_type=JSONType)
    findings: str | None = Field(default=None, sa_type=Text)


class InspectionSignal(SQLModel, table=True):
    __tablename__ = "inspection_signals"

    inspection_id: uuid.UUID = Field(
        foreign_key="inspections.id", primary_key=True, ondelete="CASCADE"
    )
    signal_id: uuid.UUID = Field(
        foreign_key="signals.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int = 0
