"""Bodies of the signals endpoints."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.records.fields import (
    Address,
    FreeText,
    KvkFilter,
    KvkNumber,
    OneOf,
    PostcodeFilter,
    RecordInput,
    RecordOutput,
    RecordQuery,
    TextFilter,
    Title,
    sort_values,
)


class Channel(StrEnum):
    CASUSOVERLEG = "casusoverleg"
    MELD_MISDAAD_ANONIEM = "meld-misdaad-anoniem"
    PARTNERMELDING = "partnermelding"
    BURGERMELDING = "burgermelding"
    EIGEN_WAARNEMING = "eigen-waarneming"


class SubjectKind(StrEnum):
    BEDRIJF = "bedrijf"
    PAND = "pand"
    PERSOON = "persoon"
    ONBEKEND = "onbekend"


class SignalStatus(StrEnum):
    NIEUW = "nieuw"
    IN_BEHANDELING = "in-behandeling"
    DOORGEZET = "doorgezet"
    AFGESLOTEN = "afgesloten"


class SignalInput(RecordInput):
    channel: Channel
    received_on: date = Field(examples=["2023-02-14"])
    discussed_on: date | None = Field(
        default=None, description="Date of the case meeting that discussed it.", examples=[None]
    )
    subject_kind: SubjectKind = SubjectKind.ONBEKEND
    kvk_number: KvkNumber | None = Field(default=None, examples=["12345678"])
    address: Address | None = None
    neighbourhood: Title | None = Field(default=None, examples=["Binnenstad"])
    description: FreeText | None = None
    status: SignalStatus = SignalStatus.NIEUW


class SignalRead(RecordOutput):
    channel: Channel
    received_on: date
    discussed_on: date | None
    subject_kind: SubjectKind
    kvk_number: str | None
    address: Address | None
    neighbourhood: str | None
    description: str | None
    status: SignalStatus
    rapportage_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="Bestuurlijke rapportages whose `signalIds` name this signal (those the "
        "caller may read), oldest first. Read-only.",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )
    inspection_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="Inspections whose `signalIds` name this signal (those the caller may "
        "read), oldest first. Read-only.",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )


class SignalQuery(RecordQuery):
    sort: Annotated[str, sort_values("receivedOn")] = "-createdAt"
    channel: Annotated[str | None, OneOf.of(Channel)] = None
    subject_kind: Annotated[str | None, OneOf.of(SubjectKind)] = None
    status: Annotated[str | None, OneOf.of(SignalStatus)] = None
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    neighbourhood: TextFilter = Field(default=None, examples=["Binnenstad"])
