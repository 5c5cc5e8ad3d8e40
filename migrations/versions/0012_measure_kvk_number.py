"""Measures name the business they concern: `measures.kvk_number` (SPEC §4), so that a Bibob
refusal or a closure can be found by its KvK number. Personal data, like the signal's.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.add_column(
            sa.Column("kvk_number", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("kvk_number")
