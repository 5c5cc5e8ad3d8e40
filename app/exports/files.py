"""Export responses: the bytes with their media type and a file name that carries the window."""

import datetime as dt

from fastapi.responses import Response

from app.exports.formats import EXTENSIONS, PNG, SVG
from app.progress.media import CSV, MARKDOWN


def window_name(starts_on: dt.date | None, ends_on: dt.date | None) -> str:
    """`2023-01-01-2023-04-30`; an open end is `begin` or `eind`, no window at all `alles`."""
    if starts_on is None and ends_on is None:
        return "alles"
    return f"{starts_on or 'begin'}-{ends_on or 'eind'}"


def download(content: bytes, media_type: str, stem: str) -> Response:
    """Tables and documents are attachments; charts show in the browser (`inline`), both
    named `stem.extension`."""
    disposition = "inline" if media_type in (SVG, PNG) else "attachment"
    charset = "; charset=utf-8" if media_type in (CSV, MARKDOWN, SVG) else ""
    return Response(
        content,
        media_type=media_type + charset,
        headers={
            "Content-Disposition": f'{disposition}; filename="{stem}.{EXTENSIONS[media_type]}"'
        },
    )
