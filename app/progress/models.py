"""Daily rollups per count indicator: what progress reads instead of scanning the records."""

import datetime as dt

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, SmallInteger
from sqlmodel import Field, SQLModel


class ProgressRollup(SQLModel, table=True):
    """Per indicator, day and confidentiality level, the records its counting rule matches
    and the summed field: a reader below `zeer-geheim` counts only the levels it may see.

    Kept in step by `apply_record_change` in the same transaction as every record write, and
    rebuilt from the records when an indicator's counting rule changes."""

    __tablename__ = "progress_rollups"

    indicator_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("indicators.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    day: dt.date = Field(primary_key=True)
    confidentiality: str = Field(primary_key=True, max_length=30)
    records: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class StatisticsRollup(SQLModel, table=True):
    """Per record type, calendar month (its first day), confidentiality level and whether
    the records count at all (a withdrawn measure does not), the number of records (and the
    type's reported sum) per value of each group field: what whole-table and whole-month
    statistics read instead of scanning the records (`app.progress.statistics_rollups`).

    `group_key` is the API name of the group field (`channel`, `audiences`) or empty for
    the row of all the records; `group_value` is the field's value, empty where it has
    none. A record counts once in its total row and once per group field (a campaign in
    each of its audiences). Kept in step with every record write, like `ProgressRollup`."""

    __tablename__ = "statistics_rollups"

    resource: str = Field(primary_key=True, max_length=40)
    group_key: str = Field(primary_key=True, max_length=40)
    month: dt.date = Field(primary_key=True)
    group_value: str = Field(primary_key=True, max_length=200)
    confidentiality: str = Field(primary_key=True, max_length=30)
    counted: bool = Field(primary_key=True)
    # Which of several rows of the same key a write adds to (on PostgreSQL its connection's
    # backend, modulo `SHARDS`): a month's total row is written by every record of that
    # type, and with one row each write would wait for the commit of the one before. Readers
    # sum over the shards; a rebuild writes shard 0.
    shard: int = Field(default=0, sa_column=Column(SmallInteger, primary_key=True))
    records: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class ProgressBreakdown(SQLModel, table=True):
    """Per count indicator, calendar month (its first day), split (`partner` or `theme`),
    value of that field (empty for records without a theme) and confidentiality level, the
    records its counting rule matches and the summed field: what progress with `groupBy`
    reads for the window's whole months (its partial first and last months are counted from
    the records). Kept in step with the progress rollups, by the same hook and rebuild."""

    __tablename__ = "progress_breakdowns"

    indicator_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("indicators.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    group_key: str = Field(primary_key=True, max_length=20)
    month: dt.date = Field(primary_key=True)
    group_value: str = Field(primary_key=True, max_length=200)
    confidentiality: str = Field(primary_key=True, max_length=30)
    records: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
