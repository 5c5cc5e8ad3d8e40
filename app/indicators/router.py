"""HTTP endpoints of the indicators: read by every role, changed by admin; milestone updates
by coordinators."""

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.access.dependencies import AdminClient, AnyClient, CoordinatorClient
from app.conventions import accepts
from app.db import SessionDep
from app.indicators import service
from app.indicators.schemas import (
    IndicatorCreate,
    IndicatorRead,
    IndicatorUpdate,
    MilestoneUpdateCreate,
    MilestoneUpdateRead,
)
from app.openapi import problems
from app.reference.schemas import Collection

router = APIRouter()
READ_TAGS: list[str | Enum] = ["Referentiedata"]
# The changes are listed under progress too: they change what progress counts.
WRITE_TAGS: list[str | Enum] = ["Voortgang", "Referentiedata"]

PlanQuery = Annotated[
    str | None,
    Query(max_length=40, description="Only this plan's entries.", examples=["2023-2024"]),
]
IndicatorCode = Annotated[
    str,
    Path(max_length=80, description="The indicator's code.", examples=["p1-integrale-controles"]),
]


@router.get(
    "/indicators",
    tags=READ_TAGS,
    operation_id="listIndicators",
    summary="List the indicators",
)
def list_indicators(
    _: AnyClient, session: SessionDep, plan: PlanQuery = None
) -> Collection[IndicatorRead]:
    """The performance indicators with their targets and counting rules."""
    return Collection(items=service.list_indicators(session, plan))


@router.get(
    "/indicators/{code}",
    tags=READ_TAGS,
    operation_id="getIndicator",
    summary="Get an indicator",
    responses=problems(404),
)
def get_indicator(
    code: Annotated[
        str,
        Path(
            max_length=80, description="The indicator's code.", examples=["p1-integrale-controles"]
        ),
    ],
    _: AnyClient,
    session: SessionDep,
    plan: PlanQuery = None,
) -> IndicatorRead:
    """One indicator by its code, in the given plan or else the current one."""
    return service.get_indicator(session, code, plan)


@router.post(
    "/indicators",
    tags=WRITE_TAGS,
    status_code=status.HTTP_201_CREATED,
    operation_id="createIndicator",
    summary="Add an indicator",
    responses=problems(409, 415),
    dependencies=[Depends(accepts("application/json"))],
)
def create_indicator(
    body: IndicatorCreate, caller: AdminClient, session: SessionDep, response: Response
) -> IndicatorRead:
    """Adds a count indicator with its counting rule (resource, filters per field, optional
    sum field) or a milestone. Its progress is counted from the existing records at once."""
    indicator = service.create_indicator(session, caller, body)
    response.headers["Location"] = f"/api/v1/indicators/{indicator.code}"
    return service.get_indicator(session, indicator.code, body.plan)


@router.patch(
    "/indicators/{code}",
    tags=WRITE_TAGS,
    operation_id="updateIndicator",
    summary="Change an indicator",
    responses=problems(404, 415),
    dependencies=[Depends(accepts("application/merge-patch+json", "application/json"))],
)
def update_indicator(
    code: IndicatorCode, body: IndicatorUpdate, caller: AdminClient, session: SessionDep
) -> IndicatorRead:
    """A JSON merge patch of an indicator of the current plan: `title`, `theme`, `pillar`,
    `target`, `countingRule`. A changed counting rule recounts the indicator's progress from
    the records in one statement, in the same transaction."""
    indicator = service.update_indicator(session, caller, code, body)
    return service.get_indicator(session, indicator.code, None)


@router.post(
    "/indicators/{code}/updates",
    tags=WRITE_TAGS,
    status_code=status.HTTP_201_CREATED,
    operation_id="createMilestoneUpdate",
    summary="Record a milestone's progress",
    responses=problems(404, 415),
    dependencies=[Depends(accepts("application/json"))],
)
def create_milestone_update(
    code: IndicatorCode, body: MilestoneUpdateCreate, caller: CoordinatorClient, session: SessionDep
) -> MilestoneUpdateRead:
    """Records that a milestone of the current plan reached a status on a date. The latest
    update on or before a date is the milestone's status then; before the first it is
    `niet-gestart`. Coordinators and admins."""
    return service.add_milestone_update(session, caller, code, body)
