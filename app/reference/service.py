"""Reading the reference data."""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.problems import InvalidInput, NotFound
from app.reference.models import Partner, Pillar, Plan, Theme
from app.reference.schemas import PillarRead


def list_plans(session: Session) -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(col(Plan.starts_on))).all())


def get_plan(session: Session, code: str) -> Plan:
    plan = session.scalar(select(Plan).where(col(Plan.code) == code))
    if plan is None:
        raise NotFound(f"No plan `{code}`.")
    return plan


def plan_for_query(session: Session, code: str | None) -> Plan | None:
    """A `plan=` query parameter: unknown codes are invalid input, absent means all plans."""
    if code is None:
        return None
    plan = session.scalar(select(Plan).where(col(Plan.code) == code))
    if plan is None:
        raise InvalidInput.one("plan", "unknown-plan", f"No plan `{code}`.")
    return plan


def current_plan(session: Session) -> Plan:
    """The plan that started last: the default where a plan is not named."""
    plan = session.scalar(select(Plan).order_by(col(Plan.starts_on).desc()).limit(1))
    if plan is None:
        raise NotFound("No plan has been registered.")
    return plan


def list_pillars(session: Session, plan_code: str | None) -> list[PillarRead]:
    plan = plan_for_query(session, plan_code)
    statement = select(Pillar, col(Plan.code)).join(Plan, col(Plan.id) == col(Pillar.plan_id))
    if plan is not None:
        statement = statement.where(col(Pillar.plan_id) == plan.id)
    statement = statement.order_by(col(Plan.starts_on), col(Pillar.position))
    return [
        PillarRead(code=pillar.code, plan=code, title=pillar.title)
        for pillar, code in session.execute(statement).all()
    ]


def list_themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(col(Theme.code))).all())


def list_partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(col(Partner.code))).all())


class KnownCodes:
    """The codes of a small reference table (themes, partners), cached in the process.

    A code not in the cache is looked up again, so one added since is found; codes are
    never deleted through the API, and the foreign keys still guard the tables."""

    def __init__(self, column: Any) -> None:
        self.column = column
        self.codes: frozenset[str] = frozenset()

    def exists(self, session: Session, code: str) -> bool:
        if code in self.codes:
            return True
        self.codes = frozenset(session.scalars(select(self.column)).all())
        return code in self.codes


known_themes = KnownCodes(col(Theme.code))
known_partners = KnownCodes(col(Partner.code))
