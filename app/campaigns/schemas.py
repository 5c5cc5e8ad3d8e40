"""Bodies of the campaigns endpoints."""

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
    Title,
    sort_values,
)


class CampaignKind(StrEnum):
    COMMUNICATIECAMPAGNE = "communicatiecampagne"
    BEWUSTWORDINGSTRAINING = "bewustwordingstraining"
    BEWUSTWORDINGSBIJEENKOMST = "bewustwordingsbijeenkomst"


class Audience(StrEnum):
    BURGERS = "burgers"
    ONDERNEMERS = "ondernemers"
    AMBTENAREN = "ambtenaren"
    HANDHAVING = "handhaving"
    WIJKMANAGERS = "wijkmanagers"
    WONINGCORPORATIES = "woningcorporaties"
    OVERIG = "overig"


INTERNAL_AUDIENCES = frozenset({"ambtenaren", "handhaving", "wijkmanagers"})


class CampaignPillar(StrEnum):
    P2 = "p2"
    P3 = "p3"


class CampaignInput(RecordInput):
    kind: CampaignKind
    title: Title = Field(examples=["Week tegen Mensenhandel"])
    audiences: list[Audience] = Field(default_factory=list, max_length=7)
    pillar: CampaignPillar | None = Field(
        default=None,
        description="When omitted: `p2` if every audience is internal (ambtenaren, handhaving, "
        "wijkmanagers), else `p3`.",
        examples=["p3"],
    )
    starts_on: date = Field(examples=["2023-01-18"])
    ends_on: date | None = Field(default=None, examples=["2023-01-18"])
    organisations: list[Title] = Field(
        default_factory=list, max_length=50, examples=[["Motus", "Trivire", "Woonbron"]]
    )
    participants: int | None = Field(default=None, ge=0, le=1_000_000, examples=[40])
    description: FreeText | None = None


class CampaignRead(RecordOutput):
    kind: CampaignKind
    title: str = Field(examples=["Week tegen Mensenhandel"])
    audiences: list[Audience]
    pillar: CampaignPillar
    starts_on: date
    ends_on: date | None
    organisations: list[str] = Field(examples=[["Motus", "Trivire"]])
    participants: int | None
    description: str | None


class CampaignQuery(RecordQuery):
    sort: Annotated[str, sort_values("startsOn")] = "-createdAt"
    kind: Annotated[str | None, OneOf.of(CampaignKind)] = None
    audience: Annotated[str | None, OneOf.of(Audience)] = Field(
        default=None, description="Has one of these audiences, comma-separated."
    )
    pillar: Annotated[str | None, OneOf.of(CampaignPillar)] = None
