"""Progress per pillar and indicator from the rollups, burn-up series, milestone updates and
the admin's changes to indicators (which rebuild their rollups)."""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.problems import Conflict, InvalidInput, InvalidParam
from app.progress.models import ProgressRollup
from app.progress.rollups import rebuild_rollups
from app.progress.schemas import (
    CountingRuleInput,
    IndicatorCreate,
    IndicatorProgress,
    IndicatorUpdate,
    Interval,
    MilestoneStatus,
    MilestoneUpdateCreate,
    MilestoneUpdateRead,
    PillarProgress,
    ProgressReport,
    ProgressStatus,
    SeriesPoint,
    SeriesReport,
    UpdateInWindow,
)
from app.progress.windows import Window, expected_value
from app.records.registry import BY_RESOURCE
from app.reference.models import Indicator, MilestoneUpdate, Pillar, Plan, Theme
from app.reference.schemas import IndicatorKind, Target, TargetPer
from app.reference.service import current_plan, get_indicator_row, plan_for_query


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
    session: Session, indicators: list[Indicator], starts_on: date, ends_on: date
) -> dict[int, int]:
    """Per count indicator its actual in the window: one indexed range read of the rollups."""
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


def progress(session: Session, plan_code: str | None, window: Window) -> ProgressReport:
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
    actuals = actual_by_indicator(session, indicators, window.starts_on, window.ends_on)
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
    session: Session, code: str, plan_code: str | None, window: Window, interval: Interval
) -> SeriesReport:
    plan = plan_for_query(session, plan_code) or current_plan(session)
    indicator = get_indicator_row(session, code, plan.code)
    if indicator.kind != IndicatorKind.COUNT:
        raise InvalidInput.one("code", "not-countable", f"`{code}` is a milestone, not a count.")
    window = plan_window(plan, window)
    assert window.starts_on is not None
    points = []
    cumulative = 0
    for label, start, end in intervals(window, interval):
        actual = actual_by_indicator(session, [indicator], start, end).get(indicator.id or 0, 0)
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


def add_milestone_update(
    session: Session, code: str, data: MilestoneUpdateCreate, client_id: Any
) -> MilestoneUpdateRead:
    indicator = get_indicator_row(session, code, None)
    if indicator.kind != IndicatorKind.MILESTONE:
        raise InvalidInput.one(
            "code", "not-a-milestone", f"`{code}` is counted from records; it takes no updates."
        )
    assert indicator.id is not None
    update = MilestoneUpdate(
        indicator_id=indicator.id,
        date=data.date,
        status=data.status.value,
        note=data.note,
        created_by=client_id,
    )
    session.add(update)
    session.flush()
    return MilestoneUpdateRead(
        id=update.id,
        indicator=indicator.code,
        date=update.date,
        status=MilestoneStatus(update.status),
        note=update.note,
        created_at=update.created_at,
    )


def _check_rule(rule: CountingRuleInput, prefix: str) -> list[InvalidParam]:
    counting = BY_RESOURCE[rule.resource.value].counting
    problems = []
    for name, values in rule.filters.items():
        if name not in counting.filter_fields:
            problems.append(
                InvalidParam(
                    name=f"{prefix}.filters.{name}",
                    code="unknown-field",
                    reason=f"`{rule.resource.value}` cannot be counted by `{name}`; use one of "
                    + ", ".join(f"`{f}`" for f in sorted(counting.filter_fields))
                    + ".",
                )
            )
        elif not values:
            problems.append(
                InvalidParam(
                    name=f"{prefix}.filters.{name}",
                    code="min-items",
                    reason="Give at least one value.",
                )
            )
    if rule.sum_field is not None and rule.sum_field not in counting.sum_fields:
        problems.append(
            InvalidParam(
                name=f"{prefix}.sumField",
                code="unknown-field",
                reason=f"`{rule.resource.value}` has no numeric field `{rule.sum_field}`.",
            )
        )
    return problems


