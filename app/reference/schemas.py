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
