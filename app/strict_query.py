"""Strict query parameters (SPEC §4.1, §8): on every operation of the API a query parameter
it does not declare, or a parameter given twice, is 400 naming it; nothing is ever silently
ignored. What an operation declares is read from its route's dependant (its own parameters,
those of its dependencies and the fields of query models), so a parameter added to any
route later is known without a list to keep."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.problems import InvalidInput, InvalidParam, invalid_params_from_errors

_SEQUENCES = (list, set, frozenset, tuple, Sequence)


@dataclass(frozen=True)
class DeclaredQuery:
    """The query parameters of one operation: every name, and those that may repeat."""

    fields: tuple[Any, ...]  # FastAPI's ModelFields, to validate the others at once
    names: frozenset[str]
    repeatable: frozenset[str]


def _unwrapped(annotation: Any) -> list[Any]:
    """The types an annotation may hold, through `Annotated` and `X | None`."""
    if get_origin(annotation) is Annotated:
        return _unwrapped(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [
            inner
            for arg in get_args(annotation)
            if arg is not type(None)
            for inner in _unwrapped(arg)
        ]
    return [annotation]


def _is_sequence(annotation: Any) -> bool:
    return any(
        get_origin(kind) in _SEQUENCES or kind in _SEQUENCES for kind in _unwrapped(annotation)
    )


def _query_model(annotation: Any) -> type[BaseModel] | None:
    for kind in _unwrapped(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def declared_query(dependant: Dependant) -> DeclaredQuery:
    """Every query parameter of a dependant and its sub-dependencies."""
    fields: list[Any] = []
    names: set[str] = set()
    repeatable: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        for field in current.query_params:
            fields.append(field)
            model = _query_model(field.field_info.annotation)
            if model is None:
                names.add(field.alias)
                if _is_sequence(field.field_info.annotation):
                    repeatable.add(field.alias)
                continue
            for name, info in model.model_fields.items():
                names.add(info.alias or name)
                if _is_sequence(info.annotation):
                    repeatable.add(info.alias or name)
    return DeclaredQuery(tuple(fields), frozenset(names), frozenset(repeatable))


_DECLARED: dict[int, DeclaredQuery] = {}


def _declared_for(route: APIRoute) -> DeclaredQuery:
    # Routes live as long as the app; their dependants do not change once built.
    declared = _DECLARED.get(id(route))
    if declared is None:
        declared = _DECLARED[id(route)] = declared_query(route.dependant)
    return declared


def strict_query_parameters(request: Request) -> None:
    """Refuses undeclared and repeated query parameters, with every other problem of the
    query in the same 400 (SPEC §8: all problems at once)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = _declared_for(route)
    given = Counter(name for name, _ in request.query_params.multi_items())
    problems = [
        InvalidParam(
            name=name,
            code="unknown-parameter",
            reason="This operation has no such query parameter.",
        )
        for name in given
        if name not in declared.names
    ]
    problems += [
        InvalidParam(
            name=name,
            code="repeated-parameter",
            reason="Given more than once; give it once (several values comma-separated "
            "where the parameter takes them).",
        )
        for name, count in given.items()
        if count > 1 and name in declared.names and name not in declared.repeatable
    ]
    if not problems:
        return
    _, errors = request_params_to_args(declared.fields, request.query_params)
    named = {problem.name for problem in problems}
    problems += [param for param in invalid_params_from_errors(errors) if param.name not in named]
    raise InvalidInput(problems)
