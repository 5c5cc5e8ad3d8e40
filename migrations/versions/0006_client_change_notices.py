"""Tell every process at once when a client's access changes (PostgreSQL).

The API keeps the callers it has looked up in memory (app/access/cache.py). A trigger sends
a notice on the channel `clients_changed` whenever a client is revoked, deleted or has its
access changed, by any process (the API, the CLI, a manual UPDATE); every worker LISTENs and
forgets its callers, so a revoked or expired key is refused at once everywhere. The notice
is sent when the transaction commits. `last_used_at` alone sends none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "clients_changed"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION clients_changed_notice() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', coalesce(OLD.id::text, NEW.id::text, ''));
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER clients_changed_update AFTER UPDATE OF name, role, partner, "
        "event_sources, max_confidentiality, key_hash, expires_at, revoked_at ON clients "
        "FOR EACH ROW EXECUTE FUNCTION clients_changed_notice()"
    )
    op.execute(
        "CREATE TRIGGER clients_changed_delete AFTER DELETE ON clients "
        "FOR EACH ROW EXECUTE FUNCTION clients_changed_notice()"
    )
    op.execute(
        "CREATE TRIGGER clients_changed_truncate AFTER TRUNCATE ON clients "
        "FOR EACH STATEMENT EXECUTE FUNCTION clients_changed_notice()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ("clients_changed_truncate", "clients_changed_delete", "clients_changed_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON clients")
    op.execute("DROP FUNCTION IF EXISTS clients_changed_notice()")
