"""What a record type is: one declaration (`RecordType`) and its parts, read by every generic
module — the record service and API, events, progress, statistics, retention, audit.

Each record type declares itself once, in `app/<domain>/record_type.py`; the registry
(`app/records/registry.py`) lists them. Nothing generic names a record type itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, SQLModel

from app.problems import InvalidParam
from app.records.fields import RecordInput, RecordOutput, RecordQuery
from app.records.models import RecordColumns
from app.records.workflow import Workflow

# Fields every record has, by their API names; those that hold personal data are added to
# every type's own (SPEC §4: `externalId` is a partner's free text).
COMMON_PERSONAL_DATA = ("externalId",)
# Scalar fields every record type may be grouped and filtered on in aggregates.
COMMON_GROUP_FIELDS = {
    "theme": "theme",
    "partner": "partner",
    "confidentiality": "confidentiality",
}


@dataclass(frozen=True)
class LinkList:
    """A list of links to other records, kept in a link table (e.g. `signalIds`)."""

    name: str  # the API property, e.g. "signalIds"
    table: type[SQLModel]
    owner_column: str
    target_column: str
    target: type[RecordColumns]
    target_label: str  # e.g. "signal"


@dataclass(frozen=True)
class LinkField:
    """A single link held in a column of the record (e.g. `rapportageId`)."""

    name: str
    column: str
    target: type[RecordColumns]
    target_label: str


@dataclass(frozen=True)
class Counting:
    """What progress and statistics may count, group and filter on. Names are the API's
    (camelCase), mapped to model attributes. Personal-data fields that are not listed here
    can be neither grouped nor filtered on."""

    # API name -> attribute; the first is the default (the record's own date field).
    date_fields: Mapping[str, str]
    # Scalar fields that may be grouped and filtered on (`theme` and `partner` are added).
    group_fields: Mapping[str, str]
    # JSON lists: filtered on (any value matches).
    list_fields: Mapping[str, str] = field(default_factory=dict)
    # Those of `list_fields` statistics may also group by: a record counts once in the group
    # of each of its values (a campaign in each of its audiences), and once in the total.
    grouped_lists: frozenset[str] = frozenset()
    # Numeric fields a counting rule may sum.
    sum_fields: Mapping[str, str] = field(default_factory=dict)
    # Those of `sum_fields` statistics sum per group and in all (`businessesInspected`).
    reported_sums: tuple[str, ...] = ()
    # attribute -> values of records that never count at all (a withdrawn measure), unless
    # statistics are asked for them (`includeWithdrawn`, or a filter naming such a value).
    never_counts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.grouped_lists <= set(self.list_fields):
            raise ValueError("grouped_lists must be list_fields")
        if not set(self.reported_sums) <= set(self.sum_fields):
            raise ValueError("reported_sums must be sum_fields")

    @property
    def default_date_field(self) -> str:
        return next(iter(self.date_fields))

    @property
    def groups(self) -> dict[str, str]:
        return {**self.group_fields, **COMMON_GROUP_FIELDS}

    @property
    def filter_fields(self) -> dict[str, str]:
        return {**self.groups, **self.list_fields}

    @property
    def group_keys(self) -> dict[str, str]:
        """Every field statistics may group by: scalars and the grouped lists."""
        return {**self.groups, **{name: self.list_fields[name] for name in self.grouped_lists}}

    @property
    def attributes(self) -> set[str]:
        """Every attribute aggregates read: retention never blanks these."""
        return {
            *self.date_fields.values(),
            *self.groups.values(),
            *self.list_fields.values(),
            *self.sum_fields.values(),
            *self.never_counts,
        }

    def counts(self, values: Mapping[str, Any]) -> bool:
        """Whether a record with these column values counts at all."""
        return not any(values.get(name) in excluded for name, excluded in self.never_counts.items())


@dataclass(frozen=True)
class RecordApi:
    """How the record resource is named in the contract: its tag, the operation names
    (`list{plural}`, `create{singular}`, …) and the example body of a create."""

    tag: str
    tag_description: str
    plural: str
    singular: str
    example: dict[str, Any]


@dataclass(frozen=True)
class RecordType:
    """One record type, whole: its storage, its API, its rules and what it counts."""

    resource: str  # path segment and audit resource: "signals"
    singular: str  # event type segment: "signal" (nl.ondermijning.signal.created)
    label: str  # in messages: "signal"
    model: type[RecordColumns]
    input_schema: type[RecordInput]
    output_schema: type[RecordOutput]
    query_schema: type[RecordQuery]
    prefix: str  # of the reference: "SIG" (SIG-2023-000017)
    date_field: str  # attribute of the record's own date: "received_on"
    api: RecordApi
    counting: Counting
    # Own fields holding personal data, by API name (SPEC §4): audit and history keep only
    # their names, retention blanks them (unless aggregates count on them), logs never hold
    # them. `externalId` is added for every type.
    personal_data: tuple[str, ...]
    workflow: Workflow | None = None
    link_lists: tuple[LinkList, ...] = ()
    link_fields: tuple[LinkField, ...] = ()
    # Defaults that depend on other fields (the campaign pillar), applied to the document.
    derive: Callable[[dict[str, Any]], None] | None = None
    # Rules across fields (`endsOn` ≥ `startsOn`) or against reference data, on the
    # validated input.
    check: Callable[[Session, Any], list[InvalidParam]] | None = None
    # List query filters on list-valued columns, matched with "contains": {query field: column}.
    list_filters: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        own = self.counting.date_fields.get(self.counting.default_date_field)
        if own != self.date_field:
            raise ValueError(f"{self.resource}: the first counting date must be {self.date_field}")
        unknown = set(self.personal_data) - set(self.input_names)
        if unknown:
            raise ValueError(f"{self.resource}: personal data {sorted(unknown)} are not fields")

    @property
    def input_names(self) -> list[str]:
        """The input's properties by their API (camelCase) names."""
        return [info.alias or name for name, info in self.input_schema.model_fields.items()]

    @property
    def personal_fields(self) -> frozenset[str]:
        """Personal-data fields by API name, the common ones included."""
        return frozenset((*COMMON_PERSONAL_DATA, *self.personal_data))

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """The model attributes of the personal-data fields, in declaration order."""
        return tuple(
            attribute_of(self.input_schema, name)
            for name in (*COMMON_PERSONAL_DATA, *self.personal_data)
        )

    @property
    def enum_member(self) -> str:
        """The resource as a Python enum member name: BESTUURLIJKE_RAPPORTAGES."""
        return self.resource.replace("-", "_").upper()


def attribute_of(schema: type[BaseModel], api_name: str) -> str:
    """The model attribute behind an API (alias) name."""
    for name, info in schema.model_fields.items():
        if (info.alias or name) == api_name:
            return name
    raise KeyError(api_name)


def on_or_after(
    name: str, later: date | None, earlier: date | None, other: str
) -> list[InvalidParam]:
    """A `check` rule: `later` (API name `name`) must not lie before `earlier` (`other`)."""
    if later is not None and earlier is not None and later < earlier:
        return [
            InvalidParam(name=name, code="date-order", reason=f"Must be on or after `{other}`.")
        ]
    return []
