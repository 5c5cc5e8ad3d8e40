"""Response bodies of the reference data endpoints."""

from datetime import date
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

    items: list[T] = Field(description="Every item.")


class PlanRead(ApiModel):
    code: str = Field(description="The plan's code.", examples=["2023-2024"])
    title: str = Field(
        description="The plan's title.", examples=["Uitvoeringsplan ondermijning 2023-2024"]
    )
    starts_on: date = Field(description="First day of the plan.", examples=["2023-01-01"])
    ends_on: date = Field(description="Last day of the plan.", examples=["2024-12-31"])


class PillarRead(ApiModel):
    code: str = Field(description="The pillar's code within its plan.", examples=["p1"])
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    title: str = Field(
        description="The pillar's title.",
        examples=["Het aanpakken van ondermijnende criminaliteit"],
    )


class ThemeRead(ApiModel):
    code: str = Field(description="The theme's code.", examples=["drugs"])
    title: str = Field(description="The theme's title.", examples=["Drugs"])


class PartnerRead(ApiModel):
    code: str = Field(description="The partner's code.", examples=["politie"])
    name: str = Field(description="The partner's name.", examples=["Politie"])
