"""HTTP endpoints of progress, series, statistics and the indicator admin (HTTP only)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from app.access.dependencies import AdminClient, AnalystClient, AnyClient, CoordinatorClient
from app.audit.service import audit
from app.conventions import accepts
from app.db import SessionDep
from app.openapi import problems
from app.progress import service
from app.progress.media import CSV, JSON, csv_response, negotiate
from app.progress.schemas import (
    IndicatorCreate,
    IndicatorUpdate,
    Interval,
    MilestoneUpdateCreate,
    MilestoneUpdateRead,
    ProgressReport,
    SeriesReport,
    StatisticsReport,
)
from app.progress.statistics import record_resource
from app.progress.statistics import statistics as count_statistics
from app.progress.windows import FromParam, PeriodParam, PlanQuery, ToParam, parse_window
from app.reference.schemas import IndicatorRead
from app.reference.service import get_indicator
from app.reports.router import router as reports_router

router = APIRouter(tags=["Voortgang"])
router.include_router(reports_router)

IndicatorCode = Annotated[
    str,
    Path(max_length=80, description="The indicator's code.", examples=["p1-integrale-controles"]),
]

PROGRESS_CSV_COLUMNS = [
    "pillar",
    "code",
    "title",
    "kind",
    "theme",
    "targetValue",
    "targetPer",
    "actual",
    "expected",
    "ratio",
    "status",
]
PROGRESS_CSV_EXAMPLE = (
    "pillar,code,title,kind,theme,targetValue,targetPer,actual,expected,ratio,status\r\n"
    "p1,p1-integrale-controles,Integrale bedrijvencontroles,count,ondermijnende-bedrijvigheid,"
    "10,year,3,3.287671,0.9125,achter\r\n"
)
STATISTICS_CSV_EXAMPLE = "kind,count,businessesInspected\r\nintegrale-controle,3,18\r\n"


def _csv_content(example: str) -> dict[str, Any]:
    return {CSV: {"schema": {"type": "string"}, "example": example}}


@router.get(
    "/progress",
    operation_id="getProgress",
    summary="Progress per pillar",
    response_model=ProgressReport,
    # `updates` is left out for count indicators (SPEC §6: only milestones have it).
    response_model_exclude_unset=True,
    responses={200: {"content": _csv_content(PROGRESS_CSV_EXAMPLE)}, **problems(406)},
)
def get_progress(
    request: Request,
    caller: AnyClient,
    session: SessionDep,
    plan: PlanQuery = None,
    starts_on: FromParam = None,
    ends_on: ToParam = None,
    period: PeriodParam = None,
) -> Any:
    """For each pillar of the plan, its indicators in the window: for counts `actual`, the
    target pro-rated over the window as `expected` (per year: per calendar year the window's
    days ÷ that year's days, leap years included; per plan: window days ÷ plan days), `ratio`
    and `status`; for milestones the status at the window's end and the updates in it.

    The window defaults to the plan and is clipped to it; `to` before `from` or a window
    wholly outside the plan is `400`. Withdrawn measures never count. Counts come from daily
    rollups kept in the same transaction as every record write. Served as CSV with
    `Accept: text/csv`. Holds no personal data."""
    media_type = negotiate(request, [JSON, CSV])
    report = service.progress(session, plan, parse_window(starts_on, ends_on, period))
    if media_type != CSV:
        return report
    audit(session, caller, "export", resource="progress", detail="text/csv")
    rows = [
        {
            "pillar": pillar.code,
            "code": indicator.code,
            "title": indicator.title,
            "kind": indicator.kind.value,
            "theme": indicator.theme,
            "targetValue": indicator.target.value if indicator.target else None,
            "targetPer": indicator.target.per.value if indicator.target else None,
            "actual": indicator.actual,
            "expected": round(indicator.expected, 6) if indicator.expected is not None else None,
            "ratio": round(indicator.ratio, 6) if indicator.ratio is not None else None,
            "status": indicator.status.value,
        }
        for pillar in report.pillars
        for indicator in pillar.indicators
    ]
    return csv_response(PROGRESS_CSV_COLUMNS, rows, f"voortgang-{report.plan}.csv")


@router.get(
    "/progress/indicators/{code}/series",
    operation_id="getIndicatorSeries",
    summary="Burn-up series of an indicator",
    response_model=SeriesReport,
    responses=problems(404),
)
def get_indicator_series(
    code: IndicatorCode,
    caller: AnyClient,
    session: SessionDep,
    plan: PlanQuery = None,
    starts_on: FromParam = None,
    ends_on: ToParam = None,
    period: PeriodParam = None,
    interval: Annotated[
        Interval, Query(description="The bucket size.", examples=["month"])
    ] = Interval.MONTH,
) -> Any:
    """Per month, quarter or year of the window: what was counted, cumulatively, and the
    cumulative expected value to the interval's end: the data of a burn-up chart. Only for
    `count` indicators; a milestone is `400`."""
    return service.series(session, code, plan, parse_window(starts_on, ends_on, period), interval)


@router.get(
    "/statistics/{resource}",
    operation_id="getStatistics",
    summary="Counts of records per group",
    response_model=StatisticsReport,
    responses={200: {"content": _csv_content(STATISTICS_CSV_EXAMPLE)}, **problems(404, 406)},
)
def get_statistics(
    request: Request,
    resource: Annotated[
        str,
        Path(
            max_length=40,
            description="The record type: `signals`, `bestuurlijke-rapportages`, `measures`, "
            "`campaigns` or `inspections`; another is `404`.",
            examples=["inspections"],
        ),
    ],
    caller: AnalystClient,
    session: SessionDep,
    starts_on: FromParam = None,
    ends_on: ToParam = None,
    period: PeriodParam = None,
    group_by: Annotated[
        str | None,
        Query(
            alias="groupBy",
            max_length=200,
            description="Comma-separated: the record type's enum fields, `theme`, `partner`, "
            "`neighbourhood` (signals, inspections), `sector` (inspections), `pillar` "
            "(campaigns), and `month`, `quarter`, `year` of the date field. Unknown keys are "
            "`400`. Without it, one group with the total.",
            examples=["kind,month"],
        ),
    ] = None,
    date_field: Annotated[
        str | None,
        Query(
            alias="dateField",
            max_length=40,
            description="The date the window and the time groups use. Signals: `receivedOn` "
            "(default) or `discussedOn` (then only discussed signals count); the others have "
            "one: `receivedOn`, `decidedOn`, `startsOn`, `occurredOn`.",
            examples=["discussedOn"],
        ),
    ] = None,
) -> Any:
    """Counts records per group, in the database. Without a window every record counts.
    Inspections also sum `businessesInspected`. Withdrawn measures never count. Counts every
    partner's records (aggregates only; no personal data and no record is shown). Served as
    CSV with `Accept: text/csv`."""
    media_type = negotiate(request, [JSON, CSV])
    record_type = record_resource(resource)
    report = count_statistics(
        session, record_type, parse_window(starts_on, ends_on, period), group_by, date_field
    )
    audit(session, caller, "export", resource=f"statistics/{resource}", detail=media_type)
    if media_type != CSV:
        return report
    columns = [*report.group_by, "count"]
    if report.businesses_inspected is not None:
        columns.append("businessesInspected")
    return csv_response(columns, report.groups, f"statistiek-{resource}.csv")


@router.post(
    "/indicators",
    tags=["Referentiedata"],
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
    indicator = service.create_indicator(session, body)
    audit(session, caller, "create", resource="indicators", record_id=indicator.code)
    response.headers["Location"] = f"/api/v1/indicators/{indicator.code}"
    return get_indicator(session, indicator.code, body.plan)


@router.patch(
    "/indicators/{code}",
    tags=["Referentiedata"],
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
    changed = sorted(body.model_dump(exclude_unset=True, by_alias=True))
    indicator = service.update_indicator(session, code, body)
    audit(
        session,
        caller,
        "update",
        resource="indicators",
        record_id=indicator.code,
        detail=",".join(changed),
    )
    return get_indicator(session, indicator.code, None)


@router.post(
    "/indicators/{code}/updates",
    tags=["Referentiedata"],
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
    update = service.add_milestone_update(session, code, body, caller.stored_client_id)
    audit(session, caller, "create", resource="milestone-updates", record_id=update.id)
    return update
