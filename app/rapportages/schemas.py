"""Bodies of the bestuurlijke-rapportages endpoints."""

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
    SignalIdFilter,
    sort_values,
)


class RapportageStatus(StrEnum):
    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in-behandeling"
    AFGEHANDELD = "afgehandeld"


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
    signal_ids: list[uuid.UUID] = Field(
        description="Signals this report builds on (those the caller may read).",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )
    measure_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="Measures that name this report as their `rapportageId` (those the caller "
        "may read), oldest first. Read-only.",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )
    status: RapportageStatus


class BestuurlijkeRapportageQuery(RecordQuery):
    sort: Annotated[str, sort_values("receivedOn")] = "-createdAt"
    drug_category: Annotated[str | None, OneOf.of(DrugCategory)] = None
    status: Annotated[str | None, OneOf.of(RapportageStatus)] = None
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    signal_id: SignalIdFilter = None
