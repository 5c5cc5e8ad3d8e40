"""`Idempotency-Key` on POST: a repeat gets the first response; another body is a 409."""

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.db import utcnow
from app.problems import Conflict
from app.records.models import IdempotencyKey


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]
    location: str | None
    replayed: bool


def request_hash(method: str, path: str, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def run_once(
    session: Session,
    client_id: uuid.UUID | None,
    key: str | None,
    method: str,
    path: str,
    payload: Any,
    keep: timedelta,
    produce: Callable[[], tuple[int, dict[str, Any], str | None]],
) -> StoredResponse:
    """Runs `produce` once per (client, key); repeats get the stored first response.

    The key row is claimed with INSERT … ON CONFLICT DO NOTHING in the request's own
    transaction: a concurrent repeat waits on the unique key until the first commits (or
    rolls back, when the first failed and nothing is remembered)."""
    if key is None or client_id is None:  # None: a person (no client row to key it by)
        return StoredResponse(*produce(), replayed=False)
    digest = request_hash(method, path, payload)
    now = utcnow()
    table: Any = IdempotencyKey.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claimed = session.execute(
        dialect.insert(table)
        .values(
            client_id=client_id,
            key=key,
            request_hash=digest,
            method=method,
            path=path,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["client_id", "key"])
        .returning(table.c.key)
    ).first()
    if claimed is None:
        existing = session.get(IdempotencyKey, (client_id, key), populate_existing=True)
        assert existing is not None
        if existing.created_at >= now - keep:
            if existing.request_hash != digest:
                raise Conflict(
                    "This Idempotency-Key was used before with another request; "
                    "use a new key for a new request."
                )
            if existing.status_code is None or existing.response_body is None:
                raise Conflict("A request with this Idempotency-Key is still being handled.")
            return StoredResponse(
                existing.status_code, existing.response_body, existing.location, replayed=True
            )
        # Expired: the key may be used afresh.
        existing.request_hash, existing.method, existing.path = digest, method, path
        existing.created_at, existing.status_code, existing.response_body = now, None, None
        session.add(existing)
        session.flush()
    status_code, body, location = produce()
    session.execute(
        update(IdempotencyKey)
        .where(col(IdempotencyKey.client_id) == client_id, col(IdempotencyKey.key) == key)
        .values(status_code=status_code, response_body=body, location=location)
    )
    return StoredResponse(status_code, body, location, replayed=False)
