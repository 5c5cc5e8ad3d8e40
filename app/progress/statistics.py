"""Counts of records per group (GROUP BY in the database), for any record type and window."""

from typing import Any

from sqlalchemy import Integer, String, cast, func, literal, select, type_coerce
from sqlmodel import Session

from app.access.caller import Caller
from app.audit.service import audit_export
from app.problems import InvalidInput, InvalidParam, NotFound
from app.progress.counting import column, counted, date_column, within_ceiling
from app.progress.schemas import StatisticsReport
from app.progress.windows import Window
from app.records.kind import RecordType
from app.records.registry import BY_RESOURCE, RecordResource

TIME_KEYS = ("month", "quarter", "year")
MAX_GROUP_KEYS = 5
SUMMED = "businessesInspected"


def record_resource(name: str) -> RecordResource:
    try:
        return RecordResource(name)
    except ValueError:
        raise NotFound(
            f"There are no statistics of `{name}`; use one of "
            + ", ".join(f"`{r.value}`" for r in RecordResource)
            + "."
        ) from None


def group_keys(record_type: RecordType) -> list[str]:
    return [*record_type.counting.groups, *TIME_KEYS]


def parse_group_by(record_type: RecordType, group_by: str | None) -> list[str]:
    """`kind,month` → ["kind", "month"]; every unknown key is reported at once."""
    if not group_by:
        return []
    keys = list(dict.fromkeys(key.strip() for key in group_by.split(",")))
    allowed = group_keys(record_type)
    problems = [
        InvalidParam(
            name="groupBy",
            code="unknown-key",
            reason=f"`{key}` is not a group of `{record_type.resource}`; use "
            + ", ".join(f"`{k}`" for k in allowed)
            + ".",
        )
        for key in keys
        if key not in allowed
    ]
    if len(keys) > MAX_GROUP_KEYS:
        problems.append(
            InvalidParam(name="groupBy", code="max-items", reason=f"At most {MAX_GROUP_KEYS} keys.")
        )
    if problems:
        raise InvalidInput(problems)
    return keys


def parse_date_field(record_type: RecordType, date_field: str | None) -> str:
    counting = record_type.counting
    if date_field is None:
        return counting.default_date_field
    if date_field not in counting.date_fields:
        raise InvalidInput.one(
            "dateField",
            "enum",
            f"`{record_type.resource}` are dated by "
            + " or ".join(f"`{name}`" for name in counting.date_fields)
            + ".",
        )
    return date_field


def time_expression(key: str, day: Any, dialect: str) -> Any:
    """The calendar bucket of a date: `2023-04`, `2023-Q2` or 2023."""
    if dialect == "postgresql":
        if key == "month":
            return func.to_char(day, "YYYY-MM")
        if key == "quarter":
            return func.to_char(day, 'YYYY-"Q"Q')
        return cast(func.extract("year", day), Integer)
    if key == "month":
        return func.strftime("%Y-%m", day)
    if key == "quarter":
        month = cast(func.strftime("%m", day), Integer)
        quarter = cast(cast((month + 2) / 3, Integer), String)
        return type_coerce(func.strftime("%Y", day), String) + literal("-Q") + quarter
    return cast(func.strftime("%Y", day), Integer)


def statistics(
    session: Session,
    resource: RecordResource,
    window: Window,
    group_by: str | None,
    date_field: str | None,
    *,
    caller: Caller | None = None,
    export: str | None = None,
) -> StatisticsReport:
    """Counts per group; `export` (a media type) audits it as an export by `caller`."""
    record_type = BY_RESOURCE[resource.value]
    keys = parse_group_by(record_type, group_by)
    date_name = parse_date_field(record_type, date_field)
    dialect = session.get_bind().dialect.name
    day = date_column(record_type, date_name)
    groups_of = record_type.counting.groups
    columns = [
        (
            time_expression(key, day, dialect)
            if key in TIME_KEYS
            else column(record_type, groups_of[key])
        ).label(f"g{position}")
        for position, key in enumerate(keys)
    ]
    # The report sums `businessesInspected` (the one sum the contract's report has a field for).
    sums = SUMMED if SUMMED in record_type.counting.sum_fields else None
    measures = [func.count().label("n")]
    if sums:
        summed = column(record_type, record_type.counting.sum_fields[sums])
        measures.append(func.coalesce(func.sum(summed), 0).label("s"))
    levels = caller.ceiling if caller is not None else None
    conditions = [counted(record_type), within_ceiling(record_type.model, levels), day.is_not(None)]
    if window.starts_on is not None:
        conditions.append(day >= window.starts_on)
    if window.ends_on is not None:
        conditions.append(day <= window.ends_on)
    audit_export(session, caller, f"statistics/{resource.value}", export)
    statement = select(*columns, *measures).where(*conditions)
    if columns:
        statement = statement.group_by(*columns).order_by(*columns)
    groups: list[dict[str, Any]] = []
    for row in session.execute(statement).all():
        group: dict[str, Any] = {key: row[position] for position, key in enumerate(keys)}
        group["count"] = int(row.n)
        if sums:
            group[sums] = int(row.s)
        if group["count"] or not keys:
            groups.append(group)
    return StatisticsReport(
        resource=resource,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        date_field=date_name,
        group_by=keys,
        groups=groups,
        total=sum(group["count"] for group in groups),
        businesses_inspected=sum(group[sums] for group in groups) if sums else None,
    )
