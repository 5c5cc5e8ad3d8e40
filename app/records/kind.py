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
# Fields every record has that `q=` searches (SPEC §4.1), by their API names.
COMMON_SEARCH = ("reference", "externalId")
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
class Filters:
    """What a type's list filters on (SPEC §4.1) beyond what every record has (`partner`,
    `theme`, `confidentiality`, `externalId` and the window on its date field). Keys are
    attributes of the type's query schema, values attributes of its model (or link names).
    The query schema declares exactly these parameters; `RecordType` checks that."""

    # Comma-separated values, any of which matches (`status=nieuw,in-behandeling`).
    any_of: Mapping[str, str] = field(default_factory=dict)
    # Comma-separated values, matching a JSON list that holds any of them (`audience`).
    any_in_list: Mapping[str, str] = field(default_factory=dict)
    # Exactly this value (`kvkNumber`, `neighbourhood`, `sector`, `rapportageId`).
    equal: Mapping[str, str] = field(default_factory=dict)
    # The query attribute of the postcode filter and the JSON address column it looks in.
    postcode: tuple[str, str] | None = None
    # Records whose link list (by API name, e.g. `signalIds`) holds this id (`signalId`).
    linking: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> set[str]:
        postcode = {self.postcode[0]} if self.postcode else set()
        return {*self.any_of, *self.any_in_list, *self.equal, *self.linking, *postcode}


@dataclass(frozen=True)
class ReverseLink:
    """Records of another type that link to this one, shown as a list of their ids (a
    rapportage's `measureIds`: the measures whose `rapportageId` names it). Nothing is
    stored for it: it reads the other type's own link (`link`, a `LinkList` or `LinkField`
    name of the `source` resource), which the registry resolves and checks."""

    name: str  # the API property, e.g. "measureIds"
    source: str  # the linking records' resource, e.g. "measures"
    link: str  # the source's link property that names this record, e.g. "rapportageId"


def expand_name(link_name: str) -> str:
    """The `expand=` name of a link property: without its `Id`/`Ids` suffix (`signals`)."""
    if link_name.endswith("Ids"):
        return link_name.removesuffix("Ids") + "s"
    return link_name.removesuffix("Id")


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
        if len(self.reported_sums) > 1:
            # The statistics rollups hold one sum per row.
            raise ValueError("at most one reported sum")

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
class SubjectFields:
    """Where a record names the business or premises it is about (SPEC §4.2): its KvK
    number and address columns, and, for a measure, the link to a record that may name the
    subject instead (`rapportageId`). `summary` lists the API fields a subject's item shows
    besides resource, id, reference, date and status."""

    kvk_column: str | None = "kvk_number"
    address_column: str | None = "address"
    through: str | None = None  # a LinkField name
    summary: tuple[str, ...] = ()
    # Whether its records before the latest are the subject's `earlierMeasures` (the
    # Damocles ladder); those that never count (`Counting.never_counts`) are left out.
    ladder: bool = False


@dataclass(frozen=True)
class Search:
    """What `q=` searches (SPEC §4.1): the type's own text fields by API name, a part of the
    address as `address.postcode`; `reference` and `externalId` are added for every type.
    The migration that builds the search index (0015) holds the same lists, frozen; the
    search tests find a record by each field declared here."""

    fields: tuple[str, ...]
    # Identifiers that are also found written without their spaces and dashes
    # (`3311AB`, `SIG2023000017`), and matched whole rather than as a prefix.
    compact: tuple[str, ...] = ("reference", "address.postcode")

    @property
    def all_fields(self) -> tuple[str, ...]:
        return (*COMMON_SEARCH, *self.fields)


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
    search: Search
    workflow: Workflow | None = None
    link_lists: tuple[LinkList, ...] = ()
    link_fields: tuple[LinkField, ...] = ()
    # Records of other types that link to this one (SPEC §4.1, "Neighbours").
    reverse_links: tuple[ReverseLink, ...] = ()
    # Defaults that depend on other fields (the campaign pillar), applied to the document.
    derive: Callable[[dict[str, Any]], None] | None = None
    # Rules across fields (`endsOn` ≥ `startsOn`) or against reference data, on the
    # validated input.
    check: Callable[[Session, Any], list[InvalidParam]] | None = None
    # What its list filters on (SPEC §4.1), besides what every record has.
    filters: Filters = field(default_factory=Filters)
    # Where one business or premises (SPEC §4.2) is named in it: None when nowhere.
    subject: SubjectFields | None = None

    def __post_init__(self) -> None:
        own = self.counting.date_fields.get(self.counting.default_date_field)
        if own != self.date_field:
            raise ValueError(f"{self.resource}: the first counting date must be {self.date_field}")
        unknown = set(self.personal_data) - set(self.input_names)
        if unknown:
            raise ValueError(f"{self.resource}: personal data {sorted(unknown)} are not fields")
        own_filters = set(self.query_schema.model_fields) - set(RecordQuery.model_fields)
        if own_filters != self.filters.names | {"sort"}:
            raise ValueError(
                f"{self.resource}: the query schema's filters {sorted(own_filters)} are not "
                f"the declared ones {sorted(self.filters.names)}"
            )
        for name in self.filters.linking.values():
            if name not in {link.name for link in self.link_lists}:
                raise ValueError(f"{self.resource}: no link list {name}")
        outputs = {info.alias or name for name, info in self.output_schema.model_fields.items()}
        unsearchable = {name.split(".")[0] for name in self.search.all_fields} - outputs
        if unsearchable:
            raise ValueError(f"{self.resource}: searched {sorted(unsearchable)} are not fields")

    @property
    def sorts(self) -> dict[str, str]:
        """The `sort=` fields by API name, to model attributes (SPEC §4.1)."""
        return {
            self.counting.default_date_field: self.date_field,
            "createdAt": "created_at",
            "updatedAt": "updated_at",
            "reference": "reference",
        }

    @property
    def links(self) -> tuple["LinkList | LinkField", ...]:
        """Its own links to other records, lists then single links."""
        return (*self.link_lists, *self.link_fields)

    @property
    def link_names(self) -> tuple[str, ...]:
        """Every link property of the representation, forward and reverse, in order."""
        return (
            *(link.name for link in self.link_lists),
            *(link.name for link in self.link_fields),
            *(link.name for link in self.reverse_links),
        )

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
