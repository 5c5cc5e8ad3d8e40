"""The measure record type: its workflow (withdrawal from any state) and its grounds."""

from app.measures.models import Measure
from app.measures.schemas import MeasureInput, MeasureQuery, MeasureRead
from app.rapportages.models import BestuurlijkeRapportage
from app.records.service import LinkField, RecordType
from app.records.workflow import workflow

MEASURE_WORKFLOW = workflow(
    {
        "voornemen": {"opgelegd", "ingetrokken"},
        "opgelegd": {"in-bezwaar", "ingetrokken"},
        "in-bezwaar": {"uitgevoerd", "ingetrokken"},
        "uitgevoerd": {"ingetrokken"},
        "ingetrokken": set(),
    },
    closing={"uitgevoerd", "ingetrokken"},
)

MEASURES = RecordType(
    resource="measures",
    singular="measure",
    label="measure",
    model=Measure,
    input_schema=MeasureInput,
    output_schema=MeasureRead,
    query_schema=MeasureQuery,
    prefix="MR",
    date_field="decided_on",
    workflow=MEASURE_WORKFLOW,
    link_fields=(
        LinkField(
            name="rapportageId",
            column="rapportage_id",
            target=BestuurlijkeRapportage,
            target_label="bestuurlijke rapportage",
        ),
    ),
)
