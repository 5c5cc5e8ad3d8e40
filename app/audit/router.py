"""Reading the audit log (admin); there is no endpoint that changes it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.access.dependencies import AdminClient
from app.audit.schemas import AuditEventRead, Outcome
from app.audit.service import list_audit_events
from app.db import SessionDep
from app.pagination import CursorParam, LimitParam, set_next_link, split_page
from app.schemas import IsoMoment, Page

router = APIRouter(prefix="/audit-events", tags=["Audit"])


@router.get("", operation_id="listAuditEvents", summary="List audit log entries")
def list_audit(
    caller: AdminClient,
    session: SessionDep,
    request: Request,
    response: Response,
    action: Annotated[
        str | None, Query(max_length=40, description="Only this action.", examples=["update"])
    ] = None,
    resource: Annotated[
        str | None, Query(max_length=60, description="Only this resource.", examples=["signals"])
    ] = None,
    record_id: Annotated[
        str | None,
        Query(
            alias="recordId",
            max_length=64,
            description="Only entries about this record.",
            examples=["0190c8a4-2222-7a4e-9bde-5f4a1c2b3d4e"],
        ),
    ] = None,
    client_id: Annotated[
        uuid.UUID | None,
        Query(
            alias="clientId",
            description="Only entries of this client.",
            examples=["0190c8a4-1111-7a4e-9bde-5f4a1c2b3d4e"],
        ),
    ] = None,
    outcome: Annotated[
        Outcome | None, Query(description="Only this outcome.", examples=["denied"])
    ] = None,
    from_: Annotated[
        IsoMoment | None,
        Query(
            alias="from",
            description="Entries at or after this moment (with offset).",
            examples=["2024-01-01T00:00:00Z"],
        ),
    ] = None,
    to: Annotated[
        IsoMoment | None,
        Query(
            description="Entries at or before this moment (with offset).",
            examples=["2024-12-31T23:59:59Z"],
        ),
    ] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[AuditEventRead]:
    """Who did what, when, and with which outcome; newest first."""
    filters = {
        "action": action,
        "resource": resource,
        "record_id": record_id,
        "client_id": client_id,
        "outcome": outcome.value if outcome else None,
        "from": from_,
        "to": to,
    }
    rows, next_cursor = split_page(
        list_audit_events(session, filters, cursor, limit, by=caller), limit, lambda e: e.id
    )
    set_next_link(request, response, next_cursor)
    return Page(items=[AuditEventRead.model_validate(e) for e in rows], next_cursor=next_cursor)
