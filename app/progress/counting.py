"""Counting rules over any record type: which records count at all, and a counting rule's
filters as SQL and as Python. Reads each type's `Counting` declaration; names no type."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Text,
    and_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB, array

from app.records.kind import RecordType


def column(record_type: RecordType, attribute: str) -> Any:
    return getattr(record_type.model, attribute)


def date_column(record_type: RecordType, date_field: str | None = None) -> Any:
    """The column of a counting date by its API name; the record's own date by default."""
    counting = record_type.counting
    return column(record_type, counting.date_fields[date_field or counting.default_date_field])


def within_ceiling(model: Any, levels: Sequence[str] | None) -> ColumnElement[bool]:
    """Records an aggregate may count for a reader who sees only these confidentiality
    levels (None: all): above its ceiling a record does not exist for it, here either."""
    if levels is None:
        return true()
    condition: ColumnElement[bool] = model.confidentiality.in_(list(levels))
    return condition


def json_list_has_any(column: Any, values: Sequence[str], dialect: str) -> ColumnElement[bool]:
    """A JSON list column holding at least one of `values`."""
    if dialect == "postgresql":
        condition: ColumnElement[bool] = type_coerce(column, JSONB).has_any(
            array(list(values), type_=Text)
        )
        return condition
    element = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(element).where(element.c.value.in_(list(values))))


def json_list_has(column: Any, value: str, dialect: str) -> ColumnElement[bool]:
    """A JSON list column holding `value` (PostgreSQL's `?`: cheaper than `?|` of one)."""
    if dialect == "postgresql":
        condition: ColumnElement[bool] = type_coerce(column, JSONB).has_key(value)
        return condition
    return json_list_has_any(column, [value], dialect)


def counted(record_type: RecordType) -> ColumnElement[bool]:
    """Records that count at all (a withdrawn measure never does)."""
    never = record_type.counting.never_counts
    if not never:
        return true()
    return and_(
        *(column(record_type, name).not_in(sorted(values)) for name, values in never.items())
    )


def rule_condition(
    record_type: RecordType, filters: Mapping[str, Sequence[str]], dialect: str
) -> ColumnElement[bool]:
    """The SQL condition of a counting rule's filters (AND over fields, any value per field)."""
    counting = record_type.counting
    conditions = [counted(record_type)]
    for name, values in filters.items():
        if name in counting.list_fields:
            list_column = column(record_type, counting.list_fields[name])
            conditions.append(json_list_has_any(list_column, values, dialect))
        else:
            conditions.append(column(record_type, counting.groups[name]).in_(list(values)))
    return and_(*conditions)


def rule_matches(
    record_type: RecordType, filters: Mapping[str, Sequence[str]], values: Mapping[str, Any]
) -> bool:
    """The same rule on one record's column values: what the write hook decides with."""
    counting = record_type.counting
    if not counting.counts(values):
        return False
    for name, wanted in filters.items():
        if name in counting.list_fields:
            present = values.get(counting.list_fields[name]) or []
            if not any(value in wanted for value in present):
                return False
        elif values.get(counting.groups[name]) not in wanted:
            return False
    return True


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def time_expression(key: str, day: Any, dialect: str) -> Any:
    """The calendar bucket of a date as a string: `2023-04`, `2023-Q2` or `2023`."""
    if dialect == "postgresql":
        if key == "month":
            return func.to_char(day, "YYYY-MM")
        if key == "quarter":
            return func.to_char(day, 'YYYY-"Q"Q')
        return func.to_char(day, "YYYY")
    if key == "month":
        return func.strftime("%Y-%m", day)
    if key == "quarter":
        month = cast(func.strftime("%m", day), Integer)
        quarter = cast(cast((month + 2) / 3, Integer), String)
        return type_coerce(func.strftime("%Y", day), String) + literal("-Q") + quarter
    return type_coerce(func.strftime("%Y", day), String)


def json_elements(list_column: Any, dialect: str) -> Any:
    """The elements of a JSON list column as a table-valued function (one row per value)."""
    if dialect == "postgresql":
        return func.jsonb_array_elements_text(list_column).table_valued("value")
    return func.json_each(list_column).table_valued("value")


def month_start(day: Any, dialect: str) -> Any:
    """The first day of a date's month, as a date."""
    if dialect == "postgresql":
        return cast(func.date_trunc(literal_column("'month'"), day), Date)
    return func.date(day, literal_column("'start of month'"))
