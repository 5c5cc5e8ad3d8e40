"""Progress per pillar and indicator from the rollups, burn-up series, milestone updates and
the admin's changes to indicators (which rebuild their rollups)."""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select, union_all
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.service import audit_export
from app.indicators.models import Indicator, MilestoneUpdate
from app.indicators.schemas import (
    IndicatorKind,
    MilestoneStatus,
    Target,
    TargetPer,
)
from app.indicators.service import get_indicator_row
from app.problems import InvalidInput
from app.progress.counting import (
    column,
    date_column,
    rule_condition,
    within_ceiling,
)
from app.progress.models import ProgressBreakdown, ProgressRollup
from app.progress.schemas import (
    Breakdown,
    Compare,
    IndicatorProgress,
    Interval,
    PillarProgress,
    PillarSummary,
    PreviousWindow,
    ProgressGroup,
    ProgressReport,
    ProgressStatus,
    SeriesPoint,
    SeriesReport,
    UpdateInWindow,
)
from app.progress.windows import Window, expected_value, previous_window, within_plan
from app.records.registry import BY_RESOURCE
from app.reference.models import Pillar, Plan
from app.reference.service import current_plan, plan_for_query


def plan_window(plan: Plan, window: Window) -> Window:
    """The window clipped to the plan (its default); wholly outside the plan is invalid on
    the parameter that was given (`period`, `from` or `to`)."""
    within_plan(window, plan.code, plan.starts_on, plan.ends_on)
    return window.clip(plan.starts_on, plan.ends_on)


def _target(indicator: Indicator) -> Target | None:
    if indicator.target_value is None or not indicator.target_per:
        return None
    return Target(value=indicator.target_value, per=TargetPer(indicator.target_per))


def _expected(indicator: Indicator, window: Window, plan: Plan) -> Fraction | None:
    if indicator.target_value is None or not indicator.target_per:
        return None
    return expected_value(
        indicator.target_value, indicator.target_per, window, plan.starts_on, plan.ends_on
    )


def actual_by_indicator(
    session: Session,
    indicators: list[Indicator],
    starts_on: date,
    ends_on: date,
    levels: list[str] | None = None,
) -> dict[int, int]:
    """Per count indicator its actual in the window: one indexed range read of the rollups;
    with `levels`, of the records at those confidentiality levels only (the reader's)."""
    ids = [i.id for i in indicators if i.kind == IndicatorKind.COUNT and i.id is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(
            col(ProgressRollup.indicator_id),
            func.sum(ProgressRollup.records),
            func.sum(ProgressRollup.total),
        )
        .where(
            col(ProgressRollup.indicator_id).in_(ids),
            col(ProgressRollup.day) >= starts_on,
            col(ProgressRollup.day) <= ends_on,
            within_ceiling(ProgressRollup, levels),
        )
        .group_by(col(ProgressRollup.indicator_id))
    ).all()
    summed = {i.id for i in indicators if i.count_field}
    return {
        indicator_id: int(total if indicator_id in summed else records)
        for indicator_id, records, total in rows
    }


