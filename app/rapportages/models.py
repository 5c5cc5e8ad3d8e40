"""The bestuurlijke_rapportages table and its links to signals."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.db import JSONType
from app.records.models import RecordColumns, record_table_args, subject_indexes


class BestuurlijkeRapportage(RecordColumns, table=True):
    __tablename__ = "bestuurlijke_rapportages"
    __table_args__ = record_table_args(
        "bestuurlijke_rapportages",
        "received_on",
        # Covering index of statistics and the terugblik (index-only on PostgreSQL): the
        # date with every column they group, filter or sum on (tests/test_architecture.py).
        Index(
            "ix_bestuurlijke_rapportages_received_on_aggregate",
            "received_on",
            postgresql_include=["drug_category", "status", "theme", "partner", "confidentiality"],
        ),
    )

    received_on: date  # indexed by ix_bestuurlijke_rapportages_received_on_aggregate
    drug_category: str | None = Field(default=None, max_length=20, index=True)
    address: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    kvk_number: str | None = Field(default=None, max_length=8)
    summary: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="ontvangen", max_length=20, index=True)


subject_indexes(BestuurlijkeRapportage)


class RapportageSignal(SQLModel, table=True):
    __tablename__ = "rapportage_signals"

    rapportage_id: uuid.UUID = Field(
        foreign_key="bestuurlijke_rapportages.id", primary_key=True, ondelete="CASCADE"
    )
    signal_id: uuid.UUID = Field(
        foreign_key="signals.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int = 0
