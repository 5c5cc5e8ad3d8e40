"""Bodies of the signals endpoints."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from app.records.fields import (
    DEFAULT_SORT,
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
    sort_description,
    sort_values,
)
from app.vocabularies.labels import LabelledEnum


class Channel(LabelledEnum):
    """How a signal came in."""

    CASUSOVERLEG = (
        "casusoverleg",
        "Casusoverleg",
        "Ingebracht in het casusoverleg van de partners (RIEC).",
    )
    MELD_MISDAAD_ANONIEM = (
        "meld-misdaad-anoniem",
        "Meld Misdaad Anoniem",
        "Een anonieme melding via Meld Misdaad Anoniem (M.).",
    )
    PARTNERMELDING = (
        "partnermelding",
        "Partnermelding",
        "Gemeld door een partnerorganisatie, zoals politie, OM, SDD of OZHZ.",
    )
    BURGERMELDING = "burgermelding", "Burgermelding", "Gemeld door een inwoner of ondernemer."
    EIGEN_WAARNEMING = (
        "eigen-waarneming",
        "Eigen waarneming",
        "Zelf waargenomen, bijvoorbeeld door een toezichthouder of wijkmanager.",
    )


class SubjectKind(LabelledEnum):
    """What a signal is about."""

    BEDRIJF = "bedrijf", "Bedrijf", "Een onderneming, bij voorkeur met haar KvK-nummer."
    PAND = "pand", "Pand", "Een gebouw, woning of bedrijfsruimte, met het adres."
    PERSOON = (
        "persoon",
        "Persoon",
        "Een natuurlijk persoon; zonder BSN, die wordt nooit vastgelegd.",
    )
    ONBEKEND = "onbekend", "Onbekend", "Nog niet bekend waar het signaal over gaat."


class SignalStatus(LabelledEnum):
    """Where a signal stands."""

    NIEUW = "nieuw", "Nieuw", "Ontvangen, nog niet in behandeling genomen."
    IN_BEHANDELING = "in-behandeling", "In behandeling", "Wordt onderzocht of besproken."
    DOORGEZET = (
        "doorgezet",
        "Doorgezet",
        "Overgedragen aan een partner of omgezet in een bestuurlijke rapportage of maatregel.",
    )
    AFGESLOTEN = "afgesloten", "Afgesloten", "Afgehandeld; er gebeurt niets meer mee."


class SignalInput(RecordInput):
    channel: Channel = Field(description="How the signal came in.")
    received_on: date = Field(description="Date the signal was received.", examples=["2023-02-14"])
    discussed_on: date | None = Field(
        default=None,
        description="Date of the case meeting that discussed it.",
        examples=[None],
    )
    subject_kind: SubjectKind = Field(
        default=SubjectKind.ONBEKEND, description="What the signal is about."
    )
    kvk_number: KvkNumber | None = Field(
        description="KvK number (8 digits) of the business concerned.",
        default=None,
        examples=["12345678"],
    )
    address: Address | None = Field(default=None, description="Address of the premises concerned.")
    neighbourhood: Title | None = Field(
        description="Neighbourhood (wijk or buurt).", default=None, examples=["Binnenstad"]
    )
    description: FreeText | None = Field(
        default=None, description="Free text about the signal (personal data; never logged)."
    )
    status: SignalStatus = Field(
        default=SignalStatus.NIEUW, description="Workflow status; on create it defaults to `nieuw`."
    )


class SignalRead(RecordOutput):
    channel: Channel = Field(description="How the signal came in.")
    received_on: date = Field(description="Date the signal was received.")
    discussed_on: date | None = Field(
        description="Date of the case meeting (casusoverleg) that discussed it; not before "
        "`receivedOn`."
    )
    subject_kind: SubjectKind = Field(description="What the signal is about.")
    kvk_number: str | None = Field(description="KvK number (8 digits) of the business concerned.")
    address: Address | None = Field(description="Address of the premises concerned.")
    neighbourhood: str | None = Field(description="Neighbourhood (wijk or buurt).")
    description: str | None = Field(
        description="Free text about the signal (personal data; never logged)."
    )
    status: SignalStatus = Field(description="Workflow status; on create it defaults to `nieuw`.")

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
    sort: Annotated[str, sort_values("receivedOn")] = Field(
        default=DEFAULT_SORT, description=sort_description("receivedOn")
    )
    channel: Annotated[str | None, OneOf.of(Channel)] = Field(
        default=None, description="Came in through one of these channels, comma-separated."
    )
    subject_kind: Annotated[str | None, OneOf.of(SubjectKind)] = Field(
        default=None, description="About one of these kinds of subject, comma-separated."
    )
    status: Annotated[str | None, OneOf.of(SignalStatus)] = Field(
        default=None, description="In one of these workflow statuses, comma-separated."
    )
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    neighbourhood: TextFilter = Field(default=None, examples=["Binnenstad"])
