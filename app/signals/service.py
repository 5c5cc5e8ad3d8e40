"""The signal record type: its workflow and rules."""

from typing import Any

from sqlmodel import Session

from app.problems import InvalidParam
from app.records.service import RecordType, on_or_after
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
)
