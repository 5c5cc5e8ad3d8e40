"""Failed authentications collapsed per address and minute; the application's own role.

- Key prefixes of existing clients are cut to the 8 characters that `keyPrefix` may show.
- `audit_events` gets `client_address`, `count` and `failure_window`. Failed
  authentications from one address within a minute are one entry whose `count` rises
  (app/access/limits.py); a partial unique index on (client_address, failure_window) is the
  target of that upsert, and the count is what the limit per address reads, in whichever
  process. On PostgreSQL the append-only trigger lets exactly that change through: a higher
  `count` of such an entry, every other column equal. Anything else is still refused.
- When the application connects as a role of its own (README, "Two database roles"), this
  migration, run as the owner, grants that role what it needs and no more: reading and
  writing the other tables, and only SELECT and INSERT on the audit log (plus raising a
  collapsed entry's `count`, which the trigger guards). It owns nothing, so it cannot
  `ALTER TABLE audit_events DISABLE TRIGGER`. Default privileges extend the grants to the
  tables that later migrations make. The role's name comes from migrations/env.py
  (`application_role()`): APP_DATABASE_ROLE, or the user of DATABASE_URL when
  MIGRATION_DATABASE_URL names another.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

import app.db

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_WINDOW = sa.text("failure_window IS NOT NULL")

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: a collapsed failed-authentication entry counts one more.
    IF TG_OP = 'UPDATE' AND OLD.failure_window IS NOT NULL
        AND NEW.count > OLD.count
        AND (to_jsonb(NEW) - 'count') = (to_jsonb(OLD) - 'count') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql
"""

APPEND_ONLY_BEFORE = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("client_address", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("count", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("failure_window", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_audit_events_failure_window",
            ["client_address", "failure_window"],
            unique=True,
            postgresql_where=HAS_WINDOW,
            sqlite_where=HAS_WINDOW,
        )
    # `keyPrefix` shows at most 8 characters of a key (SPEC §7); earlier clients kept 10.
    op.execute("UPDATE clients SET key_prefix = substr(key_prefix, 1, 8)")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(APPEND_ONLY)
    role = context.config.attributes.get("application_role")
    if role:
        grant_to_application(role)


def grant_to_application(role: str) -> None:
    """What the application's role may do, granted by the owner that runs the migrations."""
    bind = op.get_bind()
    quote = bind.dialect.identifier_preparer.quote
    quoted = quote(role)
    schema = quote(bind.exec_driver_sql("SELECT current_schema()").scalar_one())
    for statement in (
        f"GRANT USAGE ON SCHEMA {{schema}} TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {{schema}} TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {{schema}} TO {quoted}",
        # The audit log: read and append only (and a collapsed entry's count, see above).
        f"REVOKE UPDATE, DELETE ON audit_events FROM {quoted}",
        f"GRANT UPDATE (count) ON audit_events TO {quoted}",
        # Nor may it rewrite Alembic's record of what has been migrated.
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
        # Tables and sequences of later migrations, made by this same owner.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {{schema}} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {{schema}} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
    ):
        op.execute(statement.format(schema=schema))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_BEFORE)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index("ix_audit_events_failure_window")
        batch_op.drop_column("failure_window")
        batch_op.drop_column("count")
        batch_op.drop_column("client_address")