def breakdown_by_indicator(
    session: Session,
    indicators: list[Indicator],
    key: ProgressGroup,
    starts_on: date,
    ends_on: date,
    levels: list[str] | None = None,
) -> dict[int, list[Breakdown]]:
    """Per count indicator its actual split per partner or theme of the records, within the
    reader's ceiling; the parts sum to the rollups' actual. The window's whole months are
    read from the breakdowns (one query for all indicators); a partial first or last month
    is counted from the records under the indicator's rule."""
    counts = [i for i in indicators if i.kind == IndicatorKind.COUNT and i.id is not None]
    summed = {i.id for i in counts if i.count_field}
    totals: dict[int, dict[str | None, int]] = {i.id or 0: defaultdict(int) for i in counts}
    whole = _whole_months(starts_on, ends_on)
    edges = [(starts_on, ends_on)]
    if whole is not None:
        first, last = whole
        edges = [
            edge
            for edge in (
                (starts_on, first - timedelta(days=1)),
                (_next_month(last), ends_on),
            )
            if edge[0] <= edge[1]
        ]
        rows = session.execute(
            select(
                col(ProgressBreakdown.indicator_id),
                col(ProgressBreakdown.group_value),
                func.sum(ProgressBreakdown.records),
                func.sum(ProgressBreakdown.total),
            )
            .where(
                col(ProgressBreakdown.indicator_id).in_([i.id for i in counts]),
                col(ProgressBreakdown.group_key) == key.value,
                col(ProgressBreakdown.month) >= first,
                col(ProgressBreakdown.month) <= last,
                within_ceiling(ProgressBreakdown, levels),
            )
            .group_by(col(ProgressBreakdown.indicator_id), col(ProgressBreakdown.group_value))
        ).all()
        for indicator_id, value, records, total in rows:
            amount = total if indicator_id in summed else records
            totals[indicator_id][value or None] += int(amount)
    if edges:
        _count_edges(session, counts, key, edges, levels, totals)
    result: dict[int, list[Breakdown]] = {}
    for indicator_id, by_value in totals.items():
        parts = sorted(
            ((value, number) for value, number in by_value.items() if number),
            key=lambda part: (-part[1], part[0] is None, part[0] or ""),
        )
        result[indicator_id] = [Breakdown(**{key.value: value, "actual": n}) for value, n in parts]
    return result


