"""The SQL of record lists (SPEC §4.1): the conditions of their filters."""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlmodel import col

from app.access.caller import Caller
from app.progress.counting import json_list_has_any
from app.progress.windows import parse_window
from app.records.fields import RecordQuery, values_of
from app.records.kind import RecordType
from app.records.models import postcode_of

# Common filters, by query attribute; the type's own are in its `filters` declaration.
_COMMON_EQUAL = {"partner": "partner", "theme": "theme", "external_id": "external_id"}


def filter_conditions(
    caller: Caller, record_type: RecordType, query: RecordQuery, dialect: str
) -> list[ColumnElement[bool]]:
    """What the list's filters ask for, as conditions on the record's table (AND)."""
    model = record_type.model
    filters = record_type.filters
    conditions: list[ColumnElement[bool]] = []
    for name, attribute in {**_COMMON_EQUAL, **filters.equal}.items():
        value = getattr(query, name)
        if value is not None:
            conditions.append(getattr(model, attribute) == value)
    for name, attribute in {"confidentiality": "confidentiality", **filters.any_of}.items():
        values = values_of(getattr(query, name))
        if values:
            conditions.append(getattr(model, attribute).in_(values))
    for name, attribute in filters.any_in_list.items():
        values = values_of(getattr(query, name))
        if values:
            conditions.append(json_list_has_any(getattr(model, attribute), values, dialect))
    if filters.postcode is not None:
        name, attribute = filters.postcode
        postcode = getattr(query, name)
        if postcode is not None:
            conditions.append(postcode_of(getattr(model, attribute)) == postcode)
    links = {link.name: link for link in record_type.link_lists}
    for name, link_name in filters.linking.items():
        target_id = getattr(query, name)
        if target_id is None:
            continue
        link = links[link_name]
        table: Any = link.table.__table__  # type: ignore[attr-defined]
        # Only a link to a record the caller may read: the others it is never shown.
        conditions.append(
            exists(
                select(1)
                .select_from(table)
                .join(link.target, col(link.target.id) == table.c[link.target_column])
                .where(
                    table.c[link.owner_column] == col(model.id),
                    table.c[link.target_column] == target_id,
                    caller.readable(link.target),
                )
            )
        )
    window = parse_window(query.from_, query.to, query.period, date.today())
    date_column = getattr(model, record_type.date_field)
    if window.starts_on is not None:
        conditions.append(date_column >= window.starts_on)
    if window.ends_on is not None:
        conditions.append(date_column <= window.ends_on)
    return conditions
