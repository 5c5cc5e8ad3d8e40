"""Base classes for the JSON the API speaks: lowerCamelCase, unknown properties refused."""

from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class ApiModel(BaseModel):
    """Response bodies: camelCase properties."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class ApiInput(ApiModel):
    """Request bodies: camelCase properties, and an unknown property is a 400."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="forbid", from_attributes=True
    )


class Page(ApiModel, Generic[T]):
    """One page of a list; `nextCursor` is null on the last page."""

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # `ClientReadPage`, not pydantic's `Page[ClientRead]` (`Page_ClientRead_` in the
        # contract): ADR wants UpperCamelCase schema names.
        return "".join(getattr(param, "__name__", str(param)) for param in params) + "Page"

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last."
    )


class RecordPage(Page[T], Generic[T]):
    """A page of a record list; `total` only when asked for (`total=true`)."""

    total: int | None = Field(
        default=None,
        description="The number of records matching the filters; only with `total=true`.",
        examples=[31],
    )


class Confidentiality(StrEnum):
    """The ZGW confidentiality scale, from least to most confidential."""

    OPENBAAR = "openbaar"
    BEPERKT_OPENBAAR = "beperkt-openbaar"
    INTERN = "intern"
    ZAAKVERTROUWELIJK = "zaakvertrouwelijk"
    VERTROUWELIJK = "vertrouwelijk"
    CONFIDENTIEEL = "confidentieel"
    GEHEIM = "geheim"
    ZEER_GEHEIM = "zeer-geheim"

    @classmethod
    def up_to(cls, ceiling: "Confidentiality | str") -> list[str]:
        levels = [level.value for level in cls]
        return levels[: levels.index(str(ceiling)) + 1]


class Role(StrEnum):
    PARTNER = "partner"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    ADMIN = "admin"
