"""The inspection record type: taking-part partners and the signals it produced."""

from typing import Any

from sqlmodel import Session

from app.inspections.models import Inspection, InspectionSignal
from app.inspections.schemas import InspectionInput, InspectionQuery, InspectionRead
from app.problems import InvalidParam
from app.records.service import LinkList, RecordType
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
)