def _whole_months(starts_on: date, ends_on: date) -> tuple[date, date] | None:
    """The first days of the first and the last whole calendar month in the window."""
    first = starts_on if starts_on.day == 1 else _next_month(starts_on)
    after = ends_on + timedelta(days=1)
    last_end = (
        ends_on if after.day == 1 else date(ends_on.year, ends_on.month, 1) - timedelta(days=1)
    )
    if first > last_end:
        return None
    return first, date(last_end.year, last_end.month, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _count_edges(
    session: Session,
    indicators: list[Indicator],
    key: ProgressGroup,
    edges: list[tuple[date, date]],
    levels: list[str] | None,
    totals: dict[int, dict[str | None, int]],
) -> None:
    """Adds the indicators' records dated in the `edges` (day ranges) per value of `key`:
    per record type one statement, each indicator's rule a FILTER of one scan per edge.
    The edges are a UNION ALL, not an OR: with an OR PostgreSQL combined bitmaps of the
    rule's and the date's indexes instead of an index-only range scan of each edge."""
    dialect = session.get_bind().dialect.name
    by_resource: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.count_resource:
            by_resource[indicator.count_resource].append(indicator)
    for resource, counted in by_resource.items():
        record_type = BY_RESOURCE[resource]
        counting = record_type.counting
        day = date_column(record_type)
        group = column(record_type, counting.groups[key.value]).label("g")
        amounts = []
        for position, indicator in enumerate(counted):
            rule = rule_condition(record_type, indicator.count_filters or {}, dialect)
            sum_field = indicator.count_field
            sum_attribute = counting.sum_fields.get(sum_field) if sum_field else None
            amount = (
                func.sum(column(record_type, sum_attribute)).filter(rule)
                if sum_attribute
                else func.count().filter(rule)
            )
            amounts.append(amount.label(f"m{position}"))
        parts = [
            select(group, *amounts)
            .where(day >= starts_on, day <= ends_on, within_ceiling(record_type.model, levels))
            .group_by(group)
            for starts_on, ends_on in edges
        ]
        statement = parts[0] if len(parts) == 1 else union_all(*parts)
        for row in session.execute(statement):
            for position, indicator in enumerate(counted):
                totals[indicator.id or 0][row[0]] += int(row[1 + position] or 0)


def _previous(
    session: Session,
    indicators: list[Indicator],
    window: Window,
    compare: Compare,
    plan: Plan,
    levels: list[str] | None,
) -> dict[int, PreviousWindow]:
    """The compared window per count indicator. Its actual counts every record in it, also
    before the plan (the records exist; an analyst compares with last year's work); its
    expected is the target pro-rated over the days of it that lie in the plan only (before
    the plan no target applied), and null when none does."""
    earlier = previous_window(window, compare.value)
    assert earlier.starts_on is not None
    assert earlier.ends_on is not None
    actuals = actual_by_indicator(session, indicators, earlier.starts_on, earlier.ends_on, levels)
    in_plan = earlier.clip(plan.starts_on, plan.ends_on)
    result = {}
    for indicator in indicators:
        if indicator.kind != IndicatorKind.COUNT or indicator.id is None:
            continue
        expected = None if in_plan.is_empty else _expected(indicator, in_plan, plan)
        result[indicator.id] = PreviousWindow(
            starts_on=earlier.starts_on,
            ends_on=earlier.ends_on,
            actual=actuals.get(indicator.id, 0),
            expected=float(expected) if expected is not None else None,
        )
    return result


def summary(indicators: list[IndicatorProgress]) -> PillarSummary:
    """How many count indicators, how many on schedule; how many milestones, how many done."""
    counts = [i for i in indicators if i.kind == IndicatorKind.COUNT]
    milestones = [i for i in indicators if i.kind == IndicatorKind.MILESTONE]
    return PillarSummary(
        count_indicators=len(counts),
        on_schedule=sum(1 for i in counts if i.status == ProgressStatus.OP_SCHEMA),
        milestones=len(milestones),
        completed=sum(1 for i in milestones if i.status == ProgressStatus.AFGEROND),
    )


def _updates_by_indicator(
    session: Session, indicators: list[Indicator], ends_on: date
) -> dict[int, list[MilestoneUpdate]]:
    ids = [i.id for i in indicators if i.kind == IndicatorKind.MILESTONE]
    updates: dict[int, list[MilestoneUpdate]] = defaultdict(list)
    if not ids:
        return updates
    rows = session.scalars(
        select(MilestoneUpdate)
        .where(col(MilestoneUpdate.indicator_id).in_(ids), col(MilestoneUpdate.date) <= ends_on)
        .order_by(col(MilestoneUpdate.date), col(MilestoneUpdate.created_at))
    ).all()
    for update in rows:
        updates[update.indicator_id].append(update)
    return updates


def count_status(actual: int, expected: Fraction | None) -> ProgressStatus:
    if expected is None:
        return ProgressStatus.GEEN_DOEL
    return ProgressStatus.OP_SCHEMA if actual >= expected else ProgressStatus.ACHTER


def progress(
    session: Session,
    plan_code: str | None,
    window: Window,
    *,
    group_by: ProgressGroup | None = None,
    compare: Compare | None = None,
    caller: Caller | None = None,
    export: str | None = None,
) -> ProgressReport:
    """Progress per pillar, with a breakdown per partner or theme (`group_by`) and the
    compared window (`compare`); `export` (a media type) audits it as an export by
    `caller`."""
    audit_export(session, caller, "progress", export)
    plan = plan_for_query(session, plan_code) or current_plan(session)
    window = plan_window(plan, window)
    assert window.starts_on is not None
    assert window.ends_on is not None
    pillars = session.scalars(
        select(Pillar).where(col(Pillar.plan_id) == plan.id).order_by(col(Pillar.position))
    ).all()
    indicators = list(
        session.scalars(
            select(Indicator)
            .where(col(Indicator.plan_id) == plan.id)
            .order_by(col(Indicator.position), col(Indicator.id))
        ).all()
    )
    levels = caller.ceiling if caller is not None else None
    actuals = actual_by_indicator(session, indicators, window.starts_on, window.ends_on, levels)
    updates = _updates_by_indicator(session, indicators, window.ends_on)
    breakdowns = (
        breakdown_by_indicator(
            session, indicators, group_by, window.starts_on, window.ends_on, levels
        )
        if group_by is not None
        else {}
    )
    previous = (
        _previous(session, indicators, window, compare, plan, levels) if compare is not None else {}
    )
    by_pillar: dict[int, list[IndicatorProgress]] = defaultdict(list)
    for indicator in indicators:
        assert indicator.id is not None
        if indicator.kind == IndicatorKind.COUNT:
            actual = actuals.get(indicator.id, 0)
            expected = _expected(indicator, window, plan)
            entry = IndicatorProgress(
                code=indicator.code,
                title=indicator.title,
                kind=IndicatorKind.COUNT,
                theme=indicator.theme,
                target=_target(indicator),
                actual=actual,
                expected=float(expected) if expected is not None else None,
                ratio=float(actual / expected) if expected else None,
                status=count_status(actual, expected),
            )
            if group_by is not None:
                entry.breakdown = breakdowns.get(indicator.id, [])
            if compare is not None:
                entry.previous = previous[indicator.id]
        else:
            history = updates.get(indicator.id, [])
            status = ProgressStatus(history[-1].status) if history else ProgressStatus.NIET_GESTART
            entry = IndicatorProgress(
                code=indicator.code,
                title=indicator.title,
                kind=IndicatorKind.MILESTONE,
                theme=indicator.theme,
                target=None,
                actual=None,
                expected=None,
                ratio=None,
                status=status,
                updates=[
                    UpdateInWindow(date=u.date, status=MilestoneStatus(u.status), note=u.note)
                    for u in history
                    if u.date >= window.starts_on
                ],
            )
        by_pillar[indicator.pillar_id].append(entry)
    return ProgressReport(
        plan=plan.code,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        **({"group_by": group_by} if group_by is not None else {}),
        **({"compare": compare} if compare is not None else {}),
        pillars=[
            PillarProgress(
                code=p.code,
                title=p.title,
                summary=summary(by_pillar.get(p.id or 0, [])),
                indicators=by_pillar.get(p.id or 0, []),
            )
            for p in pillars
        ],
    )


def intervals(window: Window, interval: Interval) -> list[tuple[str, date, date]]:
    """The calendar months, quarters or years the window touches, clipped to it."""
    assert window.starts_on is not None
    assert window.ends_on is not None
    result = []
    cursor = window.starts_on
    while cursor <= window.ends_on:
        if interval == Interval.YEAR:
            label, end = str(cursor.year), date(cursor.year, 12, 31)
        elif interval == Interval.QUARTER:
            quarter = (cursor.month - 1) // 3 + 1
            last_month = quarter * 3
            label = f"{cursor.year}-Q{quarter}"
            end = date(cursor.year, last_month, calendar.monthrange(cursor.year, last_month)[1])
        else:
            label = f"{cursor.year}-{cursor.month:02d}"
            end = date(cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1])
        end = min(end, window.ends_on)
        result.append((label, cursor, end))
        cursor = end + timedelta(days=1)
    return result


