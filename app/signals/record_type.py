"""The signal record type, declared once: storage, API, workflow, counting, personal data."""

from typing import Any

from sqlmodel import Session

from app.problems import InvalidParam
from app.records.kind import (
    Counting,
    Filters,
    RecordApi,
    RecordType,
    ReverseLink,
    Search,
    SubjectFields,
    on_or_after,
)
from app.records.workflow import workflow
from app.signals.models import Signal
from app.signals.schemas import SignalInput, SignalQuery, SignalRead

SIGNAL_WORKFLOW = workflow(
    {
        "nieuw": {"in-behandeling", "afgesloten"},
        "in-behandeling": {"doorgezet", "afgesloten"},
        "doorgezet": {"afgesloten"},
        "afgesloten": set(),
    },
    closing={"afgesloten"},
)


def check_signal(_session: Session, signal: Any) -> list[InvalidParam]:
    return on_or_after("discussedOn", signal.discussed_on, signal.received_on, "receivedOn")


SIGNALS = RecordType(
    resource="signals",
    singular="signal",
    label="signal",
    model=Signal,
    input_schema=SignalInput,
    output_schema=SignalRead,
    query_schema=SignalQuery,
    prefix="SIG",
    date_field="received_on",
    workflow=SIGNAL_WORKFLOW,
    check=check_signal,
    filters=Filters(
        any_of={"channel": "channel", "subject_kind": "subject_kind", "status": "status"},
        equal={"kvk_number": "kvk_number", "neighbourhood": "neighbourhood"},
        postcode=("postcode", "address"),
    ),
    subject=SubjectFields(summary=("channel", "subjectKind", "theme", "partner")),
    reverse_links=(
        ReverseLink(name="rapportageIds", source="bestuurlijke-rapportages", link="signalIds"),
        ReverseLink(name="inspectionIds", source="inspections", link="signalIds"),
    ),
    counting=Counting(
        date_fields={"receivedOn": "received_on", "discussedOn": "discussed_on"},
        group_fields={
            "channel": "channel",
            "subjectKind": "subject_kind",
            "status": "status",
            "neighbourhood": "neighbourhood",
        },
    ),
    personal_data=("kvkNumber", "address", "neighbourhood", "description"),
    search=Search(
        fields=("kvkNumber", "address.postcode", "address.street", "neighbourhood", "description")
    ),
    api=RecordApi(
        tag="Signalen",
        tag_description="Signals: tips and observations.",
        plural="Signals",
        singular="Signal",
        example={
            "partner": "politie",
            "externalId": "CO-2023-0007",
            "channel": "casusoverleg",
            "receivedOn": "2023-02-01",
            "discussedOn": "2023-02-14",
            "subjectKind": "bedrijf",
            "theme": "ondermijnende-bedrijvigheid",
            "kvkNumber": "12345678",
            "address": {
                "street": "Voorstraat",
                "houseNumber": "12",
                "postcode": "3311 AB",
                "city": "Dordrecht",
            },
            "neighbourhood": "Binnenstad",
            "description": "Opvallend veel contante betalingen bij een nieuw geopende zaak.",
        },
    ),
)
