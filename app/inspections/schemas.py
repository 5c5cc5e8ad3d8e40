"""Bodies of the inspections endpoints."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from app.records.fields import (
    DEFAULT_SORT,
    FreeText,
    OneOf,
    RecordInput,
    RecordOutput,
    RecordQuery,
    SignalIdFilter,
    TextFilter,
    Title,
    sort_description,
    sort_values,
)
from app.vocabularies.labels import LabelledEnum


class InspectionKind(LabelledEnum):
    """The kind of inspection or operation."""

    INTEGRALE_CONTROLE = (
        "integrale-controle",
        "Integrale controle",
        "Een gezamenlijke controle door gemeente en partners bij bedrijven.",
    )
    SEKSBRANCHE_CONTROLE = (
        "seksbranche-controle",
        "Controle seksbranche",
        "Een controle van vergunde en illegale prostitutie.",
    )
    GARAGEBOX_CONTROLE = (
        "garagebox-controle",
        "Controle garageboxen",
        "Een controle van garageboxen en opslagruimtes.",
    )
    BEDRIJFSVERZAMELGEBOUW_CONTROLE = (
        "bedrijfsverzamelgebouw-controle",
        "Controle bedrijfsverzamelgebouw",
        "Een controle van een bedrijfsverzamelgebouw en de bedrijven erin.",
    )
    WIJKGERICHTE_DRUGSACTIE = (
        "wijkgerichte-drugsactie",
        "Wijkgerichte drugsactie",
        "Een actie tegen drugshandel in één wijk.",
    )
    OVERIG = "overig", "Overig", "Een andere controle of actie."


class InspectionInput(RecordInput):
    kind: InspectionKind = Field(description="What kind of inspection or operation it was.")
    occurred_on: date = Field(description="Date it took place.", examples=["2023-03-09"])
    sector: Title | None = Field(
        description="Sector inspected (e.g. autobranche).", default=None, examples=["autobranche"]
    )
    businesses_inspected: int | None = Field(
        strict=True,
        description="Number of businesses inspected.",
        default=None,
        ge=0,
        le=100_000,
        examples=[6],
    )
    neighbourhood: Title | None = Field(
        description="Neighbourhood (wijk or buurt).", default=None, examples=["Dordtse Kil"]
    )
    partners: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Codes of the partners taking part.",
        examples=[["gemeente", "politie", "ozhz"]],
    )
    findings: FreeText | None = Field(
        default=None, description="What was found (personal data; never logged)."
    )
    signal_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=100,
        description="Signals that came out of it.",
    )


class InspectionRead(RecordOutput):
    kind: InspectionKind = Field(description="What kind of inspection or operation it was.")
    occurred_on: date = Field(description="Date it took place.")
    sector: str | None = Field(description="Sector inspected (e.g. autobranche).")
    businesses_inspected: int | None = Field(description="Number of businesses inspected.")
    neighbourhood: str | None = Field(description="Neighbourhood (wijk or buurt).")
    partners: list[str] = Field(
        description="Codes of the partners taking part.", examples=[["gemeente", "politie", "ozhz"]]
    )
    findings: str | None = Field(description="What was found (personal data; never logged).")
    signal_ids: list[uuid.UUID] = Field(description="The signals that came out of it.")


class InspectionQuery(RecordQuery):
    sort: Annotated[str, sort_values("occurredOn")] = Field(
        default=DEFAULT_SORT, description=sort_description("occurredOn")
    )
    kind: Annotated[str | None, OneOf.of(InspectionKind)] = Field(
        default=None, description="Of one of these kinds of inspection, comma-separated."
    )
    sector: TextFilter = Field(default=None, examples=["autobranche"])
    neighbourhood: TextFilter = Field(default=None, examples=["Binnenstad"])
    signal_id: SignalIdFilter = None
