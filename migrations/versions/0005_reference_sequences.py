"""Reference numbers from one sequence per record type on PostgreSQL.

The counter row per type and year was locked from a record's insert until its commit, so
every write of one type waited for the one before. Sequences hand out numbers without
holding a lock. Numbers continue from the highest handed out so far.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIXES = ("SIG", "BR", "MR", "CA", "CTR")


def upgrade() -> None:
    bind = op.get_bind()
    # Counting continues per type across years: one counter row per type (year 0).
    op.execute(
        "INSERT INTO reference_counters (prefix, year, last_number) "
        "SELECT prefix, 0, max(last_number) FROM reference_counters WHERE year <> 0 "
        "GROUP BY prefix ON CONFLICT (prefix, year) DO NOTHING"
    )
    if bind.dialect.name != "postgresql":
        return
    for prefix in PREFIXES:
        last = bind.execute(
            sa.text(
                "SELECT coalesce(max(last_number), 0) FROM reference_counters WHERE prefix = :p"
            ),
            {"p": prefix},
        ).scalar_one()
        op.execute(f"CREATE SEQUENCE reference_{prefix.lower()} START {int(last) + 1}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for prefix in PREFIXES:
        name = f"reference_{prefix.lower()}"
        # Hand the numbers used back to the counters, so that none is handed out twice.
        op.execute(
            sa.text(
                f"INSERT INTO reference_counters (prefix, year, last_number) "  # noqa: S608
                f"SELECT :p, 0, CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
                f"FROM {name} ON CONFLICT (prefix, year) DO UPDATE "
                f"SET last_number = greatest(reference_counters.last_number, excluded.last_number)"
            ).bindparams(p=prefix)
        )
        op.execute(f"DROP SEQUENCE {name}")
