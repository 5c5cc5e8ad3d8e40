"""The HTTP shape every record resource shares: list, create, read, patch, delete, history.

`record_router(record_type)` builds them from a type's declaration (its `api` part names the
tag, the operations and the example); the app mounts one for every registered type. The
handlers are HTTP only and leave every rule to app/records/service.py.
"""

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from pydantic import Field

from app.access.dependencies import CoordinatorClient, RecordClient
from app.conventions import accepts, json_body
from app.db import SessionDep
from app.openapi import merge_patch_schema, problems, registered_schema
from app.pagination import set_next_link
from app.problems import PreconditionFailed, PreconditionRequired
from app.records import service
from app.records.fields import EXPAND_DESCRIPTION
from app.records.idempotency import run_once
from app.records.kind import RecordType
from app.records.neighbours import READ_SCHEMAS, neighbours
from app.schemas import ApiModel, RecordPage

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Makes the POST safe to retry: a repeat with the same key and body gets "
        "the first response; the same key with another body is 409. Kept 24 hours.",
        examples=["5f0c2a8e-3b1d-4c6e-9f7a-1d2e3c4b5a69"],
    ),
]
IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The record\'s `ETag` as last read, e.g. `"3"`. Required.',
        examples=['"3"'],
    ),
]


IfNoneMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=200,
        description='ETags of representations the client holds (`"3"`, `W/"3"`, a '
        "comma list, or `*`): when one is the current one, the answer is 304 without a body.",
        examples=['"3"'],
    ),
]


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: `If-None-Match` names the current `ETag`."}
}


class HistoryEntry(ApiModel):
    at: datetime = Field(description="When (UTC).")
    action: str = Field(
        description="What happened: created, updated or a removed link.", examples=["update"]
    )
    client_name: str | None = Field(
        description="Name of the client or person that made the change.",
        examples=["Politie Zuid-Holland Zuid"],
    )
    partner: str | None = Field(
        description="Partner of whoever made the change.", examples=["politie"]
    )
    changes: dict[str, Any] = Field(
        description="Per field `{old, new}`; personal-data fields only `{redacted: true}`.",
        examples=[{"status": {"old": "nieuw", "new": "in-behandeling"}}],
    )


class History(ApiModel):
    items: list[HistoryEntry] = Field(description="Every change, oldest first.")


def etag(version: int) -> str:
    return f'"{version}"'


def none_match(if_none_match: str | None, version: int) -> bool:
    """Whether `If-None-Match` names the current version: weak comparison (RFC 9110 §13.1.2),
    so `W/"3"` matches `"3"`; `*` matches any record that exists."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag(version) in tags


def not_modified(version: int) -> Response:
    return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(version)})


def check_if_match(if_match: str | None, version: int) -> None:
    """Strong comparison (RFC 9110): `*` or the current version's ETag."""
    if if_match is None:
        raise PreconditionRequired(
            "An `If-Match` header with the record's ETag is required, so that no change "
            "made since you read it is overwritten."
        )
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags or etag(version) in tags:
        return
    raise PreconditionFailed(
        f"The record has changed since it was read: its ETag is now {etag(version)}.",
        currentVersion=version,
    )


