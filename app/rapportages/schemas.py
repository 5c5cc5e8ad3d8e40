"""Bodies of the bestuurlijke-rapportages endpoints."""

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


class RapportageStatus(LabelledEnum):
    """Where a bestuurlijke rapportage stands."""

    ONTVANGEN = "ontvangen", "Ontvangen", "De rapportage is binnen, nog niet in behandeling."
    IN_BEHANDELING = "in-behandeling", "In behandeling", "De gemeente beoordeelt de rapportage."
    AFGEHANDELD = "afgehandeld", "Afgehandeld", "Er is op besloten, bijvoorbeeld met een maatregel."


class BestuurlijkeRapportageInput(RecordInput):
    theme: str = Field(max_length=60, examples=["drugs"])  # required here
    received_on: date = Field(examples=["2023-03-02"])
    drug_category: DrugCategory | None = None
    address: Address | None = None
    kvk_number: KvkNumber | None = Field(default=None, examples=["12345678"])
    summary: FreeText | None = None
    signal_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=100, description="Signals this report builds on."
    )
    status: RapportageStatus = RapportageStatus.ONTVANGEN


class BestuurlijkeRapportageRead(RecordOutput):
    theme: str = Field(examples=["drugs"])
    received_on: date
    drug_category: DrugCategory | None
    address: Address | None
    kvk_number: str | None
    summary: str | None
    signal_ids: list[uuid.UUID]
    status: RapportageStatus


class BestuurlijkeRapportageQuery(RecordQuery):
    drug_category: DrugCategory | None = None
    status: RapportageStatus | None = None
