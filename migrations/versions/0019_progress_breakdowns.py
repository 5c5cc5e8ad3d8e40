"""Progress breakdowns (issue 15): per count indicator, month, split (`partner` or
`theme`), value and confidentiality level, the records its rule matches and the summed
field, so that progress with `groupBy` reads the window's whole months from them instead of
counting every record under each indicator's rule. Derived data: filled from the records by
`rebuild_all_rollups`, as `python -m app.cli rebuild-rollups` does.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "progress_breakdowns",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("group_value", sa.String(length=200), nullable=False),
        sa.Column("confidentiality", sa.String(length=30), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_progress_breakdowns_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "indicator_id",
            "group_key",
            "month",
            "group_value",
            "confidentiality",
            name=op.f("pk_progress_breakdowns"),
        ),
    )
    from app.progress.rollups import rebuild_all_rollups

    with Session(bind=op.get_bind()) as session:
        rebuild_all_rollups(session)
        session.flush()


def downgrade() -> None:
    op.drop_table("progress_breakdowns")
