"""Content negotiation (`Accept`) and the CSV and Markdown renderings of the aggregates."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.problems import DomainError

JSON = "application/json"
CSV = "text/csv"
MARKDOWN = "text/markdown"


class NotAcceptable(DomainError):
    status = 406
    slug = "not-acceptable"


def _accepted(header: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        media_type = pieces[0].lower()
        if not media_type:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((quality, position, media_type))
    return ranges


def negotiate(request: Request, offered: Sequence[str]) -> str:
    """The offered media type the client prefers; the first offered for `*/*` or no header;
    406 when the client accepts none of them."""
    header = request.headers.get("accept", "").strip()
    if not header:
        return offered[0]
    best: tuple[float, int, int, str] | None = None
    for quality, position, media_type in _accepted(header):
        if quality <= 0:
            continue
        for preference, candidate in enumerate(offered):
            major = candidate.split("/")[0]
            if media_type in (candidate, "*/*", f"{major}/*"):
                # Exact matches win over wildcards at equal quality.
                specificity = 0 if media_type == candidate else 1
                key = (-quality, specificity, position + preference, candidate)
                if best is None or key < best:
                    best = key
    if best is None:
        raise NotAcceptable(
            f"This resource is available as {', '.join(offered)}.", available=list(offered)
        )
    return best[3]


def _cell(value: Any) -> Any:
    """Empty for null; text that a spreadsheet would run as a formula is quoted with `'`."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


def csv_response(columns: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    return Response(
        csv_text(columns, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
