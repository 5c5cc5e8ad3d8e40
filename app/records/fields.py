"""Field types and base bodies shared by the five record types (SPEC §4)."""

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.pagination import MAX_LIMIT
from app.schemas import ApiInput, ApiModel, Confidentiality, IsoDate
from app.vocabularies.labels import LabelledEnum

KVK_PATTERN = r"^[0-9]{8}$"
POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
KvkNumber = Annotated[str, StringConstraints(pattern=KVK_PATTERN)]


def _normalise_postcode(value: str) -> str:
    match = POSTCODE.match(value.strip())
    if match is None:
        raise ValueError("A Dutch postcode looks like `1234 AB`.")
    return f"{match.group(1)} {match.group(2).upper()}"


Postcode = Annotated[
    str,
    StringConstraints(max_length=7),
    AfterValidator(_normalise_postcode),
]


def _is_bsn(digits: str) -> bool:
    """The elfproef for citizen service numbers: 9 digits, weighted sum divisible by 11."""
    if len(digits) != 9 or digits == "000000000":
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


_NINE_DIGITS = re.compile(r"(?<![0-9])([0-9]{9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3})(?![0-9])")


def contains_bsn(text: str) -> bool:
    return any(_is_bsn(m.replace(".", "")) for m in _NINE_DIGITS.findall(text))


def _no_bsn(value: str) -> str:
    if contains_bsn(value):
        raise ValueError("Holds what looks like a citizen service number (BSN); none is accepted.")
    return value


FreeText = Annotated[LongText, AfterValidator(_no_bsn)]
Title = Annotated[ShortText, AfterValidator(_no_bsn)]


class DrugCategory(LabelledEnum):
    """The kind of drugs a rapportage or measure concerns (Opiumwet lijst I or II)."""

    SOFTDRUGS = "softdrugs", "Softdrugs", "Middelen van lijst II van de Opiumwet, zoals cannabis."
    HARDDRUGS = (
        "harddrugs",
        "Harddrugs",
        "Middelen van lijst I van de Opiumwet, zoals cocaïne, heroïne en synthetische drugs.",
    )


class Address(ApiInput):
    street: Title | None = Field(description="Street name.", default=None, examples=["Voorstraat"])
    house_number: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        description="House number with any addition (`12a`).", default=None, examples=["12a"]
    )
    postcode: Postcode | None = Field(
        description="Dutch postcode, normalised to `1234 AB`.", default=None, examples=["3311 AB"]
    )
    city: Title | None = Field(
        description="Place (woonplaats).", default=None, examples=["Dordrecht"]
    )


class RecordInput(ApiInput):
    """What every record's body may hold besides its own fields."""

    external_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="The partner's own id of the record; unique per partner and resource.",
        examples=["BVH-2023-0042"],
    )
    partner: str | None = Field(
        default=None,
        max_length=40,
        description="The owning partner. Defaults to the caller's; only a coordinator or admin "
        "may name another, and a client that acts for no partner must name one.",
        examples=["politie"],
    )
    theme: str | None = Field(
        description="The theme (code from `/themes`) the record belongs to.",
        default=None,
        max_length=60,
        examples=["drugs"],
    )
    confidentiality: Confidentiality = Field(
        description="ZGW confidentiality level; default `vertrouwelijk`. A caller never sees "
        "records above its `maxConfidentiality`.",
        default=Confidentiality.VERTROUWELIJK,
    )


class RecordOutput(ApiModel):
    """What every record's representation holds besides its own fields."""

    id: uuid.UUID = Field(description="The record's id (UUID, made by the server).")
    reference: str = Field(
        description="Human-readable reference made by the server: prefix, year, number.",
        examples=["SIG-2023-000017"],
    )
    partner: str = Field(
        description="The owning partner (code from `/partners`).", examples=["politie"]
    )
    external_id: str | None = Field(
        description="The partner's own id of the record; unique per partner and resource.",
        examples=["BVH-2023-0042"],
    )
    theme: str | None = Field(
        description="The theme (code from `/themes`) the record belongs to.", examples=["drugs"]
    )
    confidentiality: Confidentiality = Field(description="ZGW confidentiality level.")
    created_at: datetime = Field(description="When the record was registered (UTC).")
    updated_at: datetime = Field(description="When the record last changed (UTC).")
    version: int = Field(
        description="Version number, raised by every change; the `ETag` is this version.",
        examples=[1],
    )


class RecordQuery(ApiInput):
    """Query parameters every list takes; each resource adds its enum filters."""

    limit: int = Field(
        default=50, ge=1, le=MAX_LIMIT, description="Page size, at most 200.", examples=[50]
    )
    cursor: str | None = Field(
        default=None,
        max_length=100,
        description="The `nextCursor` of the previous page.",
        examples=["AZLIpFjzek6b3l9KHCs9Tg"],
    )
    partner: str | None = Field(
        default=None,
        max_length=40,
        description="Only records of this partner (code).",
        examples=["politie"],
    )
    theme: str | None = Field(
        default=None,
        max_length=60,
        description="Only records with this theme (code).",
        examples=["drugs"],
    )
    confidentiality: Confidentiality | None = Field(
        default=None, description="Only records at this confidentiality level."
    )
    from_: IsoDate | None = Field(
        default=None,
        alias="from",
        description="On or after this date (inclusive).",
        examples=["2023-01-01"],
    )
    to: IsoDate | None = Field(
        default=None, description="On or before this date (inclusive).", examples=["2023-04-30"]
    )
