"""People through OpenID Connect: identity mappings, and the person as the audit actor.

- `identity_mappings`: which token claim value gives which role, partner and ceiling
  (SPEC §7); one mapping per (claim, value), the lowest `priority` applying.
- `audit_events.actor_kind` (`client` | `person`) and `audit_events.subject` (the token's
  `sub`); entries written before stay without them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_mappings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column(
            "max_confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_identity_mappings_partner_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_mappings")),
        sa.UniqueConstraint("claim", "value", name=op.f("uq_identity_mappings_claim_value")),
    )
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(
            sa.Column("actor_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
        )
        batch_op.add_column(
            sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_column("actor_kind")
    op.drop_table("identity_mappings")
