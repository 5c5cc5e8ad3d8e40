"""Daily rollups per count indicator: what progress reads instead of scanning the records."""

import datetime as dt

from sqlalchemy import BigInteger, Column, ForeignKey, Integer
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
