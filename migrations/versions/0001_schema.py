"""Initial schema: reference data, clients, audit log and the five record tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:52:26.873802
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("client_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("resource", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("trace_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_resource_record_id", ["resource", "record_id"], unique=False
        )

    op.create_table(
        "partners",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_partners")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "themes",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_themes")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column(
            "event_sources",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "max_confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False
        ),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key_prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_clients_partner_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_clients_key_hash")),
    )
    op.create_table(
        "pillars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_pillars_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pillars")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_pillars_plan_id_code")),
    )
    with op.batch_alter_table("pillars", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pillars_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "bestuurlijke_rapportages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("drug_category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column(
            "address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("kvk_number", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["clients.id"],
            name=op.f("fk_bestuurlijke_rapportages_created_by_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["partner"],
            ["partners.code"],
            name=op.f("fk_bestuurlijke_rapportages_partner_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["theme"], ["themes.code"], name=op.f("fk_bestuurlijke_rapportages_theme_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bestuurlijke_rapportages")),
        sa.UniqueConstraint(
            "partner", "external_id", name="uq_bestuurlijke_rapportages_partner_external_id"
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_bestuurlijke_rapportages_reference")),
    )
    with op.batch_alter_table("bestuurlijke_rapportages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_confidentiality"),
            ["confidentiality"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_drug_category"), ["drug_category"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_partner"), ["partner"], unique=False
        )
        batch_op.create_index(
            "ix_bestuurlijke_rapportages_partner_received_on",
            ["partner", "received_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_received_on"), ["received_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bestuurlijke_rapportages_theme"), ["theme"], unique=False
        )

    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "audiences",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("pillar", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "organisations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["clients.id"], name=op.f("fk_campaigns_created_by_clients")
        ),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_campaigns_partner_partners")
        ),
        sa.ForeignKeyConstraint(["theme"], ["themes.code"], name=op.f("fk_campaigns_theme_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("partner", "external_id", name="uq_campaigns_partner_external_id"),
        sa.UniqueConstraint("reference", name=op.f("uq_campaigns_reference")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_confidentiality"), ["confidentiality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_campaigns_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_partner"), ["partner"], unique=False)
        batch_op.create_index(
            "ix_campaigns_partner_starts_on", ["partner", "starts_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_campaigns_pillar"), ["pillar"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_starts_on"), ["starts_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_theme"), ["theme"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column(
            "response_body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_idempotency_keys_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("pillar_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("target_value", sa.Integer(), nullable=True),
        sa.Column("target_per", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("count_resource", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column(
            "count_filters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("count_field", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pillar_id"], ["pillars.id"], name=op.f("fk_indicators_pillar_id_pillars")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_indicators_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["theme"], ["themes.code"], name=op.f("fk_indicators_theme_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_indicators_plan_id_code")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicators_pillar_id"), ["pillar_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicators_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("businesses_inspected", sa.Integer(), nullable=True),
        sa.Column("neighbourhood", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "partners",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["clients.id"], name=op.f("fk_inspections_created_by_clients")
        ),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_inspections_partner_partners")
        ),
        sa.ForeignKeyConstraint(
            ["theme"], ["themes.code"], name=op.f("fk_inspections_theme_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("partner", "external_id", name="uq_inspections_partner_external_id"),
        sa.UniqueConstraint("reference", name=op.f("uq_inspections_reference")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspections_confidentiality"), ["confidentiality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspections_neighbourhood"), ["neighbourhood"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_occurred_on"), ["occurred_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_partner"), ["partner"], unique=False)
        batch_op.create_index(
            "ix_inspections_partner_occurred_on", ["partner", "occurred_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspections_theme"), ["theme"], unique=False)

    op.create_table(
        "signals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("discussed_on", sa.Date(), nullable=True),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("kvk_number", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column(
            "address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("neighbourhood", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["clients.id"], name=op.f("fk_signals_created_by_clients")
        ),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_signals_partner_partners")
        ),
        sa.ForeignKeyConstraint(["theme"], ["themes.code"], name=op.f("fk_signals_theme_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
        sa.UniqueConstraint("partner", "external_id", name="uq_signals_partner_external_id"),
        sa.UniqueConstraint("reference", name=op.f("uq_signals_reference")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signals_channel"), ["channel"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signals_confidentiality"), ["confidentiality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signals_discussed_on"), ["discussed_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signals_neighbourhood"), ["neighbourhood"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signals_partner"), ["partner"], unique=False)
        batch_op.create_index(
            "ix_signals_partner_received_on", ["partner", "received_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signals_received_on"), ["received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_subject_kind"), ["subject_kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_theme"), ["theme"], unique=False)

    op.create_table(
        "inspection_signals",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_signals_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signals.id"],
            name=op.f("fk_inspection_signals_signal_id_signals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inspection_id", "signal_id", name=op.f("pk_inspection_signals")),
    )
    with op.batch_alter_table("inspection_signals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_signals_signal_id"), ["signal_id"], unique=False
        )

    op.create_table(
        "measures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("legal_basis", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("drug_category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("rapportage_id", sa.Uuid(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column(
            "address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["clients.id"], name=op.f("fk_measures_created_by_clients")
        ),
        sa.ForeignKeyConstraint(
            ["partner"], ["partners.code"], name=op.f("fk_measures_partner_partners")
        ),
        sa.ForeignKeyConstraint(
            ["rapportage_id"],
            ["bestuurlijke_rapportages.id"],
            name=op.f("fk_measures_rapportage_id_bestuurlijke_rapportages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["theme"], ["themes.code"], name=op.f("fk_measures_theme_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("partner", "external_id", name="uq_measures_partner_external_id"),
        sa.UniqueConstraint("reference", name=op.f("uq_measures_reference")),
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measures_confidentiality"), ["confidentiality"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measures_decided_on"), ["decided_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_measures_drug_category"), ["drug_category"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measures_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_legal_basis"), ["legal_basis"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_partner"), ["partner"], unique=False)
        batch_op.create_index(
            "ix_measures_partner_decided_on", ["partner", "decided_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measures_rapportage_id"), ["rapportage_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_measures_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_theme"), ["theme"], unique=False)

    op.create_table(
        "milestone_updates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["clients.id"], name=op.f("fk_milestone_updates_created_by_clients")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_milestone_updates_indicator_id_indicators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_updates")),
    )
    with op.batch_alter_table("milestone_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_updates_indicator_id"), ["indicator_id"], unique=False
        )

    op.create_table(
        "rapportage_signals",
        sa.Column("rapportage_id", sa.Uuid(), nullable=False),
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rapportage_id"],
            ["bestuurlijke_rapportages.id"],
            name=op.f("fk_rapportage_signals_rapportage_id_bestuurlijke_rapportages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signals.id"],
            name=op.f("fk_rapportage_signals_signal_id_signals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rapportage_id", "signal_id", name=op.f("pk_rapportage_signals")),
    )
    with op.batch_alter_table("rapportage_signals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rapportage_signals_signal_id"), ["signal_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        # The audit log is append-only: the database itself refuses changes and deletions.
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("rapportage_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rapportage_signals_signal_id"))

    op.drop_table("rapportage_signals")
    with op.batch_alter_table("milestone_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_updates_indicator_id"))

    op.drop_table("milestone_updates")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measures_theme"))
        batch_op.drop_index(batch_op.f("ix_measures_status"))
        batch_op.drop_index(batch_op.f("ix_measures_rapportage_id"))
        batch_op.drop_index("ix_measures_partner_decided_on")
        batch_op.drop_index(batch_op.f("ix_measures_partner"))
        batch_op.drop_index(batch_op.f("ix_measures_legal_basis"))
        batch_op.drop_index(batch_op.f("ix_measures_kind"))
        batch_op.drop_index(batch_op.f("ix_measures_drug_category"))
        batch_op.drop_index(batch_op.f("ix_measures_decided_on"))
        batch_op.drop_index(batch_op.f("ix_measures_confidentiality"))

    op.drop_table("measures")
    with op.batch_alter_table("inspection_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_signals_signal_id"))

    op.drop_table("inspection_signals")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signals_theme"))
        batch_op.drop_index(batch_op.f("ix_signals_subject_kind"))
        batch_op.drop_index(batch_op.f("ix_signals_status"))
        batch_op.drop_index(batch_op.f("ix_signals_received_on"))
        batch_op.drop_index("ix_signals_partner_received_on")
        batch_op.drop_index(batch_op.f("ix_signals_partner"))
        batch_op.drop_index(batch_op.f("ix_signals_neighbourhood"))
        batch_op.drop_index(batch_op.f("ix_signals_discussed_on"))
        batch_op.drop_index(batch_op.f("ix_signals_confidentiality"))
        batch_op.drop_index(batch_op.f("ix_signals_channel"))

    op.drop_table("signals")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_theme"))
        batch_op.drop_index("ix_inspections_partner_occurred_on")
        batch_op.drop_index(batch_op.f("ix_inspections_partner"))
        batch_op.drop_index(batch_op.f("ix_inspections_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_inspections_neighbourhood"))
        batch_op.drop_index(batch_op.f("ix_inspections_kind"))
        batch_op.drop_index(batch_op.f("ix_inspections_confidentiality"))

    op.drop_table("inspections")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_plan_id"))
        batch_op.drop_index(batch_op.f("ix_indicators_pillar_id"))
        batch_op.drop_index(batch_op.f("ix_indicators_code"))

    op.drop_table("indicators")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_theme"))
        batch_op.drop_index(batch_op.f("ix_campaigns_starts_on"))
        batch_op.drop_index(batch_op.f("ix_campaigns_pillar"))
        batch_op.drop_index("ix_campaigns_partner_starts_on")
        batch_op.drop_index(batch_op.f("ix_campaigns_partner"))
        batch_op.drop_index(batch_op.f("ix_campaigns_kind"))
        batch_op.drop_index(batch_op.f("ix_campaigns_confidentiality"))

    op.drop_table("campaigns")
    with op.batch_alter_table("bestuurlijke_rapportages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_theme"))
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_status"))
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_received_on"))
        batch_op.drop_index("ix_bestuurlijke_rapportages_partner_received_on")
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_partner"))
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_drug_category"))
        batch_op.drop_index(batch_op.f("ix_bestuurlijke_rapportages_confidentiality"))

    op.drop_table("bestuurlijke_rapportages")
    with op.batch_alter_table("pillars", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pillars_plan_id"))

    op.drop_table("pillars")
    op.drop_table("clients")
    op.drop_table("themes")
    op.drop_table("reference_counters")
    op.drop_table("plans")
    op.drop_table("partners")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_resource_record_id")
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_client_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
