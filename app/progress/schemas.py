"""Request and response bodies of progress, series, statistics and the indicator admin."""

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import Field

from app.indicators.schemas import NOTE_DESCRIPTION, IndicatorKind, MilestoneStatus, Target
from app.records.registry import RecordResource
from app.schemas import ApiModel


class ProgressStatus(StrEnum):
    OP_SCHEMA = "op-schema"
    ACHTER = "achter"
    GEEN_DOEL = "geen-doel"
    NIET_GESTART = "niet-gestart"
    GESTART = "gestart"
    AFGEROND = "afgerond"


class Interval(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class UpdateInWindow(ApiModel):
    date: dt.date = Field(examples=["2023-02-15"])
    status: MilestoneStatus = Field(examples=["gestart"])
    note: str | None = Field(default=None, description=NOTE_DESCRIPTION)


class Breakdown(ApiModel):
    """One part of a count indicator's `actual` (`groupBy=partner` or `groupBy=theme`)."""

    partner: str | None = Field(default=None, examples=["politie"])
    theme: str | None = Field(default=None, examples=["drugs"])
    actual: int = Field(examples=[2])


class PreviousWindow(ApiModel):
    """The same indicator over the window compared with (`compare=`)."""

    starts_on: dt.date = Field(alias="from", examples=["2022-01-01"])
    ends_on: dt.date = Field(alias="to", examples=["2022-04-30"])
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
    count_indicators: int = Field(description="Count indicators of the pillar.", examples=[4])
    on_schedule: int = Field(
        description="Count indicators whose status is `op-schema`.", examples=[1]
    )
    milestones: int = Field(description="Milestone indicators of the pillar.", examples=[6])
    completed: int = Field(description="Milestones `afgerond` at the window's end.", examples=[0])


class IndicatorProgress(ApiModel):
    code: str = Field(examples=["p1-integrale-controles"])
    title: str = Field(examples=["Integrale bedrijvencontroles"])
    kind: IndicatorKind
    theme: str | None = Field(examples=["ondermijnende-bedrijvigheid"])
    target: Target | None
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
    code: str = Field(examples=["p1"])
    title: str = Field(examples=["Het aanpakken van ondermijnende criminaliteit"])
    summary: PillarSummary
    indicators: list[IndicatorProgress]


class ProgressGroup(StrEnum):
    PARTNER = "partner"
    THEME = "theme"


class Compare(StrEnum):
    PREVIOUS_PERIOD = "previous-period"
    PREVIOUS_YEAR = "previous-year"


class ProgressReport(ApiModel):
    plan: str = Field(examples=["2023-2024"])
    starts_on: dt.date = Field(alias="from", examples=["2023-01-01"])
    ends_on: dt.date = Field(alias="to", examples=["2023-04-30"])
    group_by: ProgressGroup | None = Field(default=None, examples=["partner"])
    compare: Compare | None = Field(default=None, examples=["previous-year"])
    pillars: list[PillarProgress]


class SeriesPoint(ApiModel):
    period: str = Field(examples=["2023-04"])
    starts_on: dt.date = Field(alias="from", examples=["2023-04-01"])
    ends_on: dt.date = Field(alias="to", examples=["2023-04-30"])
    actual: int = Field(description="Counted in this interval.", examples=[1])
    cumulative_actual: int = Field(description="Counted from the window's start.", examples=[3])
    expected: float | None = Field(
        description="Cumulative expected from the window's start to this interval's end.",
        examples=[3.287671232876712],
    )


class SeriesReport(ApiModel):
    indicator: str = Field(examples=["p1-integrale-controles"])
    plan: str = Field(examples=["2023-2024"])
    starts_on: dt.date = Field(alias="from", examples=["2023-01-01"])
    ends_on: dt.date = Field(alias="to", examples=["2023-04-30"])
    interval: Interval
    target: Target | None
    points: list[SeriesPoint]


class StatisticsReport(ApiModel):
    resource: RecordResource
    starts_on: dt.date | None = Field(alias="from", examples=["2023-01-01"])
    ends_on: dt.date | None = Field(alias="to", examples=["2023-04-30"])
    date_field: str = Field(examples=["occurredOn"])
    group_by: list[str] = Field(examples=[["kind", "month"]])
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
