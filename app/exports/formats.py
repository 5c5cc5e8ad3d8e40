"""The export formats: their names for `format=`, their media types, and choosing one."""

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request

from app.progress.media import CSV, JSON, MARKDOWN, negotiate
from app.vocabularies.labels import LabelledEnum

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SVG = "image/svg+xml"
PNG = "image/png"

# What XML 1.0 cannot hold, and so neither DOCX nor XLSX: the C0 controls but tab, line feed
# and carriage return, and U+FFFE and U+FFFF. Text fields take them (the JSON carries them
# escaped); in a document each is shown as U+FFFD, the replacement character.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


MEDIA_TYPES = {"csv": CSV, "xlsx": XLSX, "svg": SVG, "png": PNG, "docx": DOCX, "md": MARKDOWN}
EXTENSIONS = {media_type: name for name, media_type in MEDIA_TYPES.items()}


class ProgressFormat(LabelledEnum):
    """The formats of progress and of a series: tables and charts."""

    CSV = "csv", "CSV", "Een tabel als tekst (UTF-8 met BOM), te openen in Excel."
    XLSX = "xlsx", "Excel", "Een Excel-werkmap met getypeerde cellen."
    SVG = "svg", "Grafiek (SVG)", "Een grafiek als vectorafbeelding."
    PNG = "png", "Grafiek (PNG)", "Een grafiek als afbeelding."


class StatisticsFormat(LabelledEnum):
    """The formats of statistics: tables."""

    CSV = "csv", "CSV", "Een tabel als tekst (UTF-8 met BOM), te openen in Excel."
    XLSX = "xlsx", "Excel", "Een Excel-werkmap met getypeerde cellen."


class TerugblikFormat(LabelledEnum):
    """The formats of the terugblik: a Word document or the text alone."""

    DOCX = "docx", "Word", "De terugblik in de opmaak van de raadsinformatiebrief."
    MD = "md", "Tekst (Markdown)", "Alleen de tekst, in Markdown."


_FORMAT_DESCRIPTION = (
    "The format, for a plain download link; it wins over `Accept`. Without it, `Accept` "
    "chooses (JSON by default): "
)

ProgressFormatParam = Annotated[
    ProgressFormat | None,
    Query(
        alias="format",
        description=_FORMAT_DESCRIPTION
        + "`csv` (`text/csv`), `xlsx` (Excel), `svg` or `png` (a chart).",
        examples=["xlsx"],
    ),
]
StatisticsFormatParam = Annotated[
    StatisticsFormat | None,
    Query(
        alias="format",
        description=_FORMAT_DESCRIPTION + "`csv` (`text/csv`) or `xlsx` (Excel).",
        examples=["xlsx"],
    ),
]
TerugblikFormatParam = Annotated[
    TerugblikFormat | None,
    Query(
        alias="format",
        description=_FORMAT_DESCRIPTION + "`docx` (Word) or `md` (`text/markdown`).",
        examples=["docx"],
    ),
]


def choose(request: Request, offered: Sequence[str], name: StrEnum | None) -> str:
    """The media type named by `format=`, else the one `Accept` prefers (406 for none)."""
    if name is not None:
        return MEDIA_TYPES[name.value]
    return negotiate(request, offered)


def exported(media_type: str) -> str | None:
    """The media type to audit as an export: every format but the plain JSON read."""
    return None if media_type == JSON else media_type


_BINARY = {"schema": {"type": "string", "format": "binary"}}


def content(*media_types: str, examples: dict[str, str] | None = None) -> dict[int | str, Any]:
    """The `content` of a 200 response besides JSON (which FastAPI lists first), each media
    type with a schema, for `responses=`."""
    listed: dict[str, Any] = {}
    for media_type in media_types:
        if media_type in (CSV, MARKDOWN, SVG):
            listed[media_type] = {"schema": {"type": "string"}}
        else:
            listed[media_type] = dict(_BINARY)
        if examples and media_type in examples:
            listed[media_type]["example"] = examples[media_type]
    return {200: {"content": listed}}
