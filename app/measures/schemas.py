"""Bodies of the measures endpoints."""

import uuid
from datetime import date

from pydantic import Field

from app.records.fields import (
    Address,
    DrugCategory,
    FreeText,
    KvkNumber,
    RecordInput,
    RecordOutput,
    RecordQuery,
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
    kind: MeasureKind
    legal_basis: LegalBasis | None = None
    drug_category: DrugCategory | None = None
    decided_on: date = Field(examples=["2023-03-20"])
    rapportage_id: uuid.UUID | None = Field(
        default=None, description="The bestuurlijke rapportage that grounds the measure."
    )
    duration_months: int | None = Field(
        default=None, ge=1, le=120, description="For closures.", examples=[3]
    )
    address: Address | None = None
    kvk_number: KvkNumber | None = Field(
        default=None,
        description="KvK number of the business concerned (a Bibob refusal, a closure).",
        examples=["12345678"],
    )
    description: FreeText | None = None
    status: MeasureStatus = MeasureStatus.VOORNEMEN


class MeasureRead(RecordOutput):
    kind: MeasureKind
    legal_basis: LegalBasis | None
    drug_category: DrugCategory | None
    decided_on: date
    rapportage_id: uuid.UUID | None
    duration_months: int | None
    address: Address | None
    kvk_number: str | None
    description: str | None
    status: MeasureStatus


class MeasureQuery(RecordQuery):
    kind: MeasureKind | None = None
    legal_basis: LegalBasis | None = None
    drug_category: DrugCategory | None = None
    status: MeasureStatus | None = None
