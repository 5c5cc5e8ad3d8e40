"""Bodies of the inspections endpoints."""

import uuid
from datetime import date

from pydantic import Field

from app.records.fields import FreeText, RecordInput, RecordOutput, RecordQuery, Title
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
    signal_ids: list[uuid.UUID]


class InspectionQuery(RecordQuery):
    kind: InspectionKind | None = None
