"""Monthly statistics rollups: per record type the records (and the type's reported sum)
per month, confidentiality level and value of each group field, kept in step with every
record write (same transaction) and rebuilt from the records
(`python -m app.cli rebuild-rollups`).

Statistics read them instead of the records when a request needs nothing finer than a
month: no window or whole calendar months (`period=2023`), the record's own date, at most
one group field besides the calendar keys, and no filters. Over a whole table that is a
read of a few thousand rows instead of an index scan of every record (at 1M records, the
signals by `partner,year`: 45-145 ms → a few ms). Every other request counts the records.

They must always equal a rebuild from the records under the type's `Counting`; a change to
that declaration is followed by a rebuild (a migration that calls
`rebuild_statistics_rollups`)."""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    true,
)
from sqlmodel import Session, col

from app.bulk import WithRows
from app.progress.counting import (
    as_date,
    column,
    counted,
    date_column,
    json_elements,
    month_start,
    time_expression,
    within_ceiling,
)
from app.progress.models import StatisticsRollup
from app.progress.windows import Window
from app.records.kind import RecordType
from app.records.registry import BY_RESOURCE, RECORD_TYPES

# The group key of the row that counts every record once.
ALL = ""
# The group value of a record without one (a signal without a neighbourhood).
NONE = ""

KEY = ("resource", "group_key", "month", "group_value", "confidentiality", "counted", "shard")
# On PostgreSQL a write adds to the shard of its connection's backend (StatisticsRollup).
SHARDS = 256
_SHARD = (("shard", f"pg_backend_pid() % {SHARDS}"),)

Change = tuple[dict[str, Any] | None, dict[str, Any] | None]


def rolled_up_keys(record_type: RecordType) -> dict[str, str]:
    """The group fields the rollups hold, by API name: every field statistics group by."""
    return dict(record_type.counting.group_keys)


def _values(record_type: RecordType, values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(group key, value) of one record: its total row, then each group field's value (a
    list field once per element, as the records' GROUP BY counts it; an empty list once,
    without a value)."""
    counting = record_type.counting
    yield ALL, NONE
    for key, attribute in rolled_up_keys(record_type).items():
        value = values.get(attribute)
        if key in counting.grouped_lists:
            elements = list(value or [])
            for element in elements or [None]:
                yield key, NONE if element is None else str(element)
        else:
            yield key, NONE if value is None else str(value)


def apply_statistics_changes(
    session: Session, record_type: RecordType, changes: Sequence[Change]
) -> None:
    """Adds the changes of records (before, after; None for a create's before or a
    delete's after, column values by attribute) to the rollups: one upsert in key order,
    in the caller's transaction, to the shard of its connection."""
    upsert = statistics_upsert(session, record_type, changes)
    if upsert is not None:
        upsert.insert(session)


def statistics_upsert(
    session: Session, record_type: RecordType, changes: Sequence[Change]
) -> WithRows | None:
    """The upsert `apply_statistics_changes` makes, for a statement that writes it along
    (`insert_rows(…, with_rows=…)`: a new record's INSERT), or None when nothing changes."""
    counting = record_type.counting
    date_attribute = counting.date_fields[counting.default_date_field]
    sum_attribute = _sum_attribute(record_type)
    deltas: dict[tuple[str, date, str, str, bool], list[int]] = defaultdict(lambda: [0, 0])
    for before, after in changes:
        for sign, values in ((-1, before), (1, after)):
            if values is None:
                continue
            day = as_date(values.get(date_attribute))
            if day is None:
                continue
            month = day.replace(day=1)
            level = str(values.get("confidentiality"))
            counts = counting.counts(values)
            amount = int(values.get(sum_attribute) or 0) if sum_attribute else 0
            for key, value in _values(record_type, values):
                delta = deltas[(key, month, value, level, counts)]
                delta[0] += sign
                delta[1] += sign * amount
    postgres = session.get_bind().dialect.name == "postgresql"
    rows = [
        {
            "resource": record_type.resource,
            "group_key": key,
            "month": month,
            "group_value": value,
            "confidentiality": level,
            "counted": counts,
            **({} if postgres else {"shard": 0}),
            "records": records,
            "total": total,
        }
        for (key, month, value, level, counts), (records, total) in sorted(deltas.items())
        if records or total
    ]
    if not rows:
        return None
    return WithRows(
        StatisticsRollup.__table__,  # type: ignore[attr-defined]
        rows,
        conflict=KEY,
        add=("records", "total"),
        sql=_SHARD if postgres else (),
    )


def _sum_attribute(record_type: RecordType) -> str | None:
    """The attribute of the type's reported sum (at most one: `Counting` checks)."""
    counting = record_type.counting
    return counting.sum_fields[counting.reported_sums[0]] if counting.reported_sums else None


def rebuild_statistics_rollups(session: Session, resource: str | None = None) -> None:
    """Recounts the rollups of one record type (every type without `resource`) from the
    records, in the session's transaction. On PostgreSQL the records' tables are locked in
    SHARE ROW EXCLUSIVE mode first, in one statement: record writes wait for the rebuild,
    and it waits for those under way, so that none is counted twice or lost; and a second
    rebuild waits for the first (two would insert the same rows).

    Not in the transaction that rebuilds the progress rollups: that one locks the counting
    rules, which a partner event locks before it writes its record and a request after; with
    both locks in one transaction, either order would deadlock with one of them."""
    dialect = session.get_bind().dialect.name
    record_types = [BY_RESOURCE[resource]] if resource is not None else list(RECORD_TYPES)
    if dialect == "postgresql":
        names = ", ".join(f'"{r.model.__tablename__}"' for r in record_types)
        session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))
    table = StatisticsRollup.__table__  # type: ignore[attr-defined]
    for record_type in record_types:
        session.execute(
            delete(StatisticsRollup).where(col(StatisticsRollup.resource) == record_type.resource)
        )
        for key in [ALL, *rolled_up_keys(record_type)]:
            session.execute(
                insert(table).from_select(
                    [*KEY, "records", "total"], _recount(record_type, key, dialect)
                )
            )


