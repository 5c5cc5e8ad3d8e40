"""Keeps the progress rollups (and the statistics rollups) in step with every record write
(same transaction), and rebuilds them from the records (`python -m app.cli rebuild-rollups`).

The rollups are derived data: the daily count (and sum) of records per count indicator.
They must always equal a recount of the records under the indicator's rule and its record
type's `Counting` declaration; a change to either is followed by a rebuild."""

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, literal, select, text
from sqlmodel import Session, col

from app.bulk import WithRows, insert_rows
from app.indicators.models import Indicator
from app.progress.counting import (
    as_date,
    column,
    date_column,
    month_start,
    rule_condition,
    rule_matches,
)
from app.progress.models import ProgressBreakdown, ProgressRollup
from app.progress.schemas import ProgressGroup
from app.progress.statistics_rollups import apply_statistics_changes
from app.records.kind import RecordType
from app.records.registry import BY_RESOURCE


def apply_record_change(
    session: Session,
    record_type: RecordType,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Called by the record service on every create (before=None), update and delete
    (after=None), inside the request's transaction; the dicts hold the record's column
    values by attribute name (`occurred_on`, `kind`, …)."""
    apply_record_changes(session, record_type, [(before, after)])


def apply_record_changes(
    session: Session,
    record_type: RecordType,
    changes: list[tuple[dict[str, Any] | None, dict[str, Any] | None]],
    *,
    statistics: bool = True,
) -> None:
    """The same for many records at once: one rule lookup and one upsert in all, and one
    upsert of the statistics rollups (unless `statistics=False`: the caller wrote them along
    with the records, `statistics_upsert`)."""
    if not changes:
        return
    if statistics:
        apply_statistics_changes(session, record_type, changes)
    counting = record_type.counting
    indicators = _rules(session, record_type.resource)
    date_attribute = counting.date_fields[counting.default_date_field]
    deltas: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0, 0])
    parts: dict[tuple[int, str, date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for indicator_id, filters, sum_field in indicators:
        sum_attribute = counting.sum_fields.get(sum_field) if sum_field else None
        for before, after in changes:
            for sign, values in ((-1, before), (1, after)):
                if values is None or not rule_matches(record_type, filters or {}, values):
                    continue
                day = as_date(values.get(date_attribute))
                if day is None:
                    continue
                amount = int(values.get(sum_attribute) or 0) if sum_attribute else 0
                level = str(values.get("confidentiality"))
                for delta in (
                    deltas[(indicator_id, day, level)],
                    *(
                        parts[(indicator_id, key, day.replace(day=1), value, level)]
                        for key, value in _breakdown_values(record_type, values)
                    ),
                ):
                    delta[0] += sign
                    delta[1] += sign * amount
    rows = [
        {
            "indicator_id": indicator_id,
            "day": day,
            "confidentiality": level,
            "records": records,
            "total": total,
        }
        for (indicator_id, day, level), (records, total) in sorted(deltas.items())
        if records or total
    ]
    breakdown_rows = [
        {
            "indicator_id": indicator_id,
            "group_key": key,
            "month": month,
            "group_value": value,
            "confidentiality": level,
            "records": records,
            "total": total,
        }
        for (indicator_id, key, month, value, level), (records, total) in sorted(parts.items())
        if records or total
    ]
    breakdowns = WithRows(
        ProgressBreakdown.__table__,  # type: ignore[attr-defined]
        breakdown_rows,
        conflict=BREAKDOWN_KEY,
        add=("records", "total"),
    )
    if rows:
        # One statement for both on PostgreSQL (the breakdowns a WITH): a round trip less
        # for every record write.
        _add(session, rows, breakdowns)
    elif breakdown_rows:  # moved to another partner or theme within the same day
        breakdowns.insert(session)


BREAKDOWN_KEY = ("indicator_id", "group_key", "month", "group_value", "confidentiality")


def _breakdown_values(record_type: RecordType, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(split, value) of a record for the breakdowns: its partner and its theme ('' for
    none)."""
    groups = record_type.counting.groups
    return [
        (key.value, "" if values.get(groups[key.value]) is None else str(values[groups[key.value]]))
        for key in ProgressGroup
    ]


def _rules(session: Session, resource: str) -> list[Any]:
    """The counting rules of a resource, read FOR SHARE: a concurrent change of a rule waits
    for this write, or this write waits for it and then applies the new rule; either way no
    count is lost or doubled. Read once per transaction when `lock_and_read_rules` did."""
    memo = session.info.get(_LOCKED_RULES)
    if memo is not None and memo[0] is session.get_transaction() and memo[1] == resource:
        rules: list[Any] = memo[2]
        return rules
    return list(session.connection().execute(_RULES, {"resource": resource}).all())


def lock_and_read_rules(session: Session, resource: str, lock: int) -> None:
    """PostgreSQL: takes the advisory transaction lock `lock`, then reads the counting rules
    of `resource` FOR SHARE, in one statement; a write of that resource later in the same
    transaction uses these rules instead of reading them again. (For the partner events,
    whose subject lock is the first thing their transaction does.)"""
    rows = session.connection().execute(_LOCK_AND_RULES, {"lock": lock, "resource": resource})
    rules = [(row.id, row.count_filters, row.count_field) for row in rows if row.id is not None]
    session.info[_LOCKED_RULES] = (session.get_transaction(), resource, rules)


_LOCKED_RULES = "app.progress.locked_rules"
_INDICATORS: Any = Indicator.__table__  # type: ignore[attr-defined]
# The lock first (the outer side of the lateral join), then the rules under FOR SHARE.
_LOCK_AND_RULES = text(
    "SELECT i.id, i.count_filters, i.count_field "
    "FROM (SELECT pg_advisory_xact_lock(:lock)) AS l LEFT JOIN LATERAL ("
    "SELECT indicators.id, indicators.count_filters, indicators.count_field FROM indicators "
    "WHERE indicators.kind = 'count' AND indicators.count_resource = :resource "
    "ORDER BY indicators.id FOR SHARE) AS i ON true"
).columns(*(_INDICATORS.c[name] for name in ("id", "count_filters", "count_field")))

# Built once: the statement and its compiled form are reused by every write.
_RULES = (
    select(col(Indicator.id), col(Indicator.count_filters), col(Indicator.count_field))
    .where(col(Indicator.kind) == "count", col(Indicator.count_resource) == bindparam("resource"))
    .order_by(col(Indicator.id))
    .with_for_update(read=True)
)


def _add(session: Session, rows: list[dict[str, Any]], breakdowns: WithRows | None = None) -> None:
    """Adds to the days' rollups atomically (one INSERT … ON CONFLICT DO UPDATE, in key
    order), so concurrent writes to the same day each add their own delta; the same
    statement adds `breakdowns`, also in key order."""
    table = ProgressRollup.__table__  # type: ignore[attr-defined]
    insert_rows(
        session,
        table,
        rows,
        conflict=("indicator_id", "day", "confidentiality"),
        add=("records", "total"),
        with_rows=breakdowns,
    )


def rebuild_rollups(session: Session, indicator: Indicator, *, breakdowns: bool = True) -> None:
    """Recounts one indicator's rollups (and breakdowns) from the records: an INSERT …
    SELECT … GROUP BY after clearing the old ones. Called when its counting rule is made or
    changed. (`breakdowns=False` for a migration from before they existed, 0011.)"""
    assert indicator.id is not None
    session.execute(delete(ProgressRollup).where(col(ProgressRollup.indicator_id) == indicator.id))
    if breakdowns:
        session.execute(
            delete(ProgressBreakdown).where(col(ProgressBreakdown.indicator_id) == indicator.id)
        )
    if indicator.kind != "count" or not indicator.count_resource:
        return
    record_type = BY_RESOURCE[indicator.count_resource]
    counting = record_type.counting
    dialect = session.get_bind().dialect.name
    day = date_column(record_type)
    sum_attribute = (
        counting.sum_fields.get(indicator.count_field) if indicator.count_field else None
    )
    total = (
        func.coalesce(func.sum(getattr(record_type.model, sum_attribute)), 0)
        if sum_attribute
        else literal(0)
    )
    level = col(record_type.model.confidentiality)
    rule = rule_condition(record_type, indicator.count_filters or {}, dialect)
    source = (
        select(literal(indicator.id), day, level, func.count(), total)
        .where(rule, day.is_not(None))
        .group_by(day, level)
    )
    table = ProgressRollup.__table__  # type: ignore[attr-defined]
    columns = ["indicator_id", "day", "confidentiality", "records", "total"]
    session.execute(insert(table).from_select(columns, source))
    if not breakdowns:
        return
    month = month_start(day, dialect)
    for key in ProgressGroup:
        value = func.coalesce(column(record_type, counting.groups[key.value]), "")
        parts = (
            select(literal(indicator.id), literal(key.value), month, value, level, func.count())
            .add_columns(total)
            .where(rule, day.is_not(None))
            .group_by(month, value, level)
        )
        session.execute(
            insert(ProgressBreakdown.__table__).from_select(  # type: ignore[attr-defined]
                [*BREAKDOWN_KEY, "records", "total"], parts
            )
        )


def rebuild_all_rollups(
    session: Session, resource: str | None = None, *, breakdowns: bool = True
) -> int:
    """Rebuilds the rollups of every count indicator (of one record type, with `resource`)
    and breakdowns from the records, in the session's transaction; returns how many
    indicators. The counting rules are read FOR UPDATE, so no record write of those types
    interleaves: writers read the rules FOR SHARE and wait for the rebuild to commit. (The
    statistics rollups are rebuilt in a transaction of their own:
    `rebuild_statistics_rollups`.)"""
    statement = select(Indicator).where(col(Indicator.kind) == "count")
    if resource is not None:
        statement = statement.where(col(Indicator.count_resource) == resource)
    indicators = list(session.scalars(statement.order_by(col(Indicator.id)).with_for_update()))
    # Rollups of indicators that count nothing any more (or no longer exist) go too.
    for model in (ProgressRollup, ProgressBreakdown) if breakdowns else (ProgressRollup,):
        stale = delete(model)
        if resource is not None:
            stale = stale.where(col(model.indicator_id).in_([i.id for i in indicators]))
        session.execute(stale)
    for indicator in indicators:
        rebuild_rollups(session, indicator, breakdowns=breakdowns)
    return len(indicators)
