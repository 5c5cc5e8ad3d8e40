"""Every record type, and what derives from the list: lookups by resource path and by
CloudEvents type segment, the resource enum of the contract, and the event-type pattern.

Adding a record type: its package with a `record_type.py`, one line below, a migration.
"""

from typing import TYPE_CHECKING

from app.campaigns.record_type import CAMPAIGNS
from app.inspections.record_type import INSPECTIONS
from app.measures.record_type import MEASURES
from app.rapportages.record_type import BESTUURLIJKE_RAPPORTAGES
from app.records.kind import RecordType
from app.signals.record_type import SIGNALS
from app.vocabularies.labels import LabelledEnum

RECORD_TYPES: tuple[RecordType, ...] = (
    SIGNALS,
    BESTUURLIJKE_RAPPORTAGES,
    MEASURES,
    CAMPAIGNS,
    INSPECTIONS,
)
BY_RESOURCE = {record_type.resource: record_type for record_type in RECORD_TYPES}
BY_SINGULAR = {record_type.singular: record_type for record_type in RECORD_TYPES}
BY_MODEL = {record_type.model: record_type for record_type in RECORD_TYPES}

EVENT_ACTIONS = ("created", "updated")
# `nl.ondermijning.<singular>.<action>`, as the contract states it.
EVENT_TYPE_PATTERN = (
    r"^nl\.ondermijning\.(" + "|".join(BY_SINGULAR) + r")\.(" + "|".join(EVENT_ACTIONS) + r")$"
)

if TYPE_CHECKING:

    class RecordResource(LabelledEnum):
        """The record resources by path name (in the contract: statistics, counting rules)."""

else:
    # Labelled by each type's tag and its description (`RecordApi`).
    RecordResource = LabelledEnum(
        "RecordResource",
        [
            (
                record_type.enum_member,
                (record_type.resource, record_type.api.tag, record_type.api.tag_description),
            )
            for record_type in RECORD_TYPES
        ],
        module=__name__,
    )
    RecordResource.__doc__ = (
        "The record resources by path name (in the contract: statistics, counting rules)."
    )