def record_router(record_type: RecordType) -> APIRouter:
    """The six operations of one record resource, named `list{plural}`, `create{singular}`…"""
    tag, plural, singular = record_type.api.tag, record_type.api.plural, record_type.api.singular
    example = record_type.api.example
    Output = READ_SCHEMAS[record_type.resource]  # noqa: N806 - a type used in annotations
    Query_ = record_type.query_schema  # noqa: N806
    label = record_type.label
    router = APIRouter(prefix=f"/{record_type.resource}", tags=[tag])
    RecordId = Annotated[  # noqa: N806
        uuid.UUID,
        Path(
            alias="id",
            description=f"The {label}'s id.",
            examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
        ),
    ]
    body_schema = registered_schema(record_type.input_schema)
    merge_schema = merge_patch_schema(record_type.input_schema)

    @router.get(
        "",
        operation_id=f"list{plural}",
        summary=f"List {record_type.resource.replace('-', ' ')}",
        response_model=RecordPage[Output],  # type: ignore[valid-type]
        # `_embedded` only where `expand` asked for it.
        response_model_exclude_unset=True,
    )
    def list_records(
        query: Annotated[Query_, Query()],  # type: ignore[valid-type]
        caller: RecordClient,
        session: SessionDep,
        request: Request,
        response: Response,
    ) -> Any:
        listed = service.list_records(session, caller, record_type, query)
        set_next_link(request, response, listed.next_cursor)
        page: dict[str, Any] = {"items": listed.items, "nextCursor": listed.next_cursor}
        if listed.total is not None:
            page["total"] = listed.total
        return page

    date_name = record_type.counting.default_date_field
    list_records.__doc__ = (
        f"The {label} records the caller may see, newest first (`sort=-createdAt`) or sorted "
        f"by `{date_name}`, `createdAt`, `updatedAt` or `reference` (`-` for descending). "
        "Filtered by every enum field (several values comma-separated), `theme`, `partner`, "
        f"`confidentiality`, `externalId`, its own fields, and `from`/`to` or `period` on "
        f"`{date_name}`. Pages with `cursor` (the `Link` header names the next page); "
        "`total=true` adds the number of matching records." + _expand_doc(record_type)
    )

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        operation_id=f"create{singular}",
        summary=f"Register a {label}",
        response_model=Output,
        response_model_exclude_unset=True,
        responses=problems(409, 415),
        dependencies=[Depends(accepts(JSON))],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": body_schema, "example": example}},
            }
        },
    )
    def create_record(
        caller: RecordClient,
        session: SessionDep,
        request: Request,
        response: Response,
        payload: Annotated[Any, Depends(json_body)],
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> Any:
        def produce() -> tuple[int, dict[str, Any], str | None]:
            created = service.create_record(session, caller, record_type, payload)
            return 201, created.body, f"/api/v1/{record_type.resource}/{created.id}"

        settings = request.state.settings
        stored = run_once(
            session,
            caller.stored_client_id,
            idempotency_key,
            "POST",
            request.url.path,
            payload,
            timedelta(hours=settings.idempotency_hours),
            produce,
        )
        response.status_code = stored.status_code
        if stored.location:
            response.headers["Location"] = stored.location
        response.headers["ETag"] = etag(stored.body["version"])
        if stored.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return stored.body

    create_record.__doc__ = (
        f"Registers a {label}. `partner` is the caller's own; a coordinator or admin may name "
        "another. `status` defaults to the first state of the workflow, and a later state may "
        "be named for work registered after the fact. Invalid input is 400 with every problem "
        "in `invalidParams`."
    )

    @router.get(
        "/{id}",
        operation_id=f"get{singular}",
        summary=f"Get a {label}",
        response_model=Output,
        response_model_exclude_unset=True,
        responses={**NOT_MODIFIED, **problems(404)},
    )
    def get_record(
        record_id: RecordId,
        caller: RecordClient,
        session: SessionDep,
        response: Response,
        expand: Annotated[
            str | None,
            Query(max_length=200, description=EXPAND_DESCRIPTION, examples=["signals"]),
        ] = None,
        if_none_match: IfNoneMatchHeader = None,
    ) -> Any:
        body = service.read_record(session, caller, record_type, record_id, expand)
        # The ETag is the record's own version; embedded records have their own.
        if expand is None and none_match(if_none_match, body["version"]):
            return not_modified(body["version"])
        response.headers["ETag"] = etag(body["version"])
        return body

    get_record.__doc__ = (
        f"One {label}, with its `ETag` for a later PATCH. Another partner's record, or one "
        "above the caller's confidentiality ceiling, is 404. `If-None-Match` with the "
        "current ETag answers 304 (not with `expand`: the ETag is the record's own version, "
        "which embedded records and the reverse links of other records do not change)."
        + _expand_doc(record_type)
    )

    @router.patch(
        "/{id}",
        operation_id=f"update{singular}",
        summary=f"Change a {label}",
        response_model=Output,
        response_model_exclude_unset=True,
        responses=problems(404, 409, 412, 415, 428),
        dependencies=[Depends(accepts(JSON, MERGE_PATCH))],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    MERGE_PATCH: {"schema": merge_schema, "example": {"theme": "drugs"}},
                    JSON: {"schema": merge_schema, "example": {"theme": "drugs"}},
                },
            }
        },
    )
    def update_record(
        record_id: RecordId,
        caller: RecordClient,
        session: SessionDep,
        response: Response,
        payload: Annotated[Any, Depends(json_body)],
        if_match: IfMatchHeader = None,
    ) -> Any:
        record = service.get_record(session, caller, record_type, record_id, for_update=True)
        check_if_match(if_match, record.version)
        record = service.update_record(session, caller, record_type, record, payload)
        response.headers["ETag"] = etag(record.version)
        return service.output(session, record_type, record, caller)

    update_record.__doc__ = (
        f"Changes a {label} with a JSON merge patch. `If-Match` with the ETag last read is "
        "required (428 without, 412 when the record changed meanwhile). A status change must "
        "follow the workflow (409 names the allowed next states)."
    )

    @router.delete(
        "/{id}",
        status_code=status.HTTP_204_NO_CONTENT,
        operation_id=f"delete{singular}",
        summary=f"Delete a {label}",
        responses=problems(404, 412, 428),
    )
    def delete_record(
        record_id: RecordId,
        caller: CoordinatorClient,
        session: SessionDep,
        if_match: IfMatchHeader = None,
    ) -> Response:
        record = service.get_record(session, caller, record_type, record_id, for_update=True)
        check_if_match(if_match, record.version)
        service.delete_record(session, caller, record_type, record)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    delete_record.__doc__ = (
        f"Deletes a {label} (coordinator or admin). Its audit entries are kept. `If-Match` "
        "is required. Records that link to it lose the link, and with it move on a version "
        "(a new `ETag`) with the removed link in their history."
    )

    @router.get(
        "/{id}/history",
        operation_id=f"get{singular}History",
        summary=f"History of a {label}",
        response_model=History,
        responses={**NOT_MODIFIED, **problems(404)},
    )
    def get_history(
        record_id: RecordId,
        caller: RecordClient,
        session: SessionDep,
        response: Response,
        if_none_match: IfNoneMatchHeader = None,
    ) -> Any:
        version, items = service.history(session, caller, record_type, record_id)
        if none_match(if_none_match, version):
            return not_modified(version)
        response.headers["ETag"] = etag(version)
        return History.model_validate({"items": items})

    get_history.__doc__ = (
        f"Every change to the {label}: when, by whom, which fields from what to what "
        "(personal-data fields only as changed). Its `ETag` is the record's: every change "
        "makes a new version, so `If-None-Match` with it answers 304 until the next change."
    )
    return router


def _expand_doc(record_type: RecordType) -> str:
    names = ", ".join(f"`{name}`" for name in neighbours(record_type))
    if not names:
        return " A " + record_type.label + " has no links to expand."
    return f" `expand` embeds the linked records ({names}) under `_embedded`."
