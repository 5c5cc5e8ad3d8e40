"""Keyset (cursor) paging, with the `Link: rel="next"` header: over UUIDv7 ids, newest
first, or over a sort key and the id (the record lists' `sort=`)."""

import base64
import binascii
import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import Select, literal, tuple_

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


def _not_a_cursor() -> InvalidInput:
    return InvalidInput.one("cursor", "cursor", "Not a cursor this API handed out.")


def encode_sorted_cursor(sort: str, key: Any, last_id: uuid.UUID) -> str:
    """The position after a row under `sort`: the sort named, the row's key and its id."""
    text = key.isoformat() if isinstance(key, date | datetime) else str(key)
    payload = json.dumps([sort, text, last_id.hex], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_sorted_cursor(cursor: str, sort: str, key_type: type) -> tuple[Any, uuid.UUID]:
    """The key and id a cursor holds; a cursor made under another `sort` is 400, since its
    position means nothing in this order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_under, text, hex_id = json.loads(raw)
        last_id = uuid.UUID(hex=hex_id)
        if not isinstance(made_under, str) or not isinstance(text, str):
            raise _not_a_cursor()
    except (binascii.Error, ValueError, TypeError) as error:
        raise _not_a_cursor() from error
    if made_under != sort:
        raise InvalidInput.one(
            "cursor",
            "other-sort",
            f"This cursor pages the list under `sort={made_under}`; use it with that sort.",
        )
    try:
        key: Any = key_type.fromisoformat(text) if key_type in (date, datetime) else text
    except ValueError as error:
        raise _not_a_cursor() from error
    return key, last_id


def paginate_sorted(
    statement: Select[Any],
    key_column: Any,
    id_column: Any,
    *,
    descending: bool,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> Select[Any]:
    """Ordered by (key, id), a page after the position `after`: a row comparison, so that an
    index on (…, key, id) seeks straight to it and rows inserted meanwhile never shift pages."""
    row = tuple_(key_column, id_column)
    if after is not None:
        position = tuple_(literal(after[0], key_column.type), literal(after[1], id_column.type))
        statement = statement.where(row < position if descending else row > position)
    if descending:
        return statement.order_by(key_column.desc(), id_column.desc()).limit(limit + 1)
    return statement.order_by(key_column.asc(), id_column.asc()).limit(limit + 1)


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
