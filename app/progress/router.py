"""HTTP endpoints of progress, series, statistics and the indicator admin (HTTP only)."""

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from app.access.dependencies import AnalystClient, AnyClient
from app.db import SessionDep
from app.exports import service as exports
from app.exports.formats import (
    PNG,
    SVG,
    XLSX,
    ProgressFormatParam,
    StatisticsFormatParam,
    choose,
    content,
    exported,
)
from app.indicators.router import IndicatorCode
from app.openapi import problems
from app.progress import service
from app.progress.media import CSV, JSON
from app.progress.schemas import (
    Compare,
    Interval,
    ProgressGroup,
    ProgressReport,
    SeriesReport,
    StatisticsReport,
)
from app.progress.statistics import (
    filter_example,
    filter_names,
    filter_resources,
    record_resource,
)
from app.progress.statistics import statistics as count_statistics
from app.progress.windows import FromParam, PeriodParam, PlanQuery, ToParam, parse_window
from app.reports.router import router as reports_router

router = APIRouter(tags=["Voortgang"])
router.include_router(reports_router)


PROGRESS_CSV_EXAMPLE = (
    "from,to,plan,groupBy,compare,pillarCode,pillarTitle,pillarSummaryCountIndicators,"
    "pillarSummaryOnSchedule,pillarSummaryMilestones,pillarSummaryCompleted,code,title,kind,"
    "theme,targetValue,targetPer,actual,expected,ratio,status,previousFrom,previousTo,"
    "previousActual,previousExpected\r\n"
    "2023-01-01,2023-04-30,2023-2024,,,p1,Het aanpakken van ondermijnende criminaliteit,"
    "4,1,6,0,p1-integrale-controles,Integrale bedrijvencontroles,count,"
    "ondermijnende-bedrijvigheid,10,year,3,3.287671,0.9125,achter,,,,\r\n"
)
STATISTICS_CSV_EXAMPLE = (
    "from,to,resource,dateField,includeWithdrawn,kind,count,businessesInspected\r\n"
    "2023-01-01,2023-04-30,inspections,occurredOn,false,integrale-controle,3,18\r\n"
)
SERIES_CSV_EXAMPLE = (
    "from,to,indicator,plan,interval,targetValue,targetPer,period,actual,cumulativeActual,"
    "expected,periodFrom,periodTo\r\n"
    "2023-01-01,2023-04-30,p1-integrale-controles,2023-2024,month,10,year,2023-01,1,1,"
    "0.849315,2023-01-01,2023-01-31\r\n"
)
CHARTS = (JSON, CSV, XLSX, SVG, PNG)
TABLES = (JSON, CSV, XLSX)


def _statistics_filters(**filters: str | None) -> dict[str, str | None]:
    return filters


# One query parameter per filter any record type has (from the registry's declarations);
# a filter the asked resource does not have is 400, never ignored.
_statistics_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                Query(
                    max_length=1000,
                    description=f"Only records whose `{name}` is one of these values "
                    "(comma-separated; for a list field: holds one of them). A filter of "
                    + ", ".join(f"`{resource}`" for resource in filter_resources(name))
                    + "; on another resource `400`.",
                    examples=[filter_example(name)],
                ),
            ],
        )
        for name in filter_names()
    ]
)
StatisticsFilters = Annotated[dict[str, str | None], Depends(_statistics_filters)]


