"""The measure record type, declared once: withdrawal from any state, and a withdrawn measure
never counts."""

from app.measures.models import Measure
from app.measures.schemas import MeasureInput, MeasureQuery, MeasureRead
from app.rapportages.models import BestuurlijkeRapportage
from app.records.kind import (
    Counting,
    Filters,
    LinkField,
    RecordApi,
    RecordType,
    Search,
    SubjectFields,
)
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
    filters=Filters(
        any_of={
            "kind": "kind",
            "legal_basis": "legal_basis",
            "drug_category": "drug_category",
            "status": "status",
        },
        equal={"kvk_number": "kvk_number", "rapportage_id": "rapportage_id"},
        postcode=("postcode", "address"),
    ),
    # A measure is also about the subject of the rapportage it names.
    subject=SubjectFields(
        through="rapportageId",
        ladder=True,
        summary=("kind", "legalBasis", "durationMonths", "theme", "partner", "rapportageId"),
    ),
    link_fields=(
        LinkField(
            name="rapportageId",
            column="rapportage_id",
            target=BestuurlijkeRapportage,
            target_label="bestuurlijke rapportage",
        ),
    ),
    counting=Counting(
        date_fields={"decidedOn": "decided_on"},
        group_fields={
            "kind": "kind",
            "legalBasis": "legal_basis",
            "drugCategory": "drug_category",
            "status": "status",
        },
        sum_fields={"durationMonths": "duration_months"},
        never_counts={"status": frozenset({"ingetrokken"})},
    ),
    personal_data=("address", "kvkNumber", "description"),
    search=Search(fields=("kvkNumber", "address.postcode", "address.street", "description")),
    api=RecordApi(
        tag="Maatregelen",
        tag_description="The mayor's measures: closures, warnings, orders.",
        plural="Measures",
        singular="Measure",
        example={
            "partner": "politie",
            "externalId": "MR-2023-0031",
            "kind": "sluiting",
            "legalBasis": "opiumwet-13b",
            "drugCategory": "softdrugs",
            "theme": "drugs",
            "decidedOn": "2023-03-20",
            "durationMonths": 3,
            "status": "opgelegd",
        },
    ),
)