def _check_references(
    session: Session, plan: Plan, pillar: str | None, theme: str | None
) -> tuple[list[InvalidParam], int | None]:
    problems = []
    pillar_id = None
    if pillar is not None:
        pillar_id = session.scalar(
            select(col(Pillar.id)).where(col(Pillar.plan_id) == plan.id, col(Pillar.code) == pillar)
        )
        if pillar_id is None:
            problems.append(
                InvalidParam(name="pillar", code="unknown-pillar", reason=f"No pillar `{pillar}`.")
            )
    if theme is not None and session.get(Theme, theme) is None:
        problems.append(
            InvalidParam(name="theme", code="unknown-theme", reason=f"No theme `{theme}`.")
        )
    return problems, pillar_id


def _apply_rule(indicator: Indicator, rule: CountingRuleInput | None) -> None:
    indicator.count_resource = rule.resource.value if rule else None
    indicator.count_filters = {k: list(v) for k, v in rule.filters.items()} if rule else None
    indicator.count_field = rule.sum_field if rule else None


def create_indicator(session: Session, data: IndicatorCreate) -> Indicator:
    plan = plan_for_query(session, data.plan) or current_plan(session)
    problems, pillar_id = _check_references(session, plan, data.pillar, data.theme)
    if data.counting_rule is not None:
        problems += _check_rule(data.counting_rule, "countingRule")
    if problems:
        raise InvalidInput(problems)
    exists = session.scalar(
        select(col(Indicator.id)).where(
            col(Indicator.plan_id) == plan.id, col(Indicator.code) == data.code
        )
    )
    if exists is not None:
        raise Conflict(f"Plan `{plan.code}` already has an indicator `{data.code}`.")
    position = session.scalar(
        select(func.coalesce(func.max(Indicator.position), 0)).where(
            col(Indicator.plan_id) == plan.id
        )
    )
    assert pillar_id is not None
    assert plan.id is not None
    indicator = Indicator(
        plan_id=plan.id,
        pillar_id=pillar_id,
        code=data.code,
        theme=data.theme,
        title=data.title,
        kind=data.kind.value,
        target_value=data.target.value if data.target else None,
        target_per=data.target.per if data.target else None,
        position=(position or 0) + 1,
    )
    _apply_rule(indicator, data.counting_rule)
    session.add(indicator)
    session.flush()
    rebuild_rollups(session, indicator)
    return indicator


def update_indicator(session: Session, code: str, data: IndicatorUpdate) -> Indicator:
    indicator = get_indicator_row(session, code, None)
    given = data.model_fields_set
    plan = session.get(Plan, indicator.plan_id)
    assert plan is not None
    problems, pillar_id = _check_references(
        session,
        plan,
        data.pillar if "pillar" in given else None,
        data.theme if "theme" in given else None,
    )
    for required in ("title", "pillar"):
        if required in given and getattr(data, required) is None:
            problems.append(
                InvalidParam(name=required, code="required", reason="Cannot be cleared.")
            )
    kind = IndicatorKind(indicator.kind)
    if kind == IndicatorKind.MILESTONE:
        for name, alias in (("counting_rule", "countingRule"), ("target", "target")):
            if name in given and getattr(data, name) is not None:
                problems.append(
                    InvalidParam(name=alias, code="milestone", reason="A milestone has none.")
                )
    elif "counting_rule" in given:
        if data.counting_rule is None:
            problems.append(
                InvalidParam(
                    name="countingRule", code="required", reason="A count needs a counting rule."
                )
            )
        else:
            problems += _check_rule(data.counting_rule, "countingRule")
    if problems:
        raise InvalidInput(problems)
    # Lock the row first: record writes read it FOR SHARE, so none interleaves with the rebuild.
    session.execute(
        select(col(Indicator.id)).where(col(Indicator.id) == indicator.id).with_for_update()
    )
    if "title" in given and data.title is not None:
        indicator.title = data.title
    if "theme" in given:
        indicator.theme = data.theme
    if pillar_id is not None:
        indicator.pillar_id = pillar_id
    if "target" in given:
        indicator.target_value = data.target.value if data.target else None
        indicator.target_per = data.target.per if data.target else None
    if "counting_rule" in given:
        _apply_rule(indicator, data.counting_rule)
    session.add(indicator)
    session.flush()
    if "counting_rule" in given:
        rebuild_rollups(session, indicator)
    return indicator
