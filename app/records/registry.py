"""Every record type, by resource path and by CloudEvents type segment."""

from app.campaigns.service import CAMPAIGNS
from app.inspections.service import INSPECTIONS
from app.measures.service import MEASURES
from app.rapportages.service import BESTUURLIJKE_RAPPORTAGES
from app.records.service import RecordType
from app.signals.service import SIGNALS

RECORD_TYPES: tuple[RecordType, ...] = (
    SIGNALS,
    BESTUURLIJKE_RAPPORTAGES,
    MEASURES,
    CAMPAIGNS,
    INSPECTIONS,
)
BY_RESOURCE = {record_type.resource: record_type for record_type in RECORD_TYPES}
BY_SINGULAR = {record_type.singular: record_type for record_type in RECORD_TYPES}
