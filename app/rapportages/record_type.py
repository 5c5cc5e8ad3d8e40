"""The bestuurlijke-rapportage record type, declared once: its workflow and links to signals."""

from app.rapportages.models import BestuurlijkeRapportage, RapportageSignal
from app.rapportages.schemas import (
    BestuurlijkeRapportageInput,
    BestuurlijkeRapportageQuery,
    BestuurlijkeRapportageRead,
)
from app.records.kind import (
    Counting,
    Filters,
    LinkList,
    RecordApi,
    RecordType,
    ReverseLink,
    Search,
    SubjectFields,
)
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
    filters=Filters(
        any_of={"drug_category": "drug_category", "status": "status"},
        equal={"kvk_number": "kvk_number"},
        postcode=("postcode", "address"),
        linking={"signal_id": "signalIds"},
    ),
    subject=SubjectFields(summary=("drugCategory", "theme", "partner")),
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
    reverse_links=(ReverseLink(name="measureIds", source="measures", link="rapportageId"),),
    counting=Counting(
        date_fields={"receivedOn": "received_on"},
        group_fields={"drugCategory": "drug_category", "status": "status"},
    ),
    personal_data=("kvkNumber", "address", "summary"),
    search=Search(fields=("kvkNumber", "address.postcode", "address.street", "summary")),
    api=RecordApi(
        tag="Bestuurlijke rapportages",
        tag_description="Police reports to the mayor.",
        plural="BestuurlijkeRapportages",
        singular="BestuurlijkeRapportage",
        example={
            "partner": "politie",
            "externalId": "BR-2023-0012",
            "theme": "drugs",
            "receivedOn": "2023-03-02",
            "drugCategory": "softdrugs",
            "address": {
                "street": "Spuiweg",
                "houseNumber": "3",
                "postcode": "3311 GT",
                "city": "Dordrecht",
            },
            "summary": "Hennepkwekerij aangetroffen in bedrijfspand.",
            "signalIds": [],
        },
    ),
)
