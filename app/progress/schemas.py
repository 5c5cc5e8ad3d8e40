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


class PillarProgress(ApiModel):
    code: str = Field(description="The pillar's code.", examples=["p1"])
    title: str = Field(
        description="The pillar's title.",
        examples=["Het aanpakken van ondermijnende criminaliteit"],
    )
    indicators: list[IndicatorProgress] = Field(
        description="Progress of each indicator of the pillar."
    )


class ProgressReport(ApiModel):
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    starts_on: dt.date = Field(
        description="First day of the window (inclusive).", alias="from", examples=["2023-01-01"]
    )
    ends_on: dt.date = Field(
        description="Last day of the window (inclusive).", alias="to", examples=["2023-04-30"]
    )
    pillars: list[PillarProgress] = Field(description="Progress per pillar of the plan.")


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
    groups: list[dict[str, Any]] = Field(
        description="One object per group: the `groupBy` keys with their values, `count`, and "
        "for inspections `businessesInspected`.",
        examples=[[{"kind": "integrale-controle", "month": "2023-02", "count": 2}]],
    )
    total: int = Field(description="Records in the window.", examples=[3])
    businesses_inspected: int | None = Field(
        default=None, description="Inspections only: businesses inspected in the window."
    )
