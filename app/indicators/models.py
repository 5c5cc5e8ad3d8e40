"""Tables of the plan's indicators and their milestone updates; seeded by a data migration,
editable by admin (indicators) and coordinators (milestone updates)."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import JSONType, UTCDateTime, new_id, utcnow


class Indicator(SQLModel, table=True):
    """A countable target or a milestone; `count` indicators carry their counting rule as data."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id", index=True)
    pillar_id: int = Field(foreign_key="pillars.id", index=True)
    code: str = Field(max_length=80, index=True)
    theme: str | None = Field(default=None, foreign_key="themes.code", max_length=60)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=20)  # count | milestone
    target_value: int | None = None
    target_per: str | None = Field(default=None, max_length=10)  # year | plan
    # Counting rule (kind=count): the resource, filters {field: [values]}, and an optional
    # numeric field to sum instead of counting records.
    count_resource: str | None = Field(default=None, max_length=40)
    count_filters: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    count_field: str | None = Field(default=None, max_length=60)
    position: int = 0


class MilestoneUpdate(SQLModel, table=True):
    __tablename__ = "milestone_updates"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    indicator_id: int = Field(foreign_key="indicators.id", index=True)
    date: dt.date
    status: str = Field(max_length=20)  # niet-gestart | gestart | afgerond
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="clients.id")
