"""The inspection record type, declared once: taking-part partners and the signals it
produced."""

from typing import Any

from sqlmodel import Session

from app.inspections.models import Inspection, InspectionSignal
from app.inspections.schemas import InspectionInput, InspectionQuery, InspectionRead
from app.problems import InvalidParam
from app.records.kind import Counting, Filters, LinkList, RecordApi, RecordType, Search
from app.reference.service import known_partners
from app.signals.models import Signal


def check_inspection(session: Session, inspection: Any) -> list[InvalidParam]:
    return [
        InvalidParam(
            name=f"partners.{index}", code="unknown-partner", reason=f"No partner `{code}`."
        )
        for index, code in enumerate(inspection.partners)
        if not known_partners.exists(session, code)
    ]


INSPECTIONS = RecordType(
    resource="inspections",
    singular="inspection",
    label="inspection",
    model=Inspection,
    input_schema=InspectionInput,
    output_schema=InspectionRead,
    query_schema=InspectionQuery,
    prefix="CTR",
    date_field="occurred_on",
    check=check_inspection,
    filters=Filters(
        any_of={"kind": "kind"},
        equal={"sector": "sector", "neighbourhood": "neighbourhood"},
        linking={"signal_id": "signalIds"},
    ),
    link_lists=(
        LinkList(
            name="signalIds",
            table=InspectionSignal,
            owner_column="inspection_id",
            target_column="signal_id",
            target=Signal,
            target_label="signal",
        ),
    ),
    counting=Counting(
        date_fields={"occurredOn": "occurred_on"},
        group_fields={"kind": "kind", "sector": "sector", "neighbourhood": "neighbourhood"},
        list_fields={"partners": "partners"},
        sum_fields={"businessesInspected": "businesses_inspected"},
        reported_sums=("businessesInspected",),
    ),
    personal_data=("sector", "neighbourhood", "findings"),
    search=Search(fields=("neighbourhood", "findings")),
    api=RecordApi(
        tag="Controles",
        tag_description="Inspections and operations.",
        plural="Inspections",
        singular="Inspection",
        example={
            "partner": "politie",
            "externalId": "IC-2023-03",
            "kind": "integrale-controle",
            "theme": "ondermijnende-bedrijvigheid",
            "occurredOn": "2023-03-09",
            "sector": "autobranche",
            "businessesInspected": 6,
            "partners": ["gemeente", "politie", "ozhz"],
            "findings": "Grote hoeveelheid illegale sigaretten aangetroffen.",
        },
    ),
)
