"""Imports every table so that SQLModel.metadata is complete (for Alembic and tests): the
record types' tables through the registry, and the rest by name."""

from app.access.identity_models import IdentityMapping
from app.access.models import Client
from app.audit.models import AuditEvent
from app.events.models import InboxEvent
from app.indicators.models import Indicator, MilestoneUpdate
from app.progress.models import ProgressRollup
from app.records.models import IdempotencyKey, ReferenceCounter
from app.records.registry import RECORD_TYPES
from app.reference.models import Partner, Pillar, Plan, Theme

# Each record type's table and link tables.
RECORD_TABLES = tuple(
    table
    for record_type in RECORD_TYPES
    for table in (record_type.model, *(link.table for link in record_type.link_lists))
)

__all__ = [
    "RECORD_TABLES",
    "AuditEvent",
    "Client",
    "IdempotencyKey",
    "IdentityMapping",
    "InboxEvent",
    "Indicator",
    "MilestoneUpdate",
    "Partner",
    "Pillar",
    "Plan",
    "ProgressRollup",
    "ReferenceCounter",
    "Theme",
]