def series(
    session: Session,
    code: str,
    plan_code: str | None,
    window: Window,
    interval: Interval,
    *,
    caller: Caller | None = None,
) -> SeriesReport:
    """Actual and cumulative expected per interval; counts only what `caller` may see."""
    levels = caller.ceiling if caller is not None else None
    plan = plan_for_query(session, plan_code) or current_plan(session)
    indicator = get_indicator_row(session, code, plan.code)
    if indicator.kind != IndicatorKind.COUNT:
        raise InvalidInput.one("code", "not-countable", f"`{code}` is a milestone, not a count.")
    window = plan_window(plan, window)
    assert window.starts_on is not None
    points = []
    cumulative = 0
    for label, start, end in intervals(window, interval):
        actual = actual_by_indicator(session, [indicator], start, end, levels).get(
            indicator.id or 0, 0
        )
        cumulative += actual
        expected = _expected(indicator, Window(window.starts_on, end), plan)
        points.append(
            SeriesPoint(
                period=label,
                starts_on=start,
                ends_on=end,
                actual=actual,
                cumulative_actual=cumulative,
                expected=float(expected) if expected is not None else None,
            )
        )
    assert window.ends_on is not None
    return SeriesReport(
        indicator=indicator.code,
        plan=plan.code,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        interval=interval,
        target=_target(indicator),
        points=points,
    )
