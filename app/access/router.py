"""HTTP endpoints for managing clients (admin only)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from app.access import service
from app.access.dependencies import AdminClient
from app.access.schemas import ClientCreate, ClientCreated, ClientRead
from app.conventions import accepts
from app.db import SessionDep
from app.openapi import problems
from app.pagination import CursorParam, LimitParam, set_next_link, split_page
from app.schemas import Page

router = APIRouter(prefix="/clients", tags=["Clients"])

ClientId = Annotated[
    uuid.UUID,
    Path(
        alias="clientId",
        description="The client's id.",
        examples=["0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="createClient",
    summary="Make a client and its API key",
    responses=problems(409, 415),
    dependencies=[Depends(accepts("application/json"))],
)
def create_client(
    body: ClientCreate, caller: AdminClient, session: SessionDep, response: Response
) -> ClientCreated:
    """Makes a client. The response holds its `apiKey`: shown this once, stored as a hash."""
    client, key = service.create_client(session, body, by=caller)
    response.headers["Location"] = f"/api/v1/clients/{client.id}"
    return ClientCreated(**ClientRead.model_validate(client).model_dump(), api_key=key)


@router.get("", operation_id="listClients", summary="List the clients")
def list_clients(
    caller: AdminClient,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[ClientRead]:
    """Every client, newest first. Keys are never shown again, only their prefix."""
    rows, next_cursor = split_page(
        service.list_clients(session, cursor, limit, by=caller), limit, lambda c: c.id
    )
    set_next_link(request, response, next_cursor)
    return Page(items=[ClientRead.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get(
    "/{clientId}", operation_id="getClient", summary="Get a client", responses=problems(404)
)
def get_client(client_id: ClientId, caller: AdminClient, session: SessionDep) -> ClientRead:
    """One client, without its key."""
    client = service.get_client(session, client_id, by=caller)
    return ClientRead.model_validate(client)


@router.delete(
    "/{clientId}",
    operation_id="revokeClient",
    summary="Revoke a client",
    responses=problems(404),
)
def revoke_client(
    client_id: ClientId, caller: AdminClient, session: SessionDep, request: Request
) -> ClientRead:
    """Revokes the client's key at once; the client stays listed, with `revokedAt`."""
    client = service.revoke_client(session, client_id, by=caller)
    # Every process forgets its cached callers when the revocation commits (a database
    # notice); this one also at once, so that its next request cannot beat the notice.
    request.state.callers.clear()
    return ClientRead.model_validate(client)
