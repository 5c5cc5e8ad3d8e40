"""The aggregates as tables: rows flattened from the response models, written as CSV (UTF-8
with a BOM) or as an Excel workbook with typed cells (openpyxl)."""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from pydantic import BaseModel

from app.exports.formats import xml_text
from app.progress.media import csv_text
from app.progress.schemas import (
    IndicatorProgress,
    PillarProgress,
    ProgressReport,
    SeriesPoint,
    SeriesReport,
    StatisticsReport,
)
from app.records.registry import BY_RESOURCE, RECORD_TYPES

Row = dict[str, Any]
WINDOW = ("from", "to")


def scalars(model: BaseModel | None, cls: type[BaseModel], prefix: str = "") -> Row:
    """The model's scalar fields by alias (camelCase), nested models flattened into
    `prefixField` columns and lists left out, so that fields added to a response model get a
    column of their own. `model` None gives the columns, empty."""
    row: Row = {}
    for name, field in cls.model_fields.items():
        alias = field.alias or name
        key = prefix + alias[:1].upper() + alias[1:] if prefix else alias
        value = getattr(model, name, None) if model is not None else None
        if _is_list(field.annotation):
            continue
        nested = _model_class(field.annotation)
        if nested is not None:
            row.update(scalars(value, nested, key))
        else:
            row[key] = value.value if isinstance(value, Enum) else value
    return row


def _model_class(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_list(annotation: Any) -> bool:
    return any(
        getattr(candidate, "__origin__", None) in (list, tuple, set)
        for candidate in (annotation, *getattr(annotation, "__args__", ()))
    )


def _window_first(row: Row) -> Row:
    return {**{key: row.get(key) for key in WINDOW}, **row}


def progress_rows(report: ProgressReport) -> list[Row]:
    """One row per indicator: the window, the plan, its pillar, then the indicator."""
    head = scalars(report, type(report))
    rows = []
    for pillar in report.pillars:
        pillar_columns = scalars(pillar, type(pillar), "pillar")
        for indicator in pillar.indicators:
            rows.append(
                _window_first({**head, **pillar_columns, **scalars(indicator, type(indicator))})
            )
    return rows


def series_rows(report: SeriesReport) -> list[Row]:
    """One row per interval: the window, the indicator, then the interval."""
    head = scalars(report, type(report))
    rows = []
    for point in report.points:
        columns = scalars(point, type(point))
        columns["periodFrom"] = columns.pop("from")
        columns["periodTo"] = columns.pop("to")
        rows.append(_window_first({**head, **columns}))
    return rows


# The report's totals: each row carries its group's `count` and the resource's sums, so the
# totals are no columns; nor is another resource's sum (null: `participants` of inspections).
REPORT_TOTALS = frozenset(
    {"total", *(name for t in RECORD_TYPES for name in t.counting.reported_sums)}
)


def _statistics_head(report: StatisticsReport) -> Row:
    head = scalars(report, type(report))
    return {key: value for key, value in head.items() if key not in REPORT_TOTALS}


def statistics_rows(report: StatisticsReport) -> list[Row]:
    """One row per group: the window, the resource, then the group's keys and counts."""
    head = _statistics_head(report)
    return [_window_first({**head, **group}) for group in report.groups]


def empty_progress_row(report: ProgressReport) -> Row:
    pillar, indicator = PillarProgress, IndicatorProgress
    return _window_first(
        {
            **scalars(report, type(report)),
            **scalars(None, pillar, "pillar"),
            **scalars(None, indicator),
        }
    )


def empty_series_row(report: SeriesReport) -> Row:
    columns = scalars(None, SeriesPoint)
    columns["periodFrom"] = columns.pop("from")
    columns["periodTo"] = columns.pop("to")
    return _window_first({**scalars(report, type(report)), **columns})


def empty_statistics_row(report: StatisticsReport) -> Row:
    sums = dict.fromkeys(BY_RESOURCE[report.resource.value].counting.reported_sums)
    head = _statistics_head(report)
    return _window_first({**head, **dict.fromkeys(report.group_by), "count": None, **sums})


def columns_of(rows: Sequence[Row], empty: Row) -> list[str]:
    """Every key of the rows in first-seen order; the empty row's when there are none."""
    seen: dict[str, None] = {}
    for row in rows or [empty]:
        seen.update(dict.fromkeys(row))
    return list(seen)


def csv_file(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the accents right."""
    text = csv_text(
        columns, ({key: _csv_value(value) for key, value in row.items()} for row in rows)
    )
    return text.encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):  # as in JSON, not Python's `True`
        return "true" if value else "false"
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


PERCENT = "0.0%"
DECIMAL = "0.00"
INTEGER = "0"
DATE = "yyyy-mm-dd"


def _number_format(column: str, value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, float):
        return PERCENT if column.lower().endswith("ratio") else DECIMAL
    if isinstance(value, int):
        return INTEGER
    return None


def xlsx_file(sheet_title: str, columns: Sequence[str], rows: Sequence[Row]) -> bytes:
    """A workbook of one sheet: a bold header row, frozen under it, columns sized to their
    content; numbers, dates and ratios (as percentages) typed, text stored as text."""
    # Imported here, not at the top: see app/exports/service.py.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    workbook.properties.title = sheet_title
    workbook.properties.creator = "Ondermijningsmonitor"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column) for column in columns]
    for number, row in enumerate(rows, start=2):
        for position, column in enumerate(columns):
            value = row.get(column)
            cell = sheet.cell(row=number, column=position + 1)
            if isinstance(value, str):
                # Stored as a string cell, never parsed as a formula (formula injection).
                cell.value = xml_text(value)
                cell.data_type = "s"
                widths[position] = max(widths[position], len(value))
            elif value is not None:
                cell.value = value
                number_format = _number_format(column, value)
                if number_format is not None:
                    cell.number_format = number_format
                widths[position] = max(widths[position], 10 if number_format == DATE else 8)
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    # Printed, the table is as wide as a landscape page, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
