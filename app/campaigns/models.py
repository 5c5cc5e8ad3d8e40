"""The campaigns table."""

from datetime import date

from sqlalchemy import Index, Text
from sqlmodel import Field

from app.db import JSONType
from app.records.models import RecordColumns, record_table_args


class Campaign(RecordColumns, table=True):
    __tablename__ = "campaigns"
    __table_args__ = record_table_args(
        "campaigns",
        "starts_on",
        # Covering index of statistics and the terugblik (index-only on PostgreSQL): the
        # date with every column they group, filter or sum on (tests/test_architecture.py).
        Index(
            "ix_campaigns_starts_on_aggregate",
            "starts_on",
            postgresql_include=[
                "kind",
                "pillar",
                "theme",
                "partner",
                "confidentiality",
                "participants",
                "audiences",
                "organisations",
            ],
        ),
    )

    kind: str = Field(max_length=40, index=True)
    title: str = Field(max_length=300)
    audiences: list[str] = Field(default_factory=list, sa_type=JSONType)
    pillar: str = Field(max_length=20, index=True)
    starts_on: date  # indexed by ix_campaigns_starts_on_aggregate
    ends_on: date | None = None
    organisations: list[str] = Field(default_factory=list, sa_type=JSONType)
    participants: int | None = None
    description: str | None = Field(default=None, sa_type=Text)
