"""What progress and statistics may count per record type: date fields, groupable and
filterable fields, summable fields, and the counting-rule filter as SQL and as Python."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, exists, func, select, true, type_coerce
from sqlalchemy.dialects.postgresql import JSONB, array

from app.campaigns.models import Campaign
from app.inspections.models import Inspection
from app.measures.models import Measure
from app.rapportages.models import BestuurlijkeRapportage
from app.signals.models import Signal


@dataclass(frozen=True)
class ResourceSpec:
    """One record type as aggregates see it. Field names are the API's (camelCase), mapped to
    model attributes; personal-data fields are deliberately absent, so they can be neither
    grouped nor filtered on."""

    name: str
    model: Any
    date_fields: Mapping[str, str]  # API name -> attribute; the first is the default
    group_fields: Mapping[str, str]  # scalar fields that may be grouped and filtered on
    list_fields: Mapping[str, str] = field(default_factory=dict)  # JSON lists: filter only
    sum_fields: Mapping[str, str] = field(default_factory=dict)
    # (attribute, values) of records that never count: a withdrawn measure.
    excluded: tuple[str, tuple[str, ...]] | None = None

    @property
    def default_date_field(self) -> str:
        return next(iter(self.date_fields))

    @property
    def filter_fields(self) -> dict[str, str]:
        return {**self.group_fields, **self.list_fields}

    def column(self, attribute: str) -> Any:
        return getattr(self.model, attribute)


_COMMON = {"theme": "theme", "partner": "partner"}

RESOURCES: dict[str, ResourceSpec] = {
    spec.name: spec
    for spec in (
        ResourceSpec(
            name="signals",
            model=Signal,
            date_fields={"receivedOn": "received_on", "discussedOn": "discussed_on"},
            group_fields={
                "channel": "channel",
                "subjectKind": "subject_kind",
                "status": "status",
                "neighbourhood": "neighbourhood",
                **_COMMON,
            },
        ),
        ResourceSpec(
            name="bestuurlijke-rapportages",
            model=BestuurlijkeRapportage,
            date_fields={"receivedOn": "received_on"},
            group_fields={"drugCategory": "drug_category", "status": "status", **_COMMON},
        ),
        ResourceSpec(
            name="measures",
            model=Measure,
            date_fields={"decidedOn": "decided_on"},
            group_fields={
                "kind": "kind",
                "legalBasis": "legal_basis",
                "drugCategory": "drug_category",
                "status": "status",
                **_COMMON,
            },
            sum_fields={"durationMonths": "duration_months"},
            excluded=("status", ("ingetrokken",)),
        ),
        ResourceSpec(
            name="campaigns",
            model=Campaign,
            date_fields={"startsOn": "starts_on"},
            group_fields={"kind": "kind", "pillar": "pillar", **_COMMON},
            list_fields={"audiences": "audiences"},
            sum_fields={"participants": "participants"},
        ),
        ResourceSpec(
            name="inspections",
            model=Inspection,
            date_fields={"occurredOn": "occurred_on"},
            group_fields={
                "kind": "kind",
                "sector": "sector",
                "neighbourhood": "neighbourhood",
                **_COMMON,
            },
            list_fields={"partners": "partners"},
            sum_fields={"businessesInspected": "businesses_inspected"},
        ),
    )
}


def json_list_has_any(column: Any, values: Sequence[str], dialect: str) -> ColumnElement[bool]:
    """A JSON list column holding at least one of `values`."""
    if dialect == "postgresql":
        condition: ColumnElement[bool] = type_coerce(column, JSONB).has_any(
            array(list(values), type_=Text)
        )
        return condition
    element = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(element).where(element.c.value.in_(list(values))))


def counted(spec: ResourceSpec) -> ColumnElement[bool]:
    """Records that count at all (withdrawn measures never do)."""
    if spec.excluded is None:
        return true()
    attribute, values = spec.excluded
    return spec.column(attribute).not_in(values)


def rule_condition(
    spec: ResourceSpec, filters: Mapping[str, Sequence[str]], dialect: str
) -> ColumnElement[bool]:
    """The SQL condition of a counting rule's filters (AND over fields, any value per field)."""
    conditions = [counted(spec)]
    for name, values in filters.items():
        if name in spec.list_fields:
            column = spec.column(spec.list_fields[name])
            conditions.append(json_list_has_any(column, values, dialect))
        else:
            conditions.append(spec.column(spec.group_fields[name]).in_(list(values)))
    return and_(*conditions)


def rule_matches(
    spec: ResourceSpec, filters: Mapping[str, Sequence[str]], values: Mapping[str, Any]
) -> bool:
    """The same rule on one record's column values: what the write hook decides with."""
    if spec.excluded is not None:
        attribute, excluded = spec.excluded
        if values.get(attribute) in excluded:
            return False
    for name, wanted in filters.items():
        if name in spec.list_fields:
            present = values.get(spec.list_fields[name]) or []
            if not any(value in wanted for value in present):
                return False
        elif values.get(spec.group_fields[name]) not in wanted:
            return False
    return True


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
