"""The partner-event inbox: every CloudEvent received, exactly once per (source, id).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:14:34
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("type", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("resource", sa.String(length=40), nullable=True),
        sa.Column("partner", sa.String(length=40), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("time", UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", JSON, nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("event", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_inbox_events_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_events")),
        sa.UniqueConstraint("source", "event_id", name="uq_inbox_events_source_event_id"),
    )
    op.create_index(
        "ix_inbox_events_pending", "inbox_events", ["partner", "resource", "subject", "status"]
    )
    op.create_index("ix_inbox_events_status_received_at", "inbox_events", ["status", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_events_status_received_at", table_name="inbox_events")
    op.drop_index("ix_inbox_events_pending", table_name="inbox_events")
    op.drop_table("inbox_events")
