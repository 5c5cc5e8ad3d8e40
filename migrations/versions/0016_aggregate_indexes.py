"""Covering indexes for the terugblik's counts (issue 15): per record type its date with the
columns the look-back groups and filters on, so that PostgreSQL answers them with index-only
scans (on SQLite the plain date indexes).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, table, key columns, included columns)
INDEXES = [
    ("ix_signals_discussed_on_aggregate", "signals", ["discussed_on"], ["confidentiality"]),
    (
        "ix_signals_channel_received_on",
        "signals",
        ["channel", "received_on"],
        ["confidentiality"],
    ),
    (
        "ix_inspections_occurred_on_aggregate",
        "inspections",
        ["occurred_on"],
        ["kind", "confidentiality", "businesses_inspected", "sector"],
    ),
    (
        "ix_bestuurlijke_rapportages_received_on_aggregate",
        "bestuurlijke_rapportages",
        ["received_on"],
        ["theme", "confidentiality"],
    ),
    (
        "ix_measures_decided_on_aggregate",
        "measures",
        ["decided_on"],
        ["status", "confidentiality", "theme", "rapportage_id", "kind", "drug_category"],
    ),
    (
        "ix_campaigns_starts_on_aggregate",
        "campaigns",
        ["starts_on"],
        ["confidentiality", "pillar", "kind", "audiences", "organisations"],
    ),
]


def upgrade() -> None:
    for name, table, columns, included in INDEXES:
        op.create_index(name, table, columns, postgresql_include=included)


def downgrade() -> None:
    for name, table, _columns, _included in reversed(INDEXES):
        op.drop_index(name, table_name=table)
