"""The bestuurlijke-rapportage record type: its workflow and links to signals."""

from app.rapportages.models import BestuurlijkeRapportage, RapportageSignal
from app.rapportages.schemas import (
    BestuurlijkeRapportageInput,
    BestuurlijkeRapportageQuery,
    BestuurlijkeRapportageRead,
)
from app.records.service import LinkList, RecordType
from app.records.workflow import workflow
from app.signals.models import Signal

RAPPORTAGE_WORKFLOW = workflow(
    {
        "ontvangen": {"in-behandeling"},
        "in-behandeling": {"afgehandeld"},
        "afgehandeld": set(),
    },
    closing={"afgehandeld"},
)

BESTUURLIJKE_RAPPORTAGES = RecordType(
    resource="bestuurlijke-rapportages",
    singular="bestuurlijke-rapportage",
    label="bestuurlijke rapportage",
    model=BestuurlijkeRapportage,
    input_schema=BestuurlijkeRapportageInput,
    output_schema=BestuurlijkeRapportageRead,
    query_schema=BestuurlijkeRapportageQuery,
    prefix="BR",
    date_field="received_on",
    workflow=RAPPORTAGE_WORKFLOW,
    link_lists=(
        LinkList(
            name="signalIds",
            table=RapportageSignal,
            owner_column="rapportage_id",
            target_column="signal_id",
            target=Signal,
            target_label="signal",
        ),
    ),
)
