"""Bodies of the measures endpoints."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from app.records.fields import (
    DEFAULT_SORT,
    Address,
    DrugCategory,
    FreeText,
    KvkFilter,
    KvkNumber,
    OneOf,
    PostcodeFilter,
    RecordInput,
    RecordOutput,
    RecordQuery,
    sort_description,
    sort_values,
)
from app.vocabularies.labels import LabelledEnum


class MeasureKind(LabelledEnum):
    """The kind of administrative measure (bestuurlijke maatregel)."""

    SLUITING = (
        "sluiting",
        "Sluiting (Opiumwet 13b / Gemeentewet 174a)",
        "Sluiting van een woning, lokaal of erf door de burgemeester, op grond van "
        "artikel 13b Opiumwet of artikel 174a Gemeentewet.",
    )
    WAARSCHUWING = (
        "waarschuwing",
        "Waarschuwing",
        "Een schriftelijke waarschuwing vooraf, zonder sluiting; een volgende "
        "overtreding leidt tot een zwaardere maatregel.",
    )
    LAST_ONDER_DWANGSOM = (
        "last-onder-dwangsom",
        "Last onder dwangsom",
        "Een herstelsanctie: de overtreder moet een dwangsom betalen zolang de "
        "overtreding niet ongedaan is gemaakt (Awb 5:31d).",
    )
    LAST_ONDER_BESTUURSDWANG = (
        "last-onder-bestuursdwang",
        "Last onder bestuursdwang",
        "Een herstelsanctie: het bestuur beëindigt de overtreding zelf, op kosten van "
        "de overtreder (Awb 5:21).",
    )
    BIBOB_WEIGERING = (
        "bibob-weigering",
        "Weigering op grond van de Wet Bibob",
        "Een vergunning of subsidie is geweigerd omdat er ernstig gevaar is dat die "
        "wordt misbruikt voor strafbare feiten (Wet Bibob).",
    )
    BIBOB_INTREKKING = (
        "bibob-intrekking",
        "Intrekking op grond van de Wet Bibob",
        "Een verleende vergunning of subsidie is ingetrokken na een Bibob-onderzoek.",
    )
    OVERIG = "overig", "Overig", "Een andere bestuurlijke maatregel."


class LegalBasis(LabelledEnum):
    """The legal basis of a measure."""

    OPIUMWET_13B = (
        "opiumwet-13b",
        "Opiumwet artikel 13b",
        "De burgemeester kan een woning of lokaal sluiten waar drugs worden verkocht, "
        "afgeleverd of verstrekt, of daartoe aanwezig zijn (Damocles).",
    )
    GEMEENTEWET_174A = (
        "gemeentewet-174a",
        "Gemeentewet artikel 174a",
        "De burgemeester kan een woning of lokaal sluiten bij verstoring van de "
        "openbare orde of ernstige vrees daarvoor.",
    )
    APV = (
        "apv",
        "Algemene plaatselijke verordening (APV)",
        "Een bepaling uit de APV van de gemeente.",
    )
    WET_BIBOB = (
        "wet-bibob",
        "Wet Bibob",
        "Wet bevordering integriteitsbeoordelingen door het openbaar bestuur.",
    )
    OVERIG = "overig", "Overig", "Een andere grondslag."


class MeasureStatus(LabelledEnum):
    """Where a measure stands (SPEC §4: `ingetrokken` from any state)."""

    VOORNEMEN = (
        "voornemen",
        "Voornemen",
        "Het voornemen is kenbaar gemaakt; de betrokkene kan een zienswijze geven.",
    )
    OPGELEGD = "opgelegd", "Opgelegd", "Het besluit is genomen en bekendgemaakt."
    IN_BEZWAAR = "in-bezwaar", "In bezwaar", "Tegen het besluit loopt een bezwaar (of beroep)."
    UITGEVOERD = "uitgevoerd", "Uitgevoerd", "De maatregel is ten uitvoer gelegd."
    INGETROKKEN = "ingetrokken", "Ingetrokken", "De maatregel is ingetrokken en telt niet meer mee."


class MeasureInput(RecordInput):
    kind: MeasureKind = Field(description="The kind of measure.")
    legal_basis: LegalBasis | None = Field(
        default=None, description="The legal basis of the measure."
    )
    drug_category: DrugCategory | None = Field(
        default=None, description="The kind of drugs concerned, if any."
    )
    decided_on: date = Field(description="Date the measure was decided.", examples=["2023-03-20"])
    rapportage_id: uuid.UUID | None = Field(
        default=None,
        description="The bestuurlijke rapportage that grounds the measure.",
    )
    duration_months: int | None = Field(
        strict=True,
        default=None,
        ge=1,
        le=120,
        description="For closures.",
        examples=[3],
    )
    address: Address | None = Field(default=None, description="Address of the premises concerned.")
    kvk_number: KvkNumber | None = Field(
        default=None,
        description="KvK number of the business concerned (a Bibob refusal, a closure).",
        examples=["12345678"],
    )
    description: FreeText | None = Field(
        default=None, description="Free text about the measure (personal data; never logged)."
    )
    status: MeasureStatus = Field(
        default=MeasureStatus.VOORNEMEN,
        description="Workflow status; on create it defaults to `voornemen`. A withdrawn "
        "(`ingetrokken`) measure no longer counts.",
    )


class MeasureRead(RecordOutput):
    kind: MeasureKind = Field(description="The kind of measure.")
    legal_basis: LegalBasis | None = Field(description="The legal basis of the measure.")
    drug_category: DrugCategory | None = Field(description="The kind of drugs concerned, if any.")
    decided_on: date = Field(description="Date the measure was decided.")
    rapportage_id: uuid.UUID | None = Field(
        description="The bestuurlijke rapportage the measure follows from, if any."
    )
    duration_months: int | None = Field(description="Duration of a closure in months.")
    address: Address | None = Field(description="Address of the premises concerned.")
    kvk_number: str | None = Field(description="KvK number (8 digits) of the business concerned.")
    description: str | None = Field(
        description="Free text about the measure (personal data; never logged)."
    )
    status: MeasureStatus = Field(
        description="Workflow status; on create it defaults to `voornemen`. A withdrawn "
        "(`ingetrokken`) measure no longer counts."
    )


class MeasureQuery(RecordQuery):
    sort: Annotated[str, sort_values("decidedOn")] = Field(
        default=DEFAULT_SORT, description=sort_description("decidedOn")
    )
    kind: Annotated[str | None, OneOf.of(MeasureKind)] = Field(
        default=None, description="Of one of these kinds of measure, comma-separated."
    )
    legal_basis: Annotated[str | None, OneOf.of(LegalBasis)] = Field(
        default=None, description="On one of these legal bases, comma-separated."
    )
    drug_category: Annotated[str | None, OneOf.of(DrugCategory)] = Field(
        default=None, description="Concerning one of these drug categories, comma-separated."
    )
    status: Annotated[str | None, OneOf.of(MeasureStatus)] = Field(
        default=None, description="In one of these workflow statuses, comma-separated."
    )
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    rapportage_id: uuid.UUID | None = Field(
        default=None, description="Naming this bestuurlijke rapportage.", examples=[None]
    )
