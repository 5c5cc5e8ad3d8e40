"""Audit entries for refused requests (SPEC §7): a record not found in the caller's scope
(`not-found`) and invalid input (`invalid`, with the names of the inputs, never their values).

The problem handlers (app/problems.py) call `audit_refusal` for every error they render;
the entry is committed on its own, after the request's session has rolled back and given
its connection back (a request never holds two pooled connections).
"""

import uuid
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.audit.service import audit_now

# Set on a NotFound by `not_found_in_scope`: (resource, record id).
_NOTE = "audit_not_found"
_ACTIONS = {"GET": "read", "POST": "create", "PATCH": "update", "PUT": "update", "DELETE": "delete"}
_DETAIL_LENGTH = 500


def not_found_in_scope(error: Exception, resource: str, record_id: uuid.UUID | str) -> Exception:
    """Marks a record lookup's 404 to be audited as `not-found`: a record that does not
    exist and one outside the caller's scope answer alike, and are logged alike."""
    setattr(error, _NOTE, (resource, str(record_id)))
    return error


def _resource_of(request: Request) -> tuple[str | None, str | None]:
    """`signals` and the id from /api/v1/signals/{id}/…, for input refused before a service."""
    parts = [part for part in request.url.path.split("/") if part]
    if parts[:2] == ["api", "v1"]:
        parts = parts[2:]
    return (parts[0] if parts else None), (parts[1][:64] if len(parts) > 1 else None)


async def audit_refusal(
    request: Request, status: int, error: Exception, invalid_params: list[Any] | None = None
) -> None:
    """Audits a 404 marked by `not_found_in_scope` and every 400 of the API."""
    note = getattr(error, _NOTE, None)
    if status == 404 and note is not None:
        resource, record_id = note
        outcome, detail = "not-found", None
    elif status == 400:
        resource, record_id = _resource_of(request)
        outcome = "invalid"
        names = [f"{param.name} ({param.code})" for param in invalid_params or ()]
        detail = ("invalid input: " + ", ".join(names))[:_DETAIL_LENGTH]
    else:
        return
    engine = getattr(request.state, "engine", None)
    if engine is None:
        return
    await run_in_threadpool(
        audit_now,
        engine,
        getattr(request.state, "caller", None),
        _ACTIONS.get(request.method, request.method.lower()),
        outcome=outcome,
        detail=detail,
        resource=resource,
        record_id=record_id,
    )
