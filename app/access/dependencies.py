"""Authentication and per-route role requirements, as `Annotated` dependencies."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.access import limits
from app.access.cache import CallerCache
from app.access.caller import Caller
from app.access.keys import hash_key
from app.access.service import caller_of, find_client
from app.access.token_auth import People, authenticate_person
from app.access.tokens import looks_like_jwt
from app.audit.service import audit_now
from app.db import request_engine, utcnow
from app.problems import Forbidden
from app.schemas import Role

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key made by an admin, or a person's OpenID Connect access token "
    "(a JWT of OIDC_ISSUER for OIDC_AUDIENCE): `Authorization: Bearer <key or token>`.",
)


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller of the request. A key this process found valid before is answered from
    its cache (app/access/cache.py), which any change to a client empties at once; any other
    key is looked up in a thread."""
    address = limits.note_client_address(request.client)
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        await run_in_threadpool(
            limits.refuse_failed_authentication, request, address, "missing key"
        )
    assert credentials is not None
    people: People | None = getattr(request.state, "people", None)
    if (
        people is not None
        and people.verifier is not None
        and looks_like_jwt(credentials.credentials)
    ):
        limits.refuse_if_blocked(request, address, utcnow())
        person = await authenticate_person(request, people, credentials.credentials, address)
        request.state.caller = person
        return person
    callers: CallerCache | None = getattr(request.state, "callers", None)
    digest = hash_key(credentials.credentials)
    if callers is not None:
        now = utcnow()
        cached = callers.get(digest, now)
        if cached is not None:
            limits.refuse_if_blocked(request, address, now)
            request.state.caller = cached
            return cached
    caller = await run_in_threadpool(_look_up, request, digest, callers, address)
    request.state.caller = caller
    return caller


def _look_up(request: Request, digest: str, callers: CallerCache | None, address: str) -> Caller:
    """In a short transaction of its own before the request's own session connects: a
    request never holds two pooled connections at once (with many concurrent requests that
    would empty the pool and wait on itself), and the once-a-minute `lastUsedAt` write holds
    no lock while the request runs."""
    generation = callers.generation if callers is not None else 0
    # Autocommit: the lookup and the rare touch are one statement each, atomic on their own;
    # no BEGIN and COMMIT round trips are spent on every request.
    engine = request_engine(request)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        limits.refuse_if_over_limit(request, connection, address, utcnow())
        found, reason = find_client(Session(bind=connection), digest)
    if found is None:
        limits.refuse_failed_authentication(request, address, reason)
    caller = caller_of(found)
    if callers is not None:
        callers.put(digest, caller, found.expires_at, generation)
    return caller


def require(*roles: Role, people: bool = True) -> Callable[..., Awaitable[Caller]]:
    """A dependency that lets through the given roles and admin, and answers 403 to others;
    with `people=False` only API clients (never a person signed in with a token)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    # async: no thread hop for what is a set lookup; only the rare denial does blocking IO.
    async def dependency(
        request: Request, caller: Annotated[Caller, Depends(authenticate)]
    ) -> Caller:
        if caller.role not in allowed or (not people and caller.kind == "person"):
            await run_in_threadpool(
                audit_now,
                request_engine(request),
                caller,
                "authorize",
                outcome="denied",
                detail=request.method,
            )
            if caller.role in allowed:
                raise Forbidden("Only API clients may do this, not people.")
            raise Forbidden(f"Role `{caller.role.value}` may not do this.")
        return caller

    # Read by `GET /me` (app/access/me.py) to list the operations a role may call.
    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    dependency.allows_people = people  # type: ignore[attr-defined]
    return dependency


AnyClient = Annotated[Caller, Depends(require(*Role))]
RecordClient = Annotated[Caller, Depends(require(Role.PARTNER, Role.COORDINATOR))]
CoordinatorClient = Annotated[Caller, Depends(require(Role.COORDINATOR))]
AnalystClient = Annotated[Caller, Depends(require(Role.ANALYST))]
AdminClient = Annotated[Caller, Depends(require())]
