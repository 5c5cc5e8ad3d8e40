"""Fewer indexes to keep up on every write: partial pending indexes, no lone partner index.

- The inbox's pending lookups and the sweep only ever look for `status = 'pending'`: their
  indexes become partial, so that storing an accepted or rejected event (nearly all) does
  not touch them. Lists per partner get a (partner, id) index instead.
- The single-column `partner` index of each record table is covered by the (partner,
  external_id) and (partner, date) indexes it leads.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = ("signals", "bestuurlijke_rapportages", "measures", "campaigns", "inspections")
PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.drop_index("ix_inbox_events_pending")
        batch_op.drop_index("ix_inbox_events_status_received_at")
        batch_op.create_index(
            "ix_inbox_events_pending",
            ["partner", "resource", "subject"],
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )
        batch_op.create_index(
            "ix_inbox_events_pending_received_at",
            ["received_at"],
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )
        batch_op.create_index("ix_inbox_events_partner_id", ["partner", "id"])
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_partner")


def downgrade() -> None:
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(f"ix_{table}_partner", ["partner"])
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.drop_index("ix_inbox_events_partner_id")
        batch_op.drop_index("ix_inbox_events_pending_received_at")
        batch_op.drop_index("ix_inbox_events_pending")
        batch_op.create_index("ix_inbox_events_status_received_at", ["status", "received_at"])
        batch_op.create_index(
            "ix_inbox_events_pending", ["partner", "resource", "subject", "status"]
        )
