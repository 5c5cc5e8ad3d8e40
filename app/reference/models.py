"""Tables of the reference data; seeded by a data migration, editable by admin."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Plan(SQLModel, table=True):
    __tablename__ = "plans"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date


class Pillar(SQLModel, table=True):
    __tablename__ = "pillars"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=200)
    position: int = 0


class Theme(SQLModel, table=True):
    __tablename__ = "themes"

    code: str = Field(max_length=60, primary_key=True)
    title: str = Field(max_length=200)


class Partner(SQLModel, table=True):
    __tablename__ = "partners"

    code: str = Field(max_length=40, primary_key=True)
    name: str = Field(max_length=200)
