"""Imports every table so that SQLModel.metadata is complete (for Alembic and tests)."""

from app.access.identity_models import IdentityMapping
from app.access.models import Client
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign
from app.events.models import InboxEvent
from app.inspections.models import Inspection, InspectionSignal
from app.measures.models import Measure
from app.progress.models import ProgressRollup
from app.rapportages.models import BestuurlijkeRapportage, RapportageSignal
from app.records.models import IdempotencyKey, ReferenceCounter
from app.reference.models import Indicator, MilestoneUpdate, Partner, Pillar, Plan, Theme
from app.signals.models import Signal

__all__ = [
    "AuditEvent",
    "BestuurlijkeRapportage",
    "Campaign",
    "Client",
    "IdempotencyKey",
    "IdentityMapping",
    "InboxEvent",
    "Indicator",
    "Inspection",
    "InspectionSignal",
    "Measure",
    "MilestoneUpdate",
    "Partner",
    "Pillar",
    "Plan",
    "ProgressRollup",
    "RapportageSignal",
    "ReferenceCounter",
    "Signal",
    "Theme",
]