@router.get(
    "/progress",
    operation_id="getProgress",
    summary="Progress per pillar",
    response_model=ProgressReport,
    # `updates` is left out for count indicators (SPEC §6: only milestones have it).
    response_model_exclude_unset=True,
    responses={
        **content(*CHARTS[1:], examples={CSV: PROGRESS_CSV_EXAMPLE}),
        **problems(406),
    },
)
def get_progress(
    request: Request,
    caller: AnyClient,
    session: SessionDep,
    plan: PlanQuery = None,
    starts_on: FromParam = None,
    ends_on: ToParam = None,
    period: PeriodParam = None,
    group_by: Annotated[
        ProgressGroup | None,
        Query(
            alias="groupBy",
            description="Split each count indicator's `actual` per `partner` or `theme` of "
            "the records counted, as `breakdown`.",
            examples=["partner"],
        ),
    ] = None,
    compare: Annotated[
        Compare | None,
        Query(
            description="Add `previous` to each count indicator: the window of equal length "
            "just before (`previous-period`) or the same days a year earlier "
            "(`previous-year`). Its `actual` counts the whole previous window; its "
            "`expected` pro-rates the target over the part of it inside the plan (null when "
            "none is).",
            examples=["previous-year"],
        ),
    ] = None,
    export_format: ProgressFormatParam = None,
) -> Any:
    """For each pillar of the plan, its indicators in the window: for counts `actual`, the
    target pro-rated over the window as `expected` (per year: per calendar year the window's
    days ÷ that year's days, leap years included; per plan: window days ÷ plan days), `ratio`
    and `status`; for milestones the status at the window's end and the updates in it. Each
    pillar carries a `summary`: its count indicators, how many on schedule, its milestones,
    how many completed.

    The window defaults to the plan and is clipped to it; `to` before `from` is `400`, a
    window wholly outside the plan is `400` on the parameter given (`period`, `from` or
    `to`). Withdrawn measures never count. Counts come from daily rollups kept in the same
    transaction as every record write. `Accept` or `format=`:
    CSV and XLSX (a row per indicator, the window first), or a chart per pillar as SVG or
    PNG. Holds no personal data; records above the caller's confidentiality ceiling count
    nowhere."""
    media_type = choose(request, CHARTS, export_format)
    report = service.progress(
        session,
        plan,
        parse_window(starts_on, ends_on, period),
        group_by=group_by,
        compare=compare,
        caller=caller,
        export=exported(media_type),
    )
    if media_type == JSON:
        return report
    return exports.progress(report, media_type)


@router.get(
    "/progress/indicators/{code}/series",
    operation_id="getIndicatorSeries",
    summary="Burn-up series of an indicator",
    response_model=SeriesReport,
    responses={**content(*CHARTS[1:], examples={CSV: SERIES_CSV_EXAMPLE}), **problems(404, 406)},
)
def get_indicator_series(
    request: Request,
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
    export_format: ProgressFormatParam = None,
) -> Any:
    """Per month, quarter or year of the window: what was counted, cumulatively, and the
    cumulative expected value to the interval's end: the data of a burn-up chart. Only for
    `count` indicators; a milestone is `400`. `Accept` or `format=`: CSV and XLSX (a row per
    interval, the window first), or the burn-up chart as SVG or PNG."""
    media_type = choose(request, CHARTS, export_format)
    window = parse_window(starts_on, ends_on, period)
    report = service.series(session, code, plan, window, interval, caller=caller)
    if media_type == JSON:
        return report
    return exports.series(session, caller, report, media_type)


@router.get(
    "/statistics/{resource}",
    operation_id="getStatistics",
    summary="Counts of records per group",
    response_model=StatisticsReport,
    responses={
        **content(*TABLES[1:], examples={CSV: STATISTICS_CSV_EXAMPLE}),
        **problems(404, 406),
    },
)
def get_statistics(
    request: Request,
    filters: StatisticsFilters,
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
    include_withdrawn: Annotated[
        bool,
        Query(
            alias="includeWithdrawn",
            description="Count withdrawn measures too (under status `ingetrokken`); a "
            "`status` filter naming `ingetrokken` does the same.",
            examples=[True],
        ),
    ] = False,
    export_format: StatisticsFormatParam = None,
) -> Any:
    """Counts records per group, in the database. Without a window every record counts.
    Takes the list filters (enum fields, `theme`, `partner`, `confidentiality`, comma-
    separated values). Inspections also sum `businessesInspected`, campaigns
    `participants`. Withdrawn measures count only when asked (`includeWithdrawn=true`, or a
    `status` filter naming `ingetrokken`). Counts every partner's records up to the caller's
    confidentiality ceiling (aggregates only; no personal data and no record is shown).
    `Accept` or `format=`: CSV and XLSX, a row per group with the window first."""
    media_type = choose(request, TABLES, export_format)
    record_type = record_resource(resource)
    report = count_statistics(
        session,
        record_type,
        parse_window(starts_on, ends_on, period),
        group_by,
        date_field,
        filters=filters,
        include_withdrawn=include_withdrawn,
        caller=caller,
        export=media_type,
    )
    if media_type == JSON:
        return report
    return exports.statistics(report, media_type)
