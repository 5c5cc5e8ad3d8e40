"""Bodies of the campaigns endpoints."""

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
    Title,
    sort_description,
    sort_values,
)
from app.vocabularies.labels import LabelledEnum


class CampaignKind(LabelledEnum):
    """The kind of communication or awareness activity."""

    COMMUNICATIECAMPAGNE = (
        "communicatiecampagne",
        "Communicatiecampagne",
        "Een publiekscampagne, bijvoorbeeld om melden te stimuleren.",
    )
    BEWUSTWORDINGSTRAINING = (
        "bewustwordingstraining",
        "Bewustwordingstraining",
        "Een training om signalen van ondermijning te herkennen.",
    )
    BEWUSTWORDINGSBIJEENKOMST = (
        "bewustwordingsbijeenkomst",
        "Bewustwordingsbijeenkomst",
        "Een bijeenkomst over ondermijning, bijvoorbeeld voor ondernemers of een wijk.",
    )


class Audience(LabelledEnum):
    """Whom a campaign reaches; `ambtenaren`, `handhaving` and `wijkmanagers` are internal."""

    BURGERS = "burgers", "Inwoners", "Inwoners van de gemeente (extern)."
    ONDERNEMERS = "ondernemers", "Ondernemers", "Ondernemers en hun personeel (extern)."
    AMBTENAREN = "ambtenaren", "Ambtenaren", "Medewerkers van de gemeente (intern)."
    HANDHAVING = "handhaving", "Handhaving", "Toezichthouders en boa's (intern)."
    WIJKMANAGERS = "wijkmanagers", "Wijkmanagers", "Wijkmanagers van de gemeente (intern)."
    WONINGCORPORATIES = (
        "woningcorporaties",
        "Woningcorporaties",
        "Medewerkers van woningcorporaties (extern).",
    )
    OVERIG = "overig", "Overig", "Een andere doelgroep (extern)."


INTERNAL_AUDIENCES = frozenset({"ambtenaren", "handhaving", "wijkmanagers"})


class CampaignPillar(LabelledEnum):
    """The plan pillar a campaign counts for."""

    P2 = (
        "p2",
        "Pijler 2: weerbare overheid",
        "Het versterken van een weerbare overheid; standaard als elke doelgroep intern is.",
    )
    P3 = (
        "p3",
        "Pijler 3: maatschappelijke weerbaarheid",
        "Het versterken van de maatschappelijke weerbaarheid; standaard zodra een "
        "doelgroep extern is.",
    )


class CampaignInput(RecordInput):
    kind: CampaignKind = Field(description="The kind of campaign or session.")
    title: Title = Field(description="Title of the campaign.", examples=["Week tegen Mensenhandel"])
    audiences: list[Audience] = Field(
        description="Whom it reaches.", default_factory=list, max_length=7
    )
    pillar: CampaignPillar | None = Field(
        default=None,
        description="When omitted: `p2` if every audience is internal (ambtenaren, handhaving, "
        "wijkmanagers), else `p3`.",
        examples=["p3"],
    )
    starts_on: date = Field(description="Date it starts.", examples=["2023-01-18"])
    ends_on: date | None = Field(
        description="Date it ends; not before `startsOn`.", default=None, examples=["2023-01-18"]
    )
    organisations: list[Title] = Field(
        description="Organisations taking part (free-text names, e.g. Motus, Trivire).",
        default_factory=list,
        max_length=50,
        examples=[["Motus", "Trivire", "Woonbron"]],
    )
    participants: int | None = Field(
        strict=True,
        description="Number of participants.",
        default=None,
        ge=0,
        le=1_000_000,
        examples=[40],
    )
    description: FreeText | None = Field(
        default=None, description="Free text about the campaign (personal data; never logged)."
    )


class CampaignRead(RecordOutput):
    kind: CampaignKind = Field(description="The kind of campaign or session.")
    title: str = Field(description="Title of the campaign.", examples=["Week tegen Mensenhandel"])
    audiences: list[Audience] = Field(description="Whom it reaches.")
    pillar: CampaignPillar = Field(description="The plan pillar it counts for.")
    starts_on: date = Field(description="Date it starts.")
    ends_on: date | None = Field(description="Date it ends; not before `startsOn`.")
    organisations: list[str] = Field(
        description="Organisations taking part (free-text names, e.g. Motus, Trivire).",
        examples=[["Motus", "Trivire"]],
    )
    participants: int | None = Field(description="Number of participants.")
    description: str | None = Field(
        description="Free text about the campaign (personal data; never logged)."
    )


class CampaignQuery(RecordQuery):
    sort: Annotated[str, sort_values("startsOn")] = Field(
        default=DEFAULT_SORT, description=sort_description("startsOn")
    )
    kind: Annotated[str | None, OneOf.of(CampaignKind)] = Field(
        default=None, description="Of one of these kinds of campaign, comma-separated."
    )
    audience: Annotated[str | None, OneOf.of(Audience)] = Field(
        default=None, description="Has one of these audiences, comma-separated."
    )
    pillar: Annotated[str | None, OneOf.of(CampaignPillar)] = Field(
        default=None, description="Counting for one of these plan pillars, comma-separated."
    )
