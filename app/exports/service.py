"""Exports of progress, series, statistics and the terugblik in the format asked for; the
series export is audited here (the series itself is a plain read).

matplotlib, python-docx and openpyxl take about a second together to import, so they are
imported where an export needs them, not at the start of every process (workers, the CLI)."""

import re

from fastapi.responses import Response
from sqlmodel import Session

from app.access.caller import Caller
from app.audit.service import audit_export
from app.exports import spreadsheet
from app.exports.files import download, window_name
from app.exports.formats import DOCX, EXTENSIONS, PNG, SVG, XLSX
from app.indicators.service import get_indicator_row
from app.progress.media import CSV
from app.progress.schemas import ProgressReport, SeriesReport, StatisticsReport
from app.reports.schemas import LookBack


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text)


def _table(
    rows: list[spreadsheet.Row], empty: spreadsheet.Row, media_type: str, stem: str, sheet: str
) -> Response:
    columns = spreadsheet.columns_of(rows, empty)
    if media_type == CSV:
        return download(spreadsheet.csv_file(columns, rows), CSV, stem)
    return download(spreadsheet.xlsx_file(sheet, columns, rows), XLSX, stem)


def progress(report: ProgressReport, media_type: str) -> Response:
    """CSV or XLSX (a row per indicator) or the chart per pillar (SVG, PNG)."""
    window = window_name(report.starts_on, report.ends_on)
    stem = f"voortgang-{window}"
    if media_type in (SVG, PNG):
        from app.exports.charts import progress_chart

        return download(progress_chart(report, EXTENSIONS[media_type]), media_type, stem)
    return _table(
        spreadsheet.progress_rows(report),
        spreadsheet.empty_progress_row(report),
        media_type,
        stem,
        f"Voortgang {window}",
    )


def series(
    session: Session, caller: Caller | None, report: SeriesReport, media_type: str
) -> Response:
    """CSV or XLSX (a row per interval) or the burn-up chart (SVG, PNG); audited."""
    audit_export(session, caller, f"progress/indicators/{report.indicator}/series", media_type)
    window = window_name(report.starts_on, report.ends_on)
    stem = f"burn-up-{_safe(report.indicator)}-{window}"
    if media_type in (SVG, PNG):
        title = get_indicator_row(session, report.indicator, report.plan).title
        from app.exports.charts import series_chart

        chart = series_chart(report, title, EXTENSIONS[media_type])
        return download(chart, media_type, stem)
    return _table(
        spreadsheet.series_rows(report),
        spreadsheet.empty_series_row(report),
        media_type,
        stem,
        f"Burn-up {window}",
    )


def statistics(report: StatisticsReport, media_type: str) -> Response:
    """CSV or XLSX, a row per group."""
    window = window_name(report.starts_on, report.ends_on)
    return _table(
        spreadsheet.statistics_rows(report),
        spreadsheet.empty_statistics_row(report),
        media_type,
        f"statistiek-{report.resource.value}-{window}",
        f"Statistiek {window}",
    )


def terugblik(report: LookBack, chart: ProgressReport | None) -> Response:
    """The Word document, with the progress chart after it when `chart` is given."""
    from app.exports.charts import progress_chart
    from app.exports.document import terugblik_document

    png = progress_chart(chart, "png") if chart is not None else None
    stem = f"terugblik-{window_name(report.starts_on, report.ends_on)}"
    return download(terugblik_document(report, png), DOCX, stem)
