"""Bodies of the indicator endpoints: indicators with their targets and counting rules, and
milestone updates."""

import datetime as dt
import uuid
from typing import Any

from pydantic import Field, model_validator

from app.records.registry import RecordResource
from app.schemas import ApiInput, ApiModel
from app.vocabularies.labels import LabelledEnum


class MilestoneStatus(LabelledEnum):
    """How far a milestone indicator has come."""

    NIET_GESTART = "niet-gestart", "Niet gestart", "Er is nog niet aan begonnen."
    GESTART = "gestart", "Gestart", "Het werk is begonnen maar nog niet af."
    AFGEROND = "afgerond", "Afgerond", "De mijlpaal is bereikt."


class IndicatorKind(LabelledEnum):
    """What an indicator measures."""

    COUNT = (
        "count",
        "Telling",
        "Een aantal, geteld uit de records volgens de telregel, tegen een doel per jaar "
        "of per plan.",
    )
    MILESTONE = (
        "milestone",
        "Mijlpaal",
        "Een resultaat dat wel of niet bereikt is, bijgehouden met mijlpaalupdates.",
    )


class TargetPer(LabelledEnum):
    """The period a count target applies to."""

    YEAR = "year", "Per jaar", "Het doel geldt voor elk kalenderjaar van het plan."
    PLAN = "plan", "Per plan", "Het doel geldt voor de hele looptijd van het plan."


class Target(ApiModel):
    value: int = Field(description="The number to reach.", ge=0, examples=[10])
    per: TargetPer = Field(description="The period the number applies to.", examples=["year"])


class CountingRule(ApiModel):
    """How a `count` indicator is counted: which records, filtered how, counted or summed."""

    resource: str = Field(description="The record resource counted.", examples=["inspections"])
    filters: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per field, the values that count (a list field counts when any matches).",
        examples=[{"kind": ["integrale-controle"]}],
    )
    sum_field: str | None = Field(
        default=None,
        description="A numeric field to sum instead of counting records.",
        examples=[None],
    )


class IndicatorRead(ApiModel):
    code: str = Field(
        description="The indicator's code, unique within the plan.",
        examples=["p1-integrale-controles"],
    )
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    pillar: str = Field(description="The pillar's code within the plan.", examples=["p1"])
    theme: str | None = Field(
        description="The theme (code from `/themes`), if any.",
        examples=["ondermijnende-bedrijvigheid"],
    )
    title: str = Field(
        description="What the indicator measures.", examples=["Integrale bedrijvencontroles"]
    )
    kind: IndicatorKind = Field(description="What kind of indicator it is.")
    target: Target | None = Field(description="The target; null for none.")
    counting_rule: CountingRule | None = Field(
        description="How a count indicator is counted from the records; null for milestones."
    )

    @classmethod
    def from_row(cls, row: Any, plan: str, pillar: str) -> "IndicatorRead":
        target = (
            Target(value=row.target_value, per=TargetPer(row.target_per))
            if row.target_value is not None and row.target_per
            else None
        )
        rule = (
            CountingRule(
                resource=row.count_resource,
                filters=row.count_filters or {},
                sum_field=row.count_field,
            )
            if row.count_resource
            else None
        )
        return cls(
            code=row.code,
            plan=plan,
            pillar=pillar,
            theme=row.theme,
            title=row.title,
            kind=IndicatorKind(row.kind),
            target=target,
            counting_rule=rule,
        )


NOTE_DESCRIPTION = (
    "What was done, in a sentence for the council: shown in progress and the terugblik, so "
    "it must hold no personal data."
)


class MilestoneUpdateCreate(ApiInput):
    date: dt.date = Field(
        description="Date the milestone reached this status.", examples=["2023-02-15"]
    )
    status: MilestoneStatus = Field(
        description="The milestone's status from that date.", examples=["gestart"]
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description=NOTE_DESCRIPTION,
        examples=["Het RIEC heeft geïnventariseerd welke stappen de APV ondermijningsproof maken."],
    )


class MilestoneUpdateRead(ApiModel):
    id: uuid.UUID = Field(description="The update's id.")
    indicator: str = Field(
        description="The indicator's code.", examples=["p2-apv-ondermijningsproof"]
    )
    date: dt.date = Field(
        description="Date the milestone reached this status.", examples=["2023-02-15"]
    )
    status: MilestoneStatus = Field(
        description="The milestone's status from that date.", examples=["gestart"]
    )
    note: str | None = Field(description=NOTE_DESCRIPTION)
    created_at: dt.datetime = Field(description="When the update was registered (UTC).")


class CountingRuleInput(ApiInput):
    resource: RecordResource = Field(
        description="The record resource counted.", examples=["inspections"]
    )
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
    value: int = Field(
        strict=True, description="The number to reach.", ge=0, le=1_000_000, examples=[10]
    )
    per: str = Field(
        description="The period the number applies to: `year` or `plan`.",
        pattern="^(year|plan)$",
        examples=["year"],
    )


class IndicatorCreate(ApiInput):
    code: str = Field(
        description="The indicator's code, unique within the plan.",
        min_length=2,
        max_length=80,
        pattern="^[a-z0-9]+(-[a-z0-9]+)*$",
        examples=["p1-drugsacties"],
    )
    plan: str | None = Field(
        default=None,
        max_length=40,
        description="Default: the current plan.",
        examples=["2023-2024"],
    )
    pillar: str = Field(
        description="The pillar's code within the plan.", max_length=20, examples=["p1"]
    )
    theme: str | None = Field(
        description="The theme (code from `/themes`), if any.",
        default=None,
        max_length=60,
        examples=["drugs"],
    )
    title: str = Field(
        description="What the indicator measures.",
        min_length=1,
        max_length=300,
        examples=["Wijkgerichte drugsacties"],
    )
    kind: IndicatorKind = Field(description="What kind of indicator it is.", examples=["count"])
    target: TargetInput | None = Field(default=None, description="The target; null for none.")
    counting_rule: CountingRuleInput | None = Field(
        default=None,
        description="How a count indicator is counted from the records; null for milestones.",
    )

    @model_validator(mode="after")
    def rule_fits_kind(self) -> "IndicatorCreate":
        if self.kind == IndicatorKind.COUNT and self.counting_rule is None:
            raise ValueError("A `count` indicator needs a `countingRule`.")
        if self.kind == IndicatorKind.MILESTONE and (self.counting_rule or self.target):
            raise ValueError("A `milestone` has neither `countingRule` nor `target`.")
        return self


class IndicatorUpdate(ApiInput):
    """A JSON merge patch: absent properties stay, `null` clears."""

    title: str | None = Field(
        description="What the indicator measures.", default=None, min_length=1, max_length=300
    )
    theme: str | None = Field(
        description="The theme (code from `/themes`), if any.", default=None, max_length=60
    )
    pillar: str | None = Field(
        description="The pillar's code within the plan.", default=None, max_length=20
    )
    target: TargetInput | None = Field(default=None, description="The target; null for none.")
    counting_rule: CountingRuleInput | None = Field(
        default=None,
        description="How a count indicator is counted from the records; null for milestones.",
    )
