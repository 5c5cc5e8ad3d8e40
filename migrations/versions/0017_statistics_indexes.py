"""Statistics read covering indexes (issue 15): per record type its date with every column
statistics and the terugblik group, filter or sum on, so that PostgreSQL answers any
`groupBy` and filter with an index-only scan of about a sixth of the table's size. They
widen the terugblik's indexes of 0016 (and add the signals' by `receivedOn`); the plain
date indexes, which the covering ones serve as well, are dropped (on SQLite, where an
index includes nothing, the covering ones are plain date indexes).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 15:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, date column, included columns now, included columns at 0016 or None)
INDEXES = [
    (
        "signals",
        "received_on",
        [
            "channel",
            "subject_kind",
            "status",
            "neighbourhood",
            "theme",
            "partner",
            "confidentiality",
        ],
        None,
    ),
    (
        "inspections",
        "occurred_on",
        [
            "kind",
            "sector",
            "neighbourhood",
            "theme",
            "partner",
            "confidentiality",
            "businesses_inspected",
            "partners",
        ],
        ["kind", "confidentiality", "businesses_inspected", "sector"],
    ),
    (
        "measures",
        "decided_on",
        [
            "kind",
            "legal_basis",
            "drug_category",
            "status",
            "theme",
            "partner",
            "confidentiality",
            "duration_months",
            "rapportage_id",
        ],
        ["status", "confidentiality", "theme", "rapportage_id", "kind", "drug_category"],
    ),
    (
        "bestuurlijke_rapportages",
        "received_on",
        ["drug_category", "status", "theme", "partner", "confidentiality"],
        ["theme", "confidentiality"],
    ),
    (
        "campaigns",
        "starts_on",
        [
            "kind",
            "pillar",
            "theme",
            "partner",
            "confidentiality",
            "participants",
            "audiences",
            "organisations",
        ],
        ["confidentiality", "pillar", "kind", "audiences", "organisations"],
    ),
]


def upgrade() -> None:
    for table, day, included, before in INDEXES:
        name = f"ix_{table}_{day}_aggregate"
        if before is not None:
            op.drop_index(name, table_name=table)
        op.create_index(name, table, [day], postgresql_include=included)
        op.drop_index(f"ix_{table}_{day}", table_name=table)


def downgrade() -> None:
    for table, day, _included, before in reversed(INDEXES):
        name = f"ix_{table}_{day}_aggregate"
        op.create_index(f"ix_{table}_{day}", table, [day])
        op.drop_index(name, table_name=table)
        if before is not None:
            op.create_index(name, table, [day], postgresql_include=before)
