"""Bodies of the bestuurlijke-rapportages endpoints."""

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
    SignalIdFilter,
    sort_description,
    sort_values,
)
from app.vocabularies.labels import LabelledEnum


class RapportageStatus(LabelledEnum):
    """Where a bestuurlijke rapportage stands."""

    ONTVANGEN = "ontvangen", "Ontvangen", "De rapportage is binnen, nog niet in behandeling."
    IN_BEHANDELING = "in-behandeling", "In behandeling", "De gemeente beoordeelt de rapportage."
    AFGEHANDELD = "afgehandeld", "Afgehandeld", "Er is op besloten, bijvoorbeeld met een maatregel."


class BestuurlijkeRapportageInput(RecordInput):
    theme: str = Field(
        description="The theme (code from `/themes`) the rapportage concerns.",
        max_length=60,
        examples=["drugs"],
    )  # required here
    received_on: date = Field(
        description="Date the rapportage was received.", examples=["2023-03-02"]
    )
    drug_category: DrugCategory | None = Field(
        default=None, description="The kind of drugs concerned, if any."
    )
    address: Address | None = Field(default=None, description="Address of the premises concerned.")
    kvk_number: KvkNumber | None = Field(
        description="KvK number (8 digits) of the business concerned.",
        default=None,
        examples=["12345678"],
    )
    summary: FreeText | None = Field(
        default=None, description="Summary of the rapportage (personal data; never logged)."
    )
    signal_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=100,
        description="Signals this report builds on.",
    )
    status: RapportageStatus = Field(
        default=RapportageStatus.ONTVANGEN,
        description="Workflow status; on create it defaults to `ontvangen`.",
    )


class BestuurlijkeRapportageRead(RecordOutput):
    theme: str = Field(
        description="The theme (code from `/themes`) the rapportage concerns.", examples=["drugs"]
    )
    received_on: date = Field(description="Date the rapportage was received.")
    drug_category: DrugCategory | None = Field(description="The kind of drugs concerned, if any.")
    address: Address | None = Field(description="Address of the premises concerned.")
    kvk_number: str | None = Field(description="KvK number (8 digits) of the business concerned.")
    summary: str | None = Field(
        description="Summary of the rapportage (personal data; never logged)."
    )
    signal_ids: list[uuid.UUID] = Field(description="The signals this rapportage came from.")
    status: RapportageStatus = Field(
        description="Workflow status; on create it defaults to `ontvangen`."
    )

    measure_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="Measures that name this report as their `rapportageId` (those the caller "
        "may read), oldest first. Read-only.",
        examples=[["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"]],
    )


class BestuurlijkeRapportageQuery(RecordQuery):
    sort: Annotated[str, sort_values("receivedOn")] = Field(
        default=DEFAULT_SORT, description=sort_description("receivedOn")
    )
    drug_category: Annotated[str | None, OneOf.of(DrugCategory)] = Field(
        default=None, description="Concerning one of these drug categories, comma-separated."
    )
    status: Annotated[str | None, OneOf.of(RapportageStatus)] = Field(
        default=None, description="In one of these workflow statuses, comma-separated."
    )
    kvk_number: KvkFilter = None
    postcode: PostcodeFilter = None
    signal_id: SignalIdFilter = None
