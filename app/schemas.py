"""Base classes for the JSON the API speaks: lowerCamelCase, unknown properties refused."""

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.vocabularies.labels import LabelledEnum

T = TypeVar("T")

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def _written_as(pattern: re.Pattern[str], shape: str) -> Callable[[Any], Any]:
    """Pydantic also takes a number (`0`, `"0.5"`) as a Unix time for a date or a moment;
    the contract says ISO 8601, so only that is accepted."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.match(value.strip()):
            raise ValueError(f"Write it as ISO 8601: `{shape}`.")
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"Write it as ISO 8601: `{shape}`, not a number.")
        return value

    return check


IsoDate = Annotated[date, BeforeValidator(_written_as(_ISO_DATE, "YYYY-MM-DD"))]
IsoMoment = Annotated[
    AwareDatetime, BeforeValidator(_written_as(_ISO_DATETIME, "YYYY-MM-DDThh:mm:ss+hh:mm"))
]

_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_+")
# Words written otherwise than in lower case inside a title.
_WRITTEN = {"kvk": "KvK", "api": "API", "url": "URL", "uri": "URI", "id": "id", "ids": "ids"}


def humanize(name: str) -> str:
    """A title from a field name: `received_on` or `receivedOn` → "Received on",
    `kvk_number` → "KvK number" (not pydantic's "Receivedon")."""
    words = [word.lower() for word in _WORD_START.split(name.strip("_")) if word]
    if not words:
        return name
    shown = [_WRITTEN.get(word, word) for word in words]
    first = shown[0]
    shown[0] = first if first != words[0] else first[:1].upper() + first[1:]
    return " ".join(shown)


def field_title(name: str, _info: Any) -> str:
    return humanize(name)


class ApiModel(BaseModel):
    """Response bodies: camelCase properties."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        field_title_generator=field_title,
    )


class ApiInput(ApiModel):
    """Request bodies: camelCase properties, and an unknown property is a 400."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        from_attributes=True,
        field_title_generator=field_title,
    )


class Page(ApiModel, Generic[T]):
    """One page of a list; `nextCursor` is null on the last page."""

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # `ClientReadPage`, not pydantic's `Page[ClientRead]` (`Page_ClientRead_` in the
        # contract): ADR wants UpperCamelCase schema names.
        return "".join(getattr(param, "__name__", str(param)) for param in params) + "Page"

    items: list[T] = Field(description="The records on this page.")
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


class Confidentiality(LabelledEnum):
    """The ZGW confidentiality scale, from least to most confidential."""

    OPENBAAR = "openbaar", "Openbaar", "Voor iedereen toegankelijk."
    BEPERKT_OPENBAAR = (
        "beperkt-openbaar",
        "Beperkt openbaar",
        "Toegankelijk voor een beperkte, bekende groep buiten de eigen organisatie.",
    )
    INTERN = "intern", "Intern", "Alleen voor medewerkers van de eigen organisatie."
    ZAAKVERTROUWELIJK = (
        "zaakvertrouwelijk",
        "Zaakvertrouwelijk",
        "Alleen voor wie bij de behandeling van de zaak betrokken is.",
    )
    VERTROUWELIJK = (
        "vertrouwelijk",
        "Vertrouwelijk",
        "Alleen voor een beperkte kring binnen de betrokken organisaties (standaard).",
    )
    CONFIDENTIEEL = (
        "confidentieel",
        "Confidentieel",
        "Kennisname door onbevoegden kan de belangen van de betrokken organisaties schaden.",
    )
    GEHEIM = "geheim", "Geheim", "Kennisname door onbevoegden kan de belangen ernstig schaden."
    ZEER_GEHEIM = (
        "zeer-geheim",
        "Zeer geheim",
        "Kennisname door onbevoegden kan de belangen zeer ernstig schaden; het hoogste niveau.",
    )

    @classmethod
    def up_to(cls, ceiling: "Confidentiality | str") -> list[str]:
        levels = [level.value for level in cls]
        return levels[: levels.index(str(ceiling)) + 1]


class Role(LabelledEnum):
    """What a client or person may do (SPEC §7)."""

    PARTNER = (
        "partner",
        "Partner",
        "Meldt gebeurtenissen en records namens de eigen partner; leest en wijzigt "
        "alleen die; leest de voortgang.",
    )
    COORDINATOR = (
        "coordinator",
        "Coördinator",
        "Leest en wijzigt alle records, verwijdert, meldt mijlpalen; leest de voortgang.",
    )
    ANALYST = "analyst", "Analist", "Voortgang, statistieken, terugblik en exports; geen records."
    ADMIN = "admin", "Beheerder", "Alles, en daarnaast clients, referentiedata en het auditlog."
