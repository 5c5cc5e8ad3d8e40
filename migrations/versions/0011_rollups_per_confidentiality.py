"""Progress rollups per confidentiality level, so that aggregates respect a reader's ceiling.

A reader whose `maxConfidentiality` is below `zeer-geheim` may count only the records it may
see (SPEC §6: records above the ceiling do not exist for it, in counts either). The rollups
are derived data: the table is made anew with `confidentiality` in its key and rebuilt from
the records (`rebuild_all_rollups`, as `python -m app.cli rebuild-rollups` does).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rollups(with_confidentiality: bool) -> None:
    key = ["indicator_id", "day", *(["confidentiality"] if with_confidentiality else [])]
    op.create_table(
        "progress_rollups",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(
            [sa.Column("confidentiality", sa.String(length=30), nullable=False)]
            if with_confidentiality
            else []
        ),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_progress_rollups_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_progress_rollups")),
    )


def _rebuild() -> None:
    from app.progress.rollups import rebuild_all_rollups

    with Session(bind=op.get_bind()) as session:
        # The breakdowns come with 0019 (which rebuilds again); their table is not here yet.
        rebuild_all_rollups(session, breakdowns=False)
        session.flush()


def upgrade() -> None:
    op.drop_table("progress_rollups")
    _rollups(with_confidentiality=True)
    _rebuild()


def downgrade() -> None:
    # The old shape, empty: run the previous release's rebuild (or its writes) to refill it.
    op.drop_table("progress_rollups")
    _rollups(with_confidentiality=False)
