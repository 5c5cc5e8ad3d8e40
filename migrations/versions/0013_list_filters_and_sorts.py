"""Lists that screens can use (SPEC §4.1, §4.2): an index on (partner, key, id) and on (key,
id) for every `sort=` order, so that a keyset page is one index seek on page 1 as on page
500; the KvK number and the address' postcode and house number of signals, rapportages and
measures, for the filters and `/subjects`. The (partner, date) indexes become (partner,
date, id).

The address expressions are those of `app.records.models.postcode_of` and
`house_number_of`, written out here (a migration does not change with the code): the same
SQL on PostgreSQL (JSONB) and SQLite (3.38+), so the queries use the indexes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = {
    "signals": "received_on",
    "bestuurlijke_rapportages": "received_on",
    "measures": "decided_on",
    "campaigns": "starts_on",
    "inspections": "occurred_on",
}
SUBJECT_TABLES = ("signals", "bestuurlijke_rapportages", "measures")
POSTCODE = "(address ->> 'postcode')"
HOUSE_NUMBER = "upper(replace(replace((address ->> 'houseNumber'), ' ', ''), '-', ''))"


def upgrade() -> None:
    for table, date_column in RECORD_TABLES.items():
        op.drop_index(f"ix_{table}_partner_{date_column}", table_name=table)
        for key in (date_column, "created_at", "updated_at", "reference"):
            op.create_index(f"ix_{table}_partner_{key}_id", table, ["partner", key, "id"])
        for key in ("created_at", "updated_at"):
            op.create_index(f"ix_{table}_{key}_id", table, [key, "id"])
    for table in SUBJECT_TABLES:
        op.create_index(f"ix_{table}_kvk_number", table, ["kvk_number"])
        op.create_index(
            f"ix_{table}_address_postcode_house_number",
            table,
            [sa.text(POSTCODE), sa.text(HOUSE_NUMBER)],
        )


def downgrade() -> None:
    for table in SUBJECT_TABLES:
        op.drop_index(f"ix_{table}_address_postcode_house_number", table_name=table)
        op.drop_index(f"ix_{table}_kvk_number", table_name=table)
    for table, date_column in RECORD_TABLES.items():
        for key in ("created_at", "updated_at"):
            op.drop_index(f"ix_{table}_{key}_id", table_name=table)
        for key in (date_column, "created_at", "updated_at", "reference"):
            op.drop_index(f"ix_{table}_partner_{key}_id", table_name=table)
        op.create_index(f"ix_{table}_partner_{date_column}", table, ["partner", date_column])
