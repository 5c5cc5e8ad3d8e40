"""Progress per pillar and indicator from the rollups, burn-up series, milestone updates and
the admin's changes to indicators (which rebuild their rollups)."""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select
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
from app.progress.counting import within_ceiling
from app.progress.models import ProgressRollup
from app.progress.schemas import (
    IndicatorProgress,
    Interval,
    PillarProgress,
    ProgressReport,
    ProgressStatus,
    SeriesPoint,
    SeriesReport,
    UpdateInWindow,
)
from app.progress.windows import Window, expected_value
from app.reference.models import Pillar, Plan
from app.reference.service import current_plan, plan_for_query


def plan_window(plan: Plan, window: Window) -> Window:
    """The window clipped to the plan (its default); wholly outside the plan is invalid."""
    clipped = window.clip(plan.starts_on, plan.ends_on)
    if clipped.is_empty:
        raise InvalidInput.one(
            "from",
            "outside-plan",
            f"The window lies outside plan `{plan.code}` "
            f"({plan.starts_on.isoformat()} to {plan.ends_on.isoformat()}).",
        )
    return clipped


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
    caller: Caller | None = None,
    export: str | None = None,
) -> ProgressReport:
    """Progress per pillar; `export` (a media type) audits it as an export by `caller`."""
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
        pillars=[
            PillarProgress(code=p.code, title=p.title, indicators=by_pillar.get(p.id or 0, []))
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
