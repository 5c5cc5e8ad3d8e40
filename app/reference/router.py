"""HTTP endpoints of the reference data: readable by every role."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.access.dependencies import AnyClient
from app.db import SessionDep
from app.openapi import problems
from app.reference import service
from app.reference.schemas import Collection, PartnerRead, PillarRead, PlanRead, ThemeRead

router = APIRouter(tags=["Referentiedata"])

PlanQuery = Annotated[
    str | None,
    Query(max_length=40, description="Only this plan's entries.", examples=["2023-2024"]),
]
CodeParam = Annotated[
    str, Path(max_length=80, description="The plan's code.", examples=["2023-2024"])
]


@router.get("/plans", operation_id="listPlans", summary="List the plans")
def list_plans(_: AnyClient, session: SessionDep) -> Collection[PlanRead]:
    """The action plans, oldest first."""
    return Collection(items=[PlanRead.model_validate(p) for p in service.list_plans(session)])


@router.get("/plans/{code}", operation_id="getPlan", summary="Get a plan", responses=problems(404))
def get_plan(code: CodeParam, _: AnyClient, session: SessionDep) -> PlanRead:
    """One plan by its code."""
    return PlanRead.model_validate(service.get_plan(session, code))


@router.get("/pillars", operation_id="listPillars", summary="List the pillars")
def list_pillars(
    _: AnyClient, session: SessionDep, plan: PlanQuery = None
) -> Collection[PillarRead]:
    """The pillars of every plan, or of one plan with `plan=`."""
    return Collection(items=service.list_pillars(session, plan))


@router.get("/themes", operation_id="listThemes", summary="List the themes")
def list_themes(_: AnyClient, session: SessionDep) -> Collection[ThemeRead]:
    """The prioritised themes records are classified by."""
    return Collection(items=[ThemeRead.model_validate(t) for t in service.list_themes(session)])


@router.get("/partners", operation_id="listPartners", summary="List the partners")
def list_partners(_: AnyClient, session: SessionDep) -> Collection[PartnerRead]:
    """The partners that register work and own records."""
    return Collection(items=[PartnerRead.model_validate(p) for p in service.list_partners(session)])
