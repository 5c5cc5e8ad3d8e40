"""The signals table."""

from datetime import date
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field

from app.db import JSONType
from app.records.models import RecordColumns, record_table_args, subject_indexes


class Signal(RecordColumns, table=True):
    __tablename__ = "signals"
    __table_args__ = record_table_args(
        "signals",
        "received_on",
        # Covering indexes of statistics and the terugblik (index-only on PostgreSQL): the
        # date with every column they group, filter or sum on (tests/test_architecture.py).
        Index(
            "ix_signals_received_on_aggregate",
            "received_on",
            postgresql_include=[
                "channel",
                "subject_kind",
                "status",
                "neighbourhood",
                "theme",
                "partner",
                "confidentiality",
            ],
        ),
        Index(
            "ix_signals_discussed_on_aggregate",
            "discussed_on",
            postgresql_include=["confidentiality"],
        ),
        Index(
            "ix_signals_channel_received_on",
            "channel",
            "received_on",
            postgresql_include=["confidentiality"],
        ),
    )

    channel: str = Field(max_length=40, index=True)
    received_on: date  # indexed by ix_signals_received_on_aggregate
    discussed_on: date | None = Field(default=None, index=True)
    subject_kind: str = Field(default="onbekend", max_length=20, index=True)
    kvk_number: str | None = Field(default=None, max_length=8)
    address: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    neighbourhood: str | None = Field(default=None, max_length=100, index=True)
    description: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="nieuw", max_length=20, index=True)


subject_indexes(Signal)
