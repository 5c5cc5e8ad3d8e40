"""Response bodies of the reference data endpoints."""

from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import Field

from app.schemas import ApiModel

T = TypeVar("T")


class Collection(ApiModel, Generic[T]):
    """A complete, small list (reference data is never paged)."""

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # `PlanReadCollection`: ADR wants UpperCamelCase schema names.
        return "".join(getattr(param, "__name__", str(param)) for param in params) + "Collection"

    items: list[T]


class PlanRead(ApiModel):
    code: str = Field(examples=["2023-2024"])
    title: str = Field(examples=["Uitvoeringsplan ondermijning 2023-2024"])
    starts_on: date = Field(examples=["2023-01-01"])
    ends_on: date = Field(examples=["2024-12-31"])


class PillarRead(ApiModel):
    code: str = Field(examples=["p1"])
    plan: str = Field(examples=["2023-2024"])
    title: str = Field(examples=["Het aanpakken van ondermijnende criminaliteit"])


class ThemeRead(ApiModel):
    code: str = Field(examples=["drugs"])
    title: str = Field(examples=["Drugs"])


class PartnerRead(ApiModel):
    code: str = Field(examples=["politie"])
    name: str = Field(examples=["Politie"])


class IndicatorKind(StrEnum):
    COUNT = "count"
    MILESTONE = "milestone"


class TargetPer(StrEnum):
    YEAR = "year"
    PLAN = "plan"


class Target(ApiModel):
    value: int = Field(ge=0, examples=[10])
    per: TargetPer = Field(examples=["year"])


class CountingRule(ApiModel):
    """How a `count` indicator is counted: which records, filtered how, counted or summed."""

    resource: str = Field(examples=["inspections"])
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
    code: str = Field(examples=["p1-integrale-controles"])
    plan: str = Field(examples=["2023-2024"])
    pillar: str = Field(examples=["p1"])
    theme: str | None = Field(examples=["ondermijnende-bedrijvigheid"])
    title: str = Field(examples=["Integrale bedrijvencontroles"])
    kind: IndicatorKind
    target: Target | None
    counting_rule: CountingRule | None

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
