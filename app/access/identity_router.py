"""HTTP endpoints for identity mappings (admin) and `GET /me` (every caller)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from sqlalchemy import event
from sqlmodel import Session

from app.access import identity
from app.access.dependencies import AdminClient, AnyClient
from app.access.identity_schemas import IdentityMappingCreate, IdentityMappingRead, MeRead
from app.access.me import me
from app.conventions import accepts
from app.db import SessionDep
from app.openapi import problems
from app.pagination import CursorParam, LimitParam, set_next_link, split_page
from app.schemas import Page

router = APIRouter(prefix="/identity-mappings", tags=["Clients"])
me_router = APIRouter(tags=["Clients"])

MappingId = Annotated[
    uuid.UUID,
    Path(
        alias="mappingId",
        description="The identity mapping's id.",
        examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    ),
]


@me_router.get("/me", operation_id="getMe", summary="Who am I, and what may I do")
def get_me(caller: AnyClient, request: Request) -> MeRead:
    """The caller — an API client or a person signed in with an access token — with its
    role, partner, ceiling and the operations it may call."""
    return me(caller, request.app)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="createIdentityMapping",
    summary="Map a token claim value to a role",
    responses=problems(409, 415),
    dependencies=[Depends(accepts("application/json"))],
)
def create_identity_mapping(
    body: IdentityMappingCreate,
    caller: AdminClient,
    session: SessionDep,
    request: Request,
    response: Response,
) -> IdentityMappingRead:
    """People whose access token has `claim` equal to (or, for a list, holding) `value` get
    this role, partner and ceiling; where several mappings match, the lowest `priority`."""
    mapping = identity.create_mapping(session, caller, body)
    _forget_mappings(request, session)
    response.headers["Location"] = f"/api/v1/identity-mappings/{mapping.id}"
    return IdentityMappingRead.model_validate(mapping)


@router.get("", operation_id="listIdentityMappings", summary="List the identity mappings")
def list_identity_mappings(
    caller: AdminClient,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[IdentityMappingRead]:
    """Every identity mapping, newest first."""
    rows, next_cursor = split_page(
        identity.list_mappings(session, cursor, limit), limit, lambda m: m.id
    )
    set_next_link(request, response, next_cursor)
    return Page(
        items=[IdentityMappingRead.model_validate(m) for m in rows], next_cursor=next_cursor
    )


@router.delete(
    "/{mappingId}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteIdentityMapping",
    summary="Delete an identity mapping",
    responses=problems(404),
)
def delete_identity_mapping(
    mapping_id: MappingId, caller: AdminClient, session: SessionDep, request: Request
) -> Response:
    """At once in this process; in every other within IDENTITY_MAPPINGS_CACHE_SECONDS."""
    identity.delete_mapping(session, caller, mapping_id)
    _forget_mappings(request, session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _forget_mappings(request: Request, session: Session) -> None:
    """This process reads the mappings again once the change has committed (before, a
    concurrent request could read and keep the old ones)."""
    people = getattr(request.state, "people", None)
    if people is not None:
        event.listen(session, "after_commit", lambda _: people.mappings.clear(), once=True)
