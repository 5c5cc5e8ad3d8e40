"""Bodies of `/subjects`: the query (a KvK number, or a postcode and house number) and the
answer, whose item fields come from the record types' declarations."""

import re
import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, create_model

from app.records.fields import KvkNumber, Postcode
from app.records.kind import attribute_of
from app.records.registry import RECORD_TYPES, RecordResource
from app.schemas import ApiInput, ApiModel

HOUSE_NUMBER = re.compile(r"^([1-9][0-9]{0,4})([A-Z0-9]{0,6})$")


def normalise_house_number(value: str) -> str:
    """Upper case without spaces or dashes (`12-a` is `12A`), as the index stores it."""
    normal = re.sub(r"[\s-]", "", value).upper()
    if HOUSE_NUMBER.match(normal) is None:
        raise ValueError("A house number with an optional addition looks like `12` or `12a`.")
    return normal


HouseNumber = Annotated[
    str, StringConstraints(max_length=20), AfterValidator(normalise_house_number)
]


class SubjectQuery(ApiInput):
    """A business by its KvK number, or premises by postcode and house number."""

    kvk_number: KvkNumber | None = Field(
        default=None, description="The business' KvK number.", examples=["12345678"]
    )
    postcode: Postcode | None = Field(
        default=None,
        description="The premises' postcode, with or without its space, any case.",
        examples=["3311AB"],
    )
    house_number: HouseNumber | None = Field(
        default=None,
        description="With `postcode`: the house number, with its addition (`12a`) or without "
        "(then every addition at that number matches).",
        examples=["12"],
    )
    limit: int = Field(
        default=50, ge=1, le=200, description="Page size, at most 200.", examples=[50]
    )
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="The `nextCursor` of the previous page.",
        examples=["WyItZGF0ZSIsIjIwMjMtMDItMDEiXQ"],
    )


class Subject(ApiModel):
    """The subject looked up, as the query named it (normalised)."""

    kvk_number: str | None = Field(
        default=None,
        description="The KvK number looked up; null when looked up by address.",
        examples=["12345678"],
    )
    postcode: str | None = Field(
        default=None,
        description="The postcode looked up; null when looked up by KvK number.",
        examples=["3311 AB"],
    )
    house_number: str | None = Field(
        default=None,
        description="The house number looked up, upper case (`12A`); null when looked up by "
        "KvK number.",
        examples=["12"],
    )


def _summary_fields() -> dict[str, Any]:
    """Every summary field a record type declares for its subject items, optional."""
    fields: dict[str, Any] = {}
    for record_type in RECORD_TYPES:
        if record_type.subject is None:
            continue
        output = record_type.output_schema
        for name in record_type.subject.summary:
            attribute = attribute_of(output, name)
            info = output.model_fields[attribute]
            annotation: Any = info.annotation
            description = f"{info.description} Null where the record's type has no such field."
            fields.setdefault(
                attribute, (annotation | None, Field(default=None, description=description))
            )
    return fields


SubjectItem = create_model(
    "SubjectItem",
    __base__=ApiModel,
    __doc__="One record about the subject; the fields beyond the first five are its type's.",
    resource=(
        RecordResource,
        Field(description="The record's resource (its type).", examples=["measures"]),
    ),
    id=(uuid.UUID, Field(description="The record's id.")),
    reference=(
        str,
        Field(description="The record's reference number.", examples=["MR-2023-000004"]),
    ),
    date=(date, Field(description="The record's own date field.", examples=["2023-03-20"])),
    status=(
        str | None,
        Field(
            default=None,
            description="The record's workflow status; null for types without a workflow.",
            examples=["opgelegd"],
        ),
    ),
    **_summary_fields(),
)


def _counts_fields() -> dict[str, Any]:
    return {
        record_type.enum_member.lower(): (
            int,
            Field(
                description=f"Records of `{record_type.resource}` about the subject that the "
                "caller may read (always 0 for a type that names no subject).",
                examples=[2],
            ),
        )
        for record_type in RECORD_TYPES
    }


SubjectCounts = create_model(
    "SubjectCounts",
    __base__=ApiModel,
    __doc__="The number of records of each type about the subject that the caller may read.",
    **_counts_fields(),
)


class SubjectStory(ApiModel):
    """Everything the caller may read about one subject, newest first."""

    subject: Subject = Field(description="The subject looked up.")
    counts: SubjectCounts = Field(description="The number of records of each type, all pages.")
    items: list[SubjectItem] = Field(
        description="This page of the records about the subject, newest first by their own dates."
    )
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last."
    )
    earlier_measures: list[SubjectItem] = Field(
        description="The measures at this subject before the latest one, newest first (the "
        "Damocles ladder: a second closure weighs heavier). Withdrawn measures do not count."
    )
