"""Daily progress rollups per count indicator, kept in step with every record write.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:06:26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No backfill: records are first written by the release that brings this table, and
    # every write from then on maintains it (an indicator's rollups are rebuilt whenever its
    # counting rule changes).
    op.create_table(
        "progress_rollups",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_progress_rollups_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_id", "day", name=op.f("pk_progress_rollups")),
    )


def downgrade() -> None:
    op.drop_table("progress_rollups")
