"""Bodies of the measures endpoints."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.records.fields import (
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
    sort_values,
)


class MeasureKind(StrEnum):
    SLUITING = "sluiting"
    WAARSCHUWING = "waarschuwing"
    LAST_ONDER_DWANGSOM = "last-onder-dwangsom"
    LAST_ONDER_BESTUURSDWANG = "last-onder-bestuursdwang"
    BIBOB_WEIGERING = "bibob-weigering"
    BIBOB_INTREKKING = "bibob-intrekking"
    OVERIG = "overig"


class LegalBasis(StrEnum):
    OPIUMWET_13B = "opiumwet-13b"
    GEMEENTEWET_174A = "gemeentewet-174a"
    APV = "apv"
    WET_BIBOB = "wet-bibob"
    OVERIG = "overig"


class MeasureStatus(StrEnum):
    VOORNEMEN = "voornemen"
    OPGELEGD = "opgelegd"
    IN_BEZWAAR = "in-bezwaar"
    UITGEVOERD = "uitgevoerd"
    INGETROKKEN = "ingetrokken"


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
    rapportage_id: uuid.UUID | None = Field(
        description="The bestuurlijke rapportage that grounds the measure; null when there is "
        "none, or none the caller may read.",
        examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    )
    duration_months: int | None
    address: Address | None
    kvk_number: str | None
    description: str | None
    status: MeasureStatus


class MeasureQuery(RecordQuery):
    sort: Annotated[str, sort_values("decidedOn")] = "-createdAt"
    kind: Annotated[str | None, OneOf.of(MeasureKind)] = None
    legal_basis: Annotated[str | None, OneOf.of(LegalBasis)] = None
    drug_category: Annotated[str | None, OneOf.of(DrugCategory)] = None
    status: Annotated[str | None, OneOf.of(MeasureStatus)] = None
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    rapportage_id: uuid.UUID | None = Field(
        default=None, description="Naming this bestuurlijke rapportage.", examples=[None]
    )
