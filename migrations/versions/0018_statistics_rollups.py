"""Monthly statistics rollups (issue 15): per record type, month, confidentiality level and
whether the records count at all, the records and the reported sum per value of each group
field, so that statistics without a window (or over whole months) read a few thousand rows
instead of every record. Each key has up to 256 shards, so that concurrent writes of a month
do not queue on one row. Derived data: filled from the records by
`rebuild_statistics_rollups`, as `python -m app.cli rebuild-rollups` does.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statistics_rollups",
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("group_key", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("group_value", sa.String(length=200), nullable=False),
        sa.Column("confidentiality", sa.String(length=30), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "resource",
            "group_key",
            "month",
            "group_value",
            "confidentiality",
            "counted",
            "shard",
            name=op.f("pk_statistics_rollups"),
        ),
    )
    from app.progress.statistics_rollups import rebuild_statistics_rollups

    with Session(bind=op.get_bind()) as session:
        rebuild_statistics_rollups(session)
        session.flush()


def downgrade() -> None:
    op.drop_table("statistics_rollups")
