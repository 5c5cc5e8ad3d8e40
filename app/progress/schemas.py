"""Request and response bodies of progress, series, statistics and the indicator admin."""

import datetime as dt
from typing import Any

from pydantic import Field

from app.indicators.schemas import NOTE_DESCRIPTION, IndicatorKind, MilestoneStatus, Target
from app.records.registry import RecordResource
from app.schemas import ApiModel
from app.vocabularies.labels import LabelledEnum


class ProgressStatus(LabelledEnum):
    """How an indicator stands against its target in a window."""

    OP_SCHEMA = (
        "op-schema",
        "Op schema",
        "De telling ligt op of boven het naar rato berekende doel.",
    )
    ACHTER = "achter", "Achter op schema", "De telling ligt onder het naar rato berekende doel."
    GEEN_DOEL = (
        "geen-doel",
        "Geen doel",
        "Er is geen doel gesteld; alleen de telling wordt getoond.",
    )
    NIET_GESTART = "niet-gestart", "Niet gestart", "De mijlpaal is nog niet gestart."
    GESTART = "gestart", "Gestart", "De mijlpaal is gestart maar nog niet bereikt."
    AFGEROND = "afgerond", "Afgerond", "De mijlpaal is bereikt."


class Interval(LabelledEnum):
    """The length of one point of a series."""

    MONTH = "month", "Maand", "Eén punt per kalendermaand."
    QUARTER = "quarter", "Kwartaal", "Eén punt per kwartaal."
    YEAR = "year", "Jaar", "Eén punt per kalenderjaar."


class UpdateInWindow(ApiModel):
    date: dt.date = Field(description="Date of the milestone update.", examples=["2023-02-15"])
    status: MilestoneStatus = Field(description="The status from that date.", examples=["gestart"])
    note: str | None = Field(default=None, description=NOTE_DESCRIPTION)


class Breakdown(ApiModel):
    """One part of a count indicator's `actual` (`groupBy=partner` or `groupBy=theme`)."""

    partner: str | None = Field(
        default=None,
        description="With `groupBy=partner`: the partner (code from `/partners`) that registered "
        "the records; null with `groupBy=theme`.",
        examples=["politie"],
    )
    theme: str | None = Field(
        default=None,
        description="With `groupBy=theme`: the records' theme (code from `/themes`), null for "
        "records without one; null with `groupBy=partner`.",
        examples=["drugs"],
    )
    actual: int = Field(
        description="Records counted (or the summed field) of this part in the window.",
        examples=[2],
    )


class PreviousWindow(ApiModel):
    """The same indicator over the window compared with (`compare=`)."""

    starts_on: dt.date = Field(
        alias="from",
        description="First day of the previous window (inclusive).",
        examples=["2022-01-01"],
    )
    ends_on: dt.date = Field(
        alias="to",
        description="Last day of the previous window (inclusive).",
        examples=["2022-04-30"],
    )
    actual: int = Field(
        description="Counted over the whole previous window, also where it lies outside the plan.",
        examples=[2],
    )
    expected: float | None = Field(
        description="The target pro-rated over the part of the previous window that lies in "
        "the plan (before the plan no target applied); null without a target or when no day "
        "of the previous window lies in the plan.",
        examples=[3.287671232876712],
    )


class PillarSummary(ApiModel):
    """How the pillar's indicators stand in the window, counted."""

    count_indicators: int = Field(description="Count indicators of the pillar.", examples=[4])
    on_schedule: int = Field(
        description="Count indicators whose status is `op-schema`.", examples=[1]
    )
    milestones: int = Field(description="Milestone indicators of the pillar.", examples=[6])
    completed: int = Field(description="Milestones `afgerond` at the window's end.", examples=[0])


class IndicatorProgress(ApiModel):
    code: str = Field(description="The indicator's code.", examples=["p1-integrale-controles"])
    title: str = Field(
        description="What the indicator measures.", examples=["Integrale bedrijvencontroles"]
    )
    kind: IndicatorKind = Field(description="What kind of indicator it is.")
    theme: str | None = Field(
        description="The theme, if any.", examples=["ondermijnende-bedrijvigheid"]
    )
    target: Target | None = Field(description="The target; null for none.")
    actual: int | None = Field(
        description="Records counted (or the summed field) in the window; null for milestones.",
        examples=[3],
    )
    expected: float | None = Field(
        description="The target pro-rated over the window; null without a target.",
        examples=[3.287671232876712],
    )
    ratio: float | None = Field(
        description="`actual` ÷ `expected`; null without a target or when expected is 0.",
        examples=[0.9125],
    )
    status: ProgressStatus = Field(
        description="`op-schema`, `achter` or `geen-doel` for counts; the milestone's status at "
        "the window's end for milestones.",
        examples=["achter"],
    )
    updates: list[UpdateInWindow] | None = Field(
        default=None, description="Milestones only: the updates dated inside the window."
    )
    breakdown: list[Breakdown] | None = Field(
        default=None,
        description="With `groupBy`, count indicators only: `actual` split per partner or "
        "theme (summing to `actual`), largest first.",
    )
    previous: PreviousWindow | None = Field(
        default=None, description="With `compare`, count indicators only."
    )


