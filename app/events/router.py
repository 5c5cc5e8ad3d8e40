"""HTTP endpoints of the partner events: post one or a batch, read the inbox back."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.access.caller import Caller
from app.access.dependencies import require
from app.conventions import accepts, json_document
from app.db import SessionDep, request_engine
from app.events import queries
from app.events.intake import receive_events
from app.events.schemas import (
    MAX_BATCH,
    CloudEvent,
    EventResult,
    EventResults,
    EventStatus,
    InboxEventRead,
    StoredStatus,
)
from app.openapi import problems, registered_schema
from app.pagination import CursorParam, LimitParam, set_next_link, split_page
from app.problems import InvalidInput, PayloadTooLarge, problem_response
from app.schemas import IsoMoment, Page, Role

CLOUDEVENT = "application/cloudevents+json"
CLOUDEVENT_BATCH = "application/cloudevents-batch+json"

router = APIRouter(prefix="/events", tags=["Gebeurtenissen"])

# Partner systems post events; an admin may too (with a partner and sources of its own).
# Partner systems with API keys only: an inbox entry names its client (issue 14).
EventClient = Annotated[Caller, Depends(require(Role.PARTNER, people=False))]

_EVENT_EXAMPLE = {
    "specversion": "1.0",
    "id": "b7d3c2e0-5c1a-4f7e-9a51-0c6f1e2d3a4b",
    "source": "urn:nl:politie:zhz:bvh",
    "type": "nl.ondermijning.signal.created",
    "time": "2024-03-01T09:30:00Z",
    "subject": "BVH-2024-0042",
    "datacontenttype": "application/json",
    "data": {"channel": "partnermelding", "receivedOn": "2024-03-01", "theme": "drugs"},
}
_UPDATE_EXAMPLE = {
    **_EVENT_EXAMPLE,
    "id": "c1e4d5f6-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
    "type": "nl.ondermijning.signal.updated",
    "time": "2024-03-04T11:00:00Z",
    "data": {"status": "in-behandeling"},
}
_RECORD_ID = "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"
_INBOX_ID = "0190c8a4-1111-7a4e-9bde-5f4a1c2b3d4e"


def _result_example(status: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": _EVENT_EXAMPLE["id"],
        "source": _EVENT_EXAMPLE["source"],
        "status": status,
        "recordId": _RECORD_ID,
        "error": None,
        "inboxId": _INBOX_ID,
        "inboxStatus": "accepted",
        **fields,
    }


_REJECTION = {
    "type": "urn:nl:ondermijningsmonitor:problem:invalid-input",
    "title": "Bad Request",
    "status": 400,
    "detail": "The event's data has invalid input; see invalidParams.",
    "invalidParams": [{"name": "data.receivedOn", "code": "required", "reason": "Field required"}],
}
_BATCH_EXAMPLE = {
    "results": [
        _result_example("accepted"),
        _result_example(
            "pending",
            id=_UPDATE_EXAMPLE["id"],
            recordId=None,
            inboxId="0190c8a4-1112-7a4e-9bde-5f4a1c2b3d4e",
            inboxStatus="pending",
        ),
        _result_example(
            "rejected",
            id="d2f5e6a7-1b2c-4d3e-9f4a-5b6c7d8e9f0a",
            recordId=None,
            error=_REJECTION,
            inboxId="0190c8a4-1113-7a4e-9bde-5f4a1c2b3d4e",
            inboxStatus="rejected",
        ),
        _result_example("duplicate"),
    ]
}
_RESULT_REF = {"$ref": "#/components/schemas/EventResult"}


def _json(example: Any, schema: dict[str, Any] = _RESULT_REF) -> dict[str, Any]:
    return {"application/json": {"schema": schema, "example": example}}


_POST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A batch: the outcome of every event in input order. One event: a "
        "redelivery (`duplicate`), answered with the first delivery's outcome and record.",
        "content": {
            "application/json": {
                "schema": {"oneOf": [registered_schema(EventResults), _RESULT_REF]},
                "examples": {
                    "batch": {"summary": "A batch", "value": _BATCH_EXAMPLE},
                    "duplicate": {
                        "summary": "One event, delivered before",
                        "value": _result_example("duplicate"),
                    },
                },
            }
        },
    },
    201: {
        "description": "One event, accepted: the record was made or changed.",
        "content": _json(_result_example("accepted")),
    },
    202: {
        "description": "One `*.updated` event whose subject has no record yet: kept as "
        "`pending` and applied when its `*.created` event arrives (rejected after "
        "`PENDING_EVENT_DAYS`, 7 days).",
        "content": _json(
            _result_example(
                "pending", recordId=None, inboxStatus="pending", id=_UPDATE_EXAMPLE["id"]
            )
        ),
    },
    **problems(403, 409, 413, 415),
}


@router.post(
    "",
    operation_id="postEvents",
    summary="Post partner events (CloudEvents)",
    status_code=200,
    response_class=JSONResponse,
    responses=_POST_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                CLOUDEVENT: {
                    "schema": registered_schema(CloudEvent),
                    "examples": {
                        "created": {"summary": "A signal made", "value": _EVENT_EXAMPLE},
                        "updated": {"summary": "A signal changed", "value": _UPDATE_EXAMPLE},
                    },
                },
                CLOUDEVENT_BATCH: {
                    "schema": {
                        "type": "array",
                        "items": registered_schema(CloudEvent),
                        "minItems": 1,
                        "maxItems": MAX_BATCH,
                    },
                    "example": [_EVENT_EXAMPLE, _UPDATE_EXAMPLE],
                },
            },
        }
    },
)
async def post_events(
    caller: EventClient,
    request: Request,
    # After the role check, so that a caller who may not post learns 403 whatever it sent.
    _media: Annotated[None, Depends(accepts(CLOUDEVENT, CLOUDEVENT_BATCH))],
    # Parsed but not refused for bad bytes: each event is checked on its own (a bad one is
    # rejected and kept in the inbox, escaped), in app.events.envelope.parse_envelope.
    payload: Annotated[Any, Depends(json_document)],
) -> Response:
    """Registers what happened at a partner as CloudEvents 1.0 (NL GOV profile): one event as
    `application/cloudevents+json`, or up to 1000 as `application/cloudevents-batch+json`.

    `type` is `nl.ondermijning.<resource>.created` (data: the record's fields as in its
    POST) or `….updated` (data: a JSON merge patch as in its PATCH); `subject` is the
    partner's `externalId` of the record, and `partner` is the client's own. Only sources
    registered for the client are accepted.

    Every event is kept in the inbox with its outcome before it is answered. `(source, id)`
    is unique: a redelivery changes nothing and answers `duplicate` with the first outcome,
    so a client may retry safely. An update before its create is `pending` until the create
    arrives. In a batch each event is applied whole or not at all, and a bad event rejects
    only itself. One event answers 201, 200 (duplicate), 202 (pending) or a problem (the
    rejection, also readable later with `GET /events?status=rejected`)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == CLOUDEVENT_BATCH:
        if not isinstance(payload, list) or not payload:
            raise InvalidInput.one(
                "body", "array", "A batch is a non-empty JSON array of CloudEvents."
            )
        if len(payload) > MAX_BATCH:
            raise PayloadTooLarge(f"A batch holds at most {MAX_BATCH} events ({len(payload)}).")
        results = await run_in_threadpool(_receive, request, caller, payload)
        return JSONResponse(EventResults(results=results).model_dump(mode="json", by_alias=True))
    if not isinstance(payload, dict):
        raise InvalidInput.one("body", "object", "An event is a JSON object.")
    result = (await run_in_threadpool(_receive, request, caller, [payload]))[0]
    body = result.model_dump(mode="json", by_alias=True)
    if result.status == EventStatus.REJECTED and result.error is not None:
        # Answered as a problem, but the rejection is stored: it was committed.
        error = result.error
        return problem_response(
            error.status,
            error.detail,
            request.url.path,
            title=error.title,
            slug=error.type.removeprefix("urn:nl:ondermijningsmonitor:problem:"),
            invalidParams=body["error"].get("invalidParams"),
            inboxId=body["inboxId"],
            eventId=result.id,
        )
    status = {EventStatus.ACCEPTED: 201, EventStatus.PENDING: 202}.get(result.status, 200)
    headers = {"Location": f"/api/v1/events/{result.inbox_id}"} if status != 200 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _receive(request: Request, caller: Caller, payload: list[Any]) -> list[EventResult]:
    """The intake in one worker thread with one session, committed before the answer (the
    endpoint is async so that the request costs one thread hop, not one per dependency)."""
    with Session(request_engine(request), expire_on_commit=False) as session:
        results = receive_events(session, caller, payload)
        session.commit()
    return results


