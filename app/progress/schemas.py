"""Request and response bodies of progress, series, statistics and the indicator admin."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from app.records.registry import RecordResource
from app.reference.schemas import IndicatorKind, Target
from app.schemas import ApiInput, ApiModel


class MilestoneStatus(StrEnum):
    NIET_GESTART = "niet-gestart"
    GESTART = "gestart"
    AFGEROND = "afgerond"


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


NOTE_DESCRIPTION = (
    "What was done, in a sentence for the council: shown in progress and the terugblik, so "
    "it must hold no personal data."
)


class MilestoneUpdateCreate(ApiInput):
    date: dt.date = Field(examples=["2023-02-15"])
    status: MilestoneStatus = Field(examples=["gestart"])
    note: str | None = Field(
        default=None,
        max_length=2000,
        description=NOTE_DESCRIPTION,
        examples=["Het RIEC heeft geïnventariseerd welke stappen de APV ondermijningsproof maken."],
    )


class MilestoneUpdateRead(ApiModel):
    id: uuid.UUID
    indicator: str = Field(examples=["p2-apv-ondermijningsproof"])
    date: dt.date = Field(examples=["2023-02-15"])
    status: MilestoneStatus = Field(examples=["gestart"])
    note: str | None = Field(description=NOTE_DESCRIPTION)
    created_at: dt.datetime


class UpdateInWindow(ApiModel):
    date: dt.date = Field(examples=["2023-02-15"])
    status: MilestoneStatus = Field(examples=["gestart"])
    note: str | None = Field(default=None, description=NOTE_DESCRIPTION)


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


class PillarProgress(ApiModel):
    code: str = Field(examples=["p1"])
    title: str = Field(examples=["Het aanpakken van ondermijnende criminaliteit"])
    indicators: list[IndicatorProgress]


class ProgressReport(ApiModel):
    plan: str = Field(examples=["2023-2024"])
    starts_on: dt.date = Field(alias="from", examples=["2023-01-01"])
    ends_on: dt.date = Field(alias="to", examples=["2023-04-30"])
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
    groups: list[dict[str, Any]] = Field(
        description="One object per group: the `groupBy` keys with their values, `count`, and "
        "for inspections `businessesInspected`.",
        examples=[[{"kind": "integrale-controle", "month": "2023-02", "count": 2}]],
    )
    total: int = Field(description="Records in the window.", examples=[3])
    businesses_inspected: int | None = Field(
        default=None, description="Inspections only: businesses inspected in the window."
    )


class CountingRuleInput(ApiInput):
    resource: RecordResource = Field(examples=["inspections"])
    filters: dict[str, list[str]] = Field(
        default_factory=dict,
        max_length=10,
        description="Per field (API name), the values that count; a list field such as "
        "`audiences` counts when any value matches.",
        examples=[{"kind": ["integrale-controle"]}],
    )
    sum_field: str | None = Field(
        default=None,
        max_length=60,
        description="A numeric field to sum instead of counting records.",
        examples=["businessesInspected"],
    )


class TargetInput(ApiInput):
    value: int = Field(ge=0, le=1_000_000, examples=[10])
    per: str = Field(pattern="^(year|plan)$", examples=["year"])


class IndicatorCreate(ApiInput):
    code: str = Field(
        min_length=2, max_length=80, pattern="^[a-z0-9]+(-[a-z0-9]+)*$", examples=["p1-drugsacties"]
    )
    plan: str | None = Field(
        default=None,
        max_length=40,
        description="Default: the current plan.",
        examples=["2023-2024"],
    )
    pillar: str = Field(max_length=20, examples=["p1"])
    theme: str | None = Field(default=None, max_length=60, examples=["drugs"])
    title: str = Field(min_length=1, max_length=300, examples=["Wijkgerichte drugsacties"])
    kind: IndicatorKind = Field(examples=["count"])
    target: TargetInput | None = None
    counting_rule: CountingRuleInput | None = None

    @model_validator(mode="after")
    def rule_fits_kind(self) -> "IndicatorCreate":
        if self.kind == IndicatorKind.COUNT and self.counting_rule is None:
            raise ValueError("A `count` indicator needs a `countingRule`.")
        if self.kind == IndicatorKind.MILESTONE and (self.counting_rule or self.target):
            raise ValueError("A `milestone` has neither `countingRule` nor `target`.")
        return self


class IndicatorUpdate(ApiInput):
    """A JSON merge patch: absent properties stay, `null` clears."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    theme: str | None = Field(default=None, max_length=60)
    pillar: str | None = Field(default=None, max_length=20)
    target: TargetInput | None = None
    counting_rule: CountingRuleInput | None = None
