"""HTTP endpoint of the terugblik (HTTP only)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.access.dependencies import AnalystClient
from app.db import SessionDep
from app.exports import service as exports
from app.exports.formats import DOCX, TerugblikFormatParam, choose, content
from app.openapi import problems
from app.progress import service as progress
from app.progress.media import JSON, MARKDOWN
from app.progress.windows import (
    FromParam,
    PeriodParam,
    PlanQuery,
    ToParam,
    parse_window,
    within_plan,
)
from app.reference.service import current_plan, plan_for_query
from app.reports.schemas import LookBack
from app.reports.terugblik import look_back, markdown

router = APIRouter(tags=["Voortgang"])

MARKDOWN_EXAMPLE = (
    "## Terugblik\n\nOver de eerste vier maanden van 2023 zijn de volgende resultaten te "
    'vermelden:\n\n1. Ten aanzien van de eerste pijler "Het aanpakken van ondermijnende '
    'criminaliteit":\n   - Er zijn zes nieuwe signalen van ondermijning besproken tijdens het '
    "casusoverleg.\n"
)


@router.get(
    "/reports/terugblik",
    operation_id="getTerugblik",
    summary="The terugblik of a council letter",
    response_model=LookBack,
    responses={**content(DOCX, MARKDOWN, examples={MARKDOWN: MARKDOWN_EXAMPLE}), **problems(406)},
)
def get_terugblik(
    request: Request,
    caller: AnalystClient,
    session: SessionDep,
    plan: PlanQuery = None,
    starts_on: FromParam = None,
    ends_on: ToParam = None,
    period: PeriodParam = None,
    export_format: TerugblikFormatParam = None,
    charts: Annotated[
        bool,
        Query(
            description="DOCX only: the progress chart of the window follows the text.",
            examples=[True],
        ),
    ] = False,
) -> Any:
    """The look-back section of a council letter over the window, per pillar of the plan: the
    figures (`{key, value}`) and Dutch sentences in the letter's style, numbers in words —
    signals discussed in the casusoverleg (dated by `discussedOn`), Meld Misdaad Anoniem tips,
    integrale controles with the businesses inspected and their sectors, bestuurlijke
    rapportages per theme with the measures that followed (withdrawn measures left out), other
    inspections, campaigns per month, and milestone updates with their notes.

    The window defaults to the plan (open ends filled from it); it is not clipped, so records
    before or after the plan count too, but a window wholly outside the plan is `400` on the
    parameter given (`period`, `from` or `to`), as on progress. `Accept` or `format=`:
    `text/markdown` gives the text alone, DOCX the section in the letter's layout (with
    `charts=true` the progress chart after it). Counts only; no personal data (campaign
    titles are not used; organisations are)."""
    media_type = choose(request, (JSON, DOCX, MARKDOWN), export_format)
    chosen = plan_for_query(session, plan) or current_plan(session)
    window = parse_window(starts_on, ends_on, period)
    within_plan(window, chosen.code, chosen.starts_on, chosen.ends_on)
    window = window.filled(chosen.starts_on, chosen.ends_on)
    report = look_back(session, chosen, window, caller=caller, export=media_type)
    if media_type == MARKDOWN:
        return Response(markdown(report), media_type="text/markdown; charset=utf-8")
    if media_type == DOCX:
        chart = progress.progress(session, chosen.code, window, caller=caller) if charts else None
        return exports.terugblik(report, chart)
    return report
