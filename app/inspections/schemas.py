"""Bodies of the inspections endpoints."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.records.fields import (
    FreeText,
    OneOf,
    RecordInput,
    RecordOutput,
    RecordQuery,
    SignalIdFilter,
    TextFilter,
    Title,
    sort_values,
)


class InspectionKind(StrEnum):
    INTEGRALE_CONTROLE = "integrale-controle"
    SEKSBRANCHE_CONTROLE = "seksbranche-controle"
    GARAGEBOX_CONTROLE = "garagebox-controle"
    BEDRIJFSVERZAMELGEBOUW_CONTROLE = "bedrijfsverzamelgebouw-controle"
    WIJKGERICHTE_DRUGSACTIE = "wijkgerichte-drugsactie"
    OVERIG = "overig"


class InspectionInput(RecordInput):
    kind: InspectionKind
    occurred_on: date = Field(examples=["2023-03-09"])
    sector: Title | None = Field(default=None, examples=["autobranche"])
    businesses_inspected: int | None = Field(default=None, ge=0, le=100_000, examples=[6])
    neighbourhood: Title | None = Field(default=None, examples=["Dordtse Kil"])
    partners: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Codes of the partners taking part.",
        examples=[["gemeente", "politie", "ozhz"]],
    )
    findings: FreeText | None = None
    signal_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=100, description="Signals that came out of it."
    )


class InspectionRead(RecordOutput):
    kind: InspectionKind
    occurred_on: date
    sector: str | None
    businesses_inspected: int | None
    neighbourhood: str | None
    partners: list[str] = Field(examples=[["gemeente", "politie", "ozhz"]])
    findings: str | None
    signal_ids: list[uuid.UUID] = Field(
        description="Signals that came out of it (those the caller may read).",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )


class InspectionQuery(RecordQuery):
    sort: Annotated[str, sort_values("occurredOn")] = "-createdAt"
    kind: Annotated[str | None, OneOf.of(InspectionKind)] = None
    sector: TextFilter = Field(default=None, examples=["autobranche"])
    neighbourhood: TextFilter = Field(default=None, examples=["Binnenstad"])
    signal_id: SignalIdFilter = None