def _recount(record_type: RecordType, key: str, dialect: str) -> Any:
    counting = record_type.counting
    day = date_column(record_type)
    month = month_start(day, dialect)
    level = col(record_type.model.confidentiality)
    counts = counted(record_type)
    sum_attribute = _sum_attribute(record_type)
    amount = (
        func.coalesce(func.sum(column(record_type, sum_attribute)), 0)
        if sum_attribute
        else literal(0)
    )
    source: Any = record_type.model
    if key == ALL:
        value: Any = literal(NONE)
    elif key in counting.grouped_lists:
        elements = json_elements(column(record_type, counting.list_fields[key]), dialect)
        # A record without values (no audiences) counts in the group without a value.
        source = record_type.model.__table__.outerjoin(elements, true())  # type: ignore[attr-defined]
        value = func.coalesce(elements.c.value, NONE)
    else:
        value = func.coalesce(column(record_type, counting.group_keys[key]), NONE)
    return (
        select(
            literal(record_type.resource),
            literal(key),
            month,
            value,
            level,
            counts,
            literal(0),
            func.count(),
            amount,
        )
        .select_from(source)
        .where(day.is_not(None))
        .group_by(
            month,
            level,
            *([value] if key != ALL else []),
            *([counts] if counting.never_counts else []),
        )
    )


def is_monthly(window: Window) -> bool:
    """Whether the window is whole calendar months (or open on a side)."""
    starts, ends = window.starts_on, window.ends_on
    if starts is not None and starts.day != 1:
        return False
    return ends is None or (ends + timedelta(days=1)).day == 1


def rollup_statement(
    record_type: RecordType,
    keys: Sequence[str],
    window: Window,
    levels: Sequence[str] | None,
    include_withdrawn: bool,
    dialect: str,
    *,
    group_key: str | None = None,
) -> Any:
    """The statistics of `keys` (at most one group field, any calendar keys) from the
    rollups, in the shape the records' query has: g0…, n, s0 (the reported sum)."""
    rollup = StatisticsRollup
    if group_key is None:
        fields = [key for key in keys if key in rolled_up_keys(record_type)]
        group_key = fields[0] if fields else ALL
    columns = [
        (
            func.nullif(col(rollup.group_value), NONE)
            if key == group_key
            else time_expression(key, col(rollup.month), dialect)
        ).label(f"g{position}")
        for position, key in enumerate(keys)
    ]
    measures: list[Any] = [func.coalesce(func.sum(rollup.records), 0).label("n")]
    if record_type.counting.reported_sums:
        measures.append(func.coalesce(func.sum(rollup.total), 0).label("s0"))
    conditions: list[ColumnElement[bool]] = [
        col(rollup.resource) == record_type.resource,
        col(rollup.group_key) == group_key,
        within_ceiling(rollup, levels),
    ]
    if not include_withdrawn and record_type.counting.never_counts:
        conditions.append(col(rollup.counted).is_(True))
    if window.starts_on is not None:
        conditions.append(col(rollup.month) >= window.starts_on)
    if window.ends_on is not None:
        conditions.append(col(rollup.month) <= window.ends_on)
    statement = select(*columns, *measures).where(*conditions)
    if columns:
        statement = statement.group_by(*columns).order_by(*(c.nulls_last() for c in columns))
    return statement
