"""Keyset (cursor) paging over UUIDv7 ids, newest first, with the `Link: rel="next"` header."""

import base64
import binascii
import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import Select

from app.problems import InvalidInput

MAX_LIMIT = 200

LimitParam = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.", examples=[50]),
]
CursorParam = Annotated[
    str | None,
    Query(
        max_length=100,
        description="The `nextCursor` of the previous page.",
        examples=["AZLIpFjzek6b3l9KHCs9Tg"],
    ),
]


def encode_cursor(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return uuid.UUID(bytes=raw)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput.one("cursor", "cursor", "Not a cursor this API handed out.") from error


def paginate(statement: Select[Any], id_column: Any, cursor: str | None, limit: int) -> Select[Any]:
    """Newest first; the page after `cursor` starts below it, so inserts never shift pages."""
    if cursor is not None:
        statement = statement.where(id_column < decode_cursor(cursor))
    return statement.order_by(id_column.desc()).limit(limit + 1)


def split_page(rows: list[Any], limit: int, id_of: Any) -> tuple[list[Any], str | None]:
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(id_of(rows[-1]))
    return rows, None


def set_next_link(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is None:
        return
    url = request.url.include_query_params(cursor=next_cursor)
    response.headers["Link"] = f'<{url}>; rel="next"'
