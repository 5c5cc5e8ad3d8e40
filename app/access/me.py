"""Who the caller is, and which operations it may call (`GET /me`).

The operations come from the routes themselves: each names its roles with `require(...)`,
whose dependency carries them (`allowed_roles`, `allows_people`), so this list cannot drift
from what the API enforces.
"""

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute, Mount

from app.access.caller import Caller
from app.access.identity_schemas import CallerKind, MeRead
from app.schemas import Role


@dataclass(frozen=True)
class _Policy:
    operation: str
    roles: frozenset[Role] | None  # None: any authenticated caller
    people: bool

    def allows(self, caller: Caller) -> bool:
        if not self.people and caller.kind == "person":
            return False
        return self.roles is None or caller.role in self.roles


def operations_of(caller: Caller, app: FastAPI) -> list[str]:
    """The operationIds the caller may call, in the order of the routes."""
    return [policy.operation for policy in _policies(app) if policy.allows(caller)]


def _policies(app: FastAPI) -> list[_Policy]:
    """One per operation; computed once per app."""
    cached: list[_Policy] | None = getattr(app.state, "operation_policies", None)
    if cached is not None:
        return cached
    policies = []
    for route in _api_routes(app.routes):
        if not route.include_in_schema or not route.operation_id:
            continue
        roles, people = _requirements(route.dependant)
        policies.append(_Policy(route.operation_id, roles, people))
    app.state.operation_policies = policies
    return policies


def _api_routes(routes: list[BaseRoute]) -> list[APIRoute]:
    """The API's operations, also those of a mounted app (the versioned API at /api/v1)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(_api_routes(route.routes))
            continue
        # FastAPI keeps included routers as such; their contexts hold the routes.
        for context in iter_route_contexts([route]):
            if isinstance(context.original_route, APIRoute):
                found.append(context.original_route)
    return found


def _requirements(dependant: Dependant) -> tuple[frozenset[Role] | None, bool]:
    """The roles every `require(...)` in the route's dependencies lets through together
    (None when it requires none), and whether people may call it."""
    roles: frozenset[Role] | None = None
    people = True
    for dependency in dependant.dependencies:
        allowed: Any = getattr(dependency.call, "allowed_roles", None)
        if allowed is not None:
            roles = allowed if roles is None else roles & allowed
            people = people and bool(getattr(dependency.call, "allows_people", True))
        inner_roles, inner_people = _requirements(dependency)
        if inner_roles is not None:
            roles = inner_roles if roles is None else roles & inner_roles
        people = people and inner_people
    return roles, people


def me(caller: Caller, app: FastAPI) -> MeRead:
    return MeRead(
        kind=CallerKind(caller.kind),
        name=caller.name,
        subject=caller.subject,
        role=caller.role,
        partner=caller.partner,
        max_confidentiality=caller.max_confidentiality,
        operations=operations_of(caller, app),
    )