@router.get("", operation_id="listEvents", summary="List received events")
def list_events(
    caller: EventClient,
    session: SessionDep,
    request: Request,
    response: Response,
    status: Annotated[
        StoredStatus | None, Query(description="Only this status.", examples=["rejected"])
    ] = None,
    type: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only this event type.",
            examples=["nl.ondermijning.signal.created"],
        ),
    ] = None,
    source: Annotated[
        str | None,
        Query(max_length=500, description="Only this source.", examples=["urn:nl:politie:zhz:bvh"]),
    ] = None,
    from_: Annotated[
        IsoMoment | None,
        Query(
            alias="from",
            description="Events whose `time` is at or after this moment (with offset).",
            examples=["2024-01-01T00:00:00Z"],
        ),
    ] = None,
    to: Annotated[
        IsoMoment | None,
        Query(
            description="Events whose `time` is at or before this moment (with offset).",
            examples=["2024-12-31T23:59:59Z"],
        ),
    ] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[InboxEventRead]:
    """The events of the caller's own partner (an admin sees all), newest first, with their
    outcome and, for a rejected event, why. Pages with `cursor`; the `Link` header names the
    next page. The events' `data` is not shown."""
    filters = {
        "status": status.value if status else None,
        "type": type,
        "source": source,
        "from": from_,
        "to": to,
    }
    rows, next_cursor = split_page(
        queries.list_events(session, caller, filters, cursor, limit), limit, lambda e: e.id
    )
    set_next_link(request, response, next_cursor)
    return Page(items=[InboxEventRead.model_validate(e) for e in rows], next_cursor=next_cursor)


@router.get(
    "/{id}", operation_id="getEvent", summary="Get a received event", responses=problems(404)
)
def get_event(
    inbox_id: Annotated[
        uuid.UUID,
        Path(alias="id", description="The event's `inboxId`.", examples=[_INBOX_ID]),
    ],
    caller: EventClient,
    session: SessionDep,
) -> InboxEventRead:
    """One stored event and its outcome. Another partner's event is 404."""
    return InboxEventRead.model_validate(queries.get_event(session, caller, inbox_id))
