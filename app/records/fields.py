"""Field types and base bodies shared by the five record types (SPEC §4)."""

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from app.pagination import MAX_LIMIT
from app.records.search_terms import MAX_QUERY_LENGTH, MAX_TERMS, search_terms
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


def _searchable(value: str) -> str:
    # A byte that is not UTF-8 arrives as U+FFFD; control, surrogate and unassigned code
    # points are no text anyone searches for.
    if "\ufffd" in value or any(unicodedata.category(c) in {"Cc", "Cs", "Cn"} for c in value):
        raise ValueError("Holds control characters or bytes that are not UTF-8 text.")
    terms = search_terms(value)
    if not terms:
        raise ValueError("Holds no word to search for (letters or digits).")
    if len(terms) > MAX_TERMS:
        raise ValueError(f"At most {MAX_TERMS} words.")
    return value


SearchText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_QUERY_LENGTH), AfterValidator(_searchable)
]


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


def _always_present(schema: dict[str, Any]) -> None:
    """Every property of a representation is always there (the computed ones have defaults
    only so that a response stored before they existed still replays), `_embedded` only
    with `expand`."""
    schema["required"] = [name for name in schema.get("properties", {}) if name != "_embedded"]


class RecordOutput(ApiModel):
    """What every record's representation holds besides its own fields."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        json_schema_extra=_always_present,
    )

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
    allowed_transitions: list[str] = Field(
        default_factory=list,
        description="The statuses this caller may move the record to now, from its workflow: "
        "the buttons a screen shows. Empty for a record type without a workflow, in a final "
        "state, or for a caller that may not change the record. Read-only.",
        examples=[["in-behandeling", "afgesloten"]],
    )


EXPAND_DESCRIPTION = (
    "Comma list of link names — the link properties without their `Id`/`Ids` suffix "
    "(`signals`, `rapportage`, `measures`, `rapportages`, `inspections`, as the record type "
    "has them): embeds the linked records the caller may read under `_embedded`. An unknown "
    "name is 400."
)


@dataclass(frozen=True)
class OneOf:
    """`Annotated` marker of a query parameter taking one of `values` or, with `many`, one
    or more of them comma-separated (`status=nieuw,in-behandeling`); anything else is 400
    naming the parameter. The contract states the values as a pattern or an enum."""

    values: tuple[str, ...]
    many: bool = False

    @classmethod
    def of(cls, enum: Iterable[StrEnum]) -> "OneOf":
        return cls(tuple(member.value for member in enum), many=True)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        # On the string itself, or its branch of `X | None`.
        strings = [
            branch
            for branch in (json_schema, *json_schema.get("anyOf", []))
            if branch.get("type") == "string"
        ]
        for branch in strings:
            choice = "|".join(self.values)  # kebab-case and camelCase values: nothing to escape
            if self.many:
                branch["pattern"] = f"^({choice})(,({choice}))*$"
            else:
                # A pattern, not an enum: the orders of `sort=` are no vocabulary of labels.
                branch["pattern"] = f"^({choice})$"
        json_schema.setdefault(
            "description",
            "Only records with one of these values, comma-separated."
            if self.many
            else "One of these values.",
        )
        example = ",".join(self.values[:2]) if self.many else self.values[0]
        json_schema.setdefault("examples", [example])
        return json_schema

    def _check(self, value: str | None) -> str | None:
        if value is None:
            return None
        given = value.split(",") if self.many else [value]
        wrong = [item for item in given if item not in self.values]
        if wrong:
            listed = ", ".join(f"`{item}`" for item in self.values)
            raise PydanticCustomError(
                "enum",
                "`{wrong}` is not one of {listed}" + (", comma-separated." if self.many else "."),
                {"wrong": wrong[0], "listed": listed},
            )
        return value


def values_of(text: str | None) -> list[str]:
    """The values of a comma-separated filter (validated by `OneOf`)."""
    return [] if text is None else list(dict.fromkeys(text.split(",")))


def sort_values(date_field: str) -> OneOf:
    """The `sort=` orders of a list: its date field (API name), `createdAt`, `updatedAt`,
    `reference`, each ascending or descending (`-`)."""
    names = (date_field, "createdAt", "updatedAt", "reference")
    return OneOf(tuple(order for name in names for order in (name, f"-{name}")))


DEFAULT_SORT = "-createdAt"


def sort_description(date_field: str) -> str:
    """The `sort` parameter's description, naming the list's own date field."""
    return (
        f"The order of the list: `{date_field}`, `createdAt`, `updatedAt` or `reference`, "
        "ascending, or descending with a leading `-`; ties by id the same way. "
        "Default `-createdAt`."
    )


# Filters of the lists beyond the common ones (SPEC §4.1), as the query schemas declare them.
KvkFilter = Annotated[KvkNumber | None, Field(description="The KvK number.", examples=["12345678"])]
PostcodeFilter = Annotated[
    Postcode | None,
    Field(
        description="The address' postcode, with or without its space, any case (`3311ab`).",
        examples=["3311AB"],
    ),
]
TextFilter = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=200)] | None,
    Field(description="Exactly this value."),
]
SignalIdFilter = Annotated[
    uuid.UUID | None,
    Field(description="Linking this signal (in `signalIds`).", examples=[None]),
]


class RecordQuery(ApiInput):
    """Query parameters every list takes (SPEC §4.1); each resource adds its own filters,
    declared in its `RecordType.filters`, and its `sort` orders."""

    limit: int = Field(
        default=50, ge=1, le=MAX_LIMIT, description="Page size, at most 200.", examples=[50]
    )
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="The `nextCursor` of the previous page, under the same `sort`.",
        examples=["WyItY3JlYXRlZEF0IiwiMjAyMy0wMi0wMSJd"],
    )
    total: bool = Field(
        default=False,
        description="`true` adds `total`, the number of records matching the filters.",
        examples=[True],
    )
    partner: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="Owned by this partner.", examples=["politie"]
    )
    theme: Annotated[str, StringConstraints(max_length=60)] | None = Field(
        default=None,
        description="Belonging to this theme (code from `/themes`).",
        examples=["drugs"],
    )
    confidentiality: Annotated[str | None, OneOf.of(Confidentiality)] = Field(
        default=None,
        description="One or more confidentiality levels, comma-separated.",
        examples=["intern,vertrouwelijk"],
    )
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="The partner's own id of the record.", examples=["BVH-2023-0042"]
    )
    period: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None,
        description="Instead of `from`/`to`, on the record's date field: a year `2023`, quarter "
        "`2023-Q1`, month `2023-04`, or a period relative to today as on the statistics "
        "(`this-year`, `last-quarter`, `last-12-months`, …).",
        examples=["2023-Q1"],
    )
    q: SearchText | None = Field(
        default=None,
        description="Full-text search: records whose text (reference, externalId, kvkNumber, "
        "postcode, street, neighbourhood, title, description, summary, findings — what the "
        "type has) matches every word, as a whole word or a word prefix, case- and "
        "accent-insensitive. A reference, postcode (with or without its space) or KvK "
        "number matches whole.",
        examples=["voorstraat 3311AB"],
    )
    expand: str | None = Field(
        default=None,
        max_length=200,
        description=EXPAND_DESCRIPTION,
        examples=["signals"],
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
