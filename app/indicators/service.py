"""The indicators of a plan: reading them, the admin's changes (a changed counting rule
rebuilds the indicator's rollups in the same transaction) and milestone updates. Every
change is audited here."""

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.service import audit
from app.indicators.models import Indicator, MilestoneUpdate
from app.indicators.schemas import (
    CountingRuleInput,
    IndicatorCreate,
    IndicatorKind,
    IndicatorRead,
    IndicatorUpdate,
    MilestoneStatus,
    MilestoneUpdateCreate,
    MilestoneUpdateRead,
)
from app.problems import Conflict, InvalidInput, InvalidParam, NotFound
from app.progress.rollups import rebuild_rollups
from app.records.registry import BY_RESOURCE
from app.reference.models import Pillar, Plan, Theme
from app.reference.service import current_plan, plan_for_query


def _indicator_statement() -> Any:
    return (
        select(Indicator, col(Plan.code), col(Pillar.code))
        .join(Plan, col(Plan.id) == col(Indicator.plan_id))
        .join(Pillar, col(Pillar.id) == col(Indicator.pillar_id))
    )


def list_indicators(session: Session, plan_code: str | None) -> list[IndicatorRead]:
    plan = plan_for_query(session, plan_code)
    statement = _indicator_statement()
    if plan is not None:
        statement = statement.where(col(Indicator.plan_id) == plan.id)
    statement = statement.order_by(col(Plan.starts_on), col(Indicator.position))
    return [
        IndicatorRead.from_row(row, plan, pillar)
        for row, plan, pillar in session.execute(statement).all()
    ]


def get_indicator_row(session: Session, code: str, plan_code: str | None) -> Indicator:
    plan = plan_for_query(session, plan_code) or current_plan(session)
    indicator = session.scalar(
        select(Indicator).where(col(Indicator.plan_id) == plan.id, col(Indicator.code) == code)
    )
    if indicator is None:
        raise NotFound(f"No indicator `{code}` in plan `{plan.code}`.")
    return indicator


def get_indicator(session: Session, code: str, plan_code: str | None) -> IndicatorRead:
    indicator = get_indicator_row(session, code, plan_code)
    row = session.execute(_indicator_statement().where(col(Indicator.id) == indicator.id)).one()
    return IndicatorRead.from_row(*row)


def add_milestone_update(
    session: Session, caller: Caller, code: str, data: MilestoneUpdateCreate
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
        created_by=caller.stored_client_id,
    )
    session.add(update)
    session.flush()
    audit(session, caller, "create", resource="milestone-updates", record_id=update.id)
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


def create_indicator(session: Session, caller: Caller, data: IndicatorCreate) -> Indicator:
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
    audit(session, caller, "create", resource="indicators", record_id=indicator.code)
    return indicator


def update_indicator(
    session: Session, caller: Caller, code: str, data: IndicatorUpdate
) -> Indicator:
    changed = sorted(data.model_dump(exclude_unset=True, by_alias=True))
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
    audit(
        session,
        caller,
        "update",
        resource="indicators",
        record_id=indicator.code,
        detail=",".join(changed),
    )
    return indicator