class PillarProgress(ApiModel):
    code: str = Field(description="The pillar's code.", examples=["p1"])
    title: str = Field(
        description="The pillar's title.",
        examples=["Het aanpakken van ondermijnende criminaliteit"],
    )
    indicators: list[IndicatorProgress] = Field(
        description="Progress of each indicator of the pillar."
    )
    summary: PillarSummary = Field(
        description="How many of the pillar's count indicators are on schedule, and how many of "
        "its milestones are done."
    )


class ProgressGroup(LabelledEnum):
    """How a count indicator's `actual` is split (`breakdown`)."""

    PARTNER = "partner", "Per partner", "Het aantal per partner die de records registreerde."
    THEME = "theme", "Per thema", "Het aantal per thema van de records."


class Compare(LabelledEnum):
    """The window a count indicator is compared with (`previous`)."""

    PREVIOUS_PERIOD = (
        "previous-period",
        "Vorige periode",
        "Het venster van gelijke lengte direct ervoor.",
    )
    PREVIOUS_YEAR = "previous-year", "Jaar eerder", "Hetzelfde venster een jaar eerder."


class ProgressReport(ApiModel):
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    starts_on: dt.date = Field(
        description="First day of the window (inclusive).", alias="from", examples=["2023-01-01"]
    )
    ends_on: dt.date = Field(
        description="Last day of the window (inclusive).", alias="to", examples=["2023-04-30"]
    )
    pillars: list[PillarProgress] = Field(description="Progress per pillar of the plan.")
    group_by: ProgressGroup | None = Field(
        default=None,
        description="The `groupBy` asked for: how each count indicator's `breakdown` splits "
        "`actual`; absent without.",
        examples=["partner"],
    )
    compare: Compare | None = Field(
        default=None,
        description="The `compare` asked for: the window each count indicator's `previous` "
        "covers; absent without.",
        examples=["previous-year"],
    )


class SeriesPoint(ApiModel):
    period: str = Field(
        description="The period's name (`2023-04`, `2023-Q2`, `2023`).", examples=["2023-04"]
    )
    starts_on: dt.date = Field(
        description="First day of the period.", alias="from", examples=["2023-04-01"]
    )
    ends_on: dt.date = Field(
        description="Last day of the period.", alias="to", examples=["2023-04-30"]
    )
    actual: int = Field(description="Counted in this interval.", examples=[1])
    cumulative_actual: int = Field(description="Counted from the window's start.", examples=[3])
    expected: float | None = Field(
        description="Cumulative expected from the window's start to this interval's end.",
        examples=[3.287671232876712],
    )


class SeriesReport(ApiModel):
    indicator: str = Field(description="The indicator's code.", examples=["p1-integrale-controles"])
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    starts_on: dt.date = Field(
        description="First day of the window (inclusive).", alias="from", examples=["2023-01-01"]
    )
    ends_on: dt.date = Field(
        description="Last day of the window (inclusive).", alias="to", examples=["2023-04-30"]
    )
    interval: Interval = Field(description="The length of each point.")
    target: Target | None = Field(description="The indicator's target; null for none.")
    points: list[SeriesPoint] = Field(description="One point per period.")


class StatisticsReport(ApiModel):
    resource: RecordResource = Field(description="The record resource counted.")
    starts_on: dt.date | None = Field(
        description="First day of the window; null for no bound.",
        alias="from",
        examples=["2023-01-01"],
    )
    ends_on: dt.date | None = Field(
        description="Last day of the window; null for no bound.",
        alias="to",
        examples=["2023-04-30"],
    )
    date_field: str = Field(
        description="The date field the window applies to.", examples=["occurredOn"]
    )
    group_by: list[str] = Field(
        description="The fields grouped by, in order.", examples=[["kind", "month"]]
    )
    filters: dict[str, list[str]] = Field(
        default_factory=dict,
        description="The filters applied, by parameter, with their values.",
        examples=[{"kind": ["integrale-controle"]}],
    )
    include_withdrawn: bool = Field(
        default=False,
        description="Whether records that otherwise never count (withdrawn measures) count.",
    )
    groups: list[dict[str, Any]] = Field(
        description="One object per group: the `groupBy` keys with their values (`year`, "
        "`quarter` and `month` as strings: `2023`, `2023-Q1`, `2023-04`), `count`, and the "
        "resource's sums: `businessesInspected` (inspections), `participants` (campaigns). "
        "Grouped by `audiences`, a campaign counts in the group of each of its audiences.",
        examples=[[{"kind": "integrale-controle", "month": "2023-02", "count": 2}]],
    )
    total: int = Field(
        description="Records in the window matching the filters, each counted once.", examples=[3]
    )
    businesses_inspected: int | None = Field(
        default=None, description="Inspections only: businesses inspected in the window."
    )
    participants: int | None = Field(
        default=None, description="Campaigns only: participants of the campaigns in the window."
    )
