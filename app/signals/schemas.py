"""Bodies of the signals endpoints."""

from datetime import date

from pydantic import Field

from app.records.fields import (
    Address,
    FreeText,
    KvkNumber,
    RecordInput,
    RecordOutput,
    RecordQuery,
    Title,
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


class SignalQuery(RecordQuery):
    channel: Channel | None = None
    subject_kind: SubjectKind | None = None
    status: SignalStatus | None = None
