"""Domain errors and their RFC 9457 problem+json rendering; the one place errors become HTTP."""

import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import (
    DATABASE_UNAVAILABLE_ERRORS,
    RETRY_AFTER_SECONDS,
    database_error_name,
    database_unavailable,
)

logger = logging.getLogger("app.problems")

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:nl:ondermijningsmonitor:problem:"


class InvalidParam(BaseModel):
    """One problem with one input: where it is, a stable code, and what is wrong."""

    name: str = Field(description="The input: a JSON property path, query or header name.")
    code: str = Field(description="A stable machine-readable code, e.g. `required`, `enum`.")
    reason: str = Field(description="What is wrong, in words.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(
        description="Problem type URI (RFC 9457).", examples=[f"{PROBLEM_TYPE_BASE}not-found"]
    )
    title: str = Field(description="Short summary of the problem type.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.", examples=["No signal with this id."]
    )
    instance: str = Field(
        description="The request's path.",
        examples=["/api/v1/signals/0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e"],
    )
    invalidParams: list[InvalidParam] | None = Field(  # noqa: N815 - contract name
        default=None, description="Every invalid input, with its name and reason."
    )


class DomainError(Exception):
    """Raised by services; rendered as problem+json by one handler."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


class InvalidInput(DomainError):
    status = 400
    slug = "invalid-input"

    def __init__(self, invalid_params: list[InvalidParam], detail: str | None = None) -> None:
        super().__init__(detail or "The request has invalid input; see invalidParams.")
        self.invalid_params = invalid_params

    @classmethod
    def one(cls, name: str, code: str, reason: str) -> "InvalidInput":
        return cls([InvalidParam(name=name, code=code, reason=reason)])


class Unauthorized(DomainError):
    status = 401
    slug = "unauthorized"

    def __init__(self, detail: str = "A valid API key is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"


class NotFound(DomainError):
    status = 404
    slug = "not-found"


class Conflict(DomainError):
    status = 409
    slug = "conflict"


class PreconditionFailed(DomainError):
    status = 412
    slug = "precondition-failed"


class PayloadTooLarge(DomainError):
    status = 413
    slug = "payload-too-large"


class UnsupportedMediaType(DomainError):
    status = 415
    slug = "unsupported-media-type"


class PreconditionRequired(DomainError):
    status = 428
    slug = "precondition-required"


class ServiceUnavailable(DomainError):
    status = 503
    slug = "service-unavailable"

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        seconds = RETRY_AFTER_SECONDS if retry_after is None else retry_after
        super().__init__(detail, headers={"Retry-After": str(seconds)})


def problem_body(
    status: int,
    detail: str,
    instance: str | None,
    *,
    slug: str | None = None,
    title: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """An RFC 9457 problem; without `instance` where it is stored rather than answered."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    body.update({key: value for key, value in extensions.items() if value is not None})
    return body


def problem_of(error: DomainError, instance: str | None = None) -> dict[str, Any]:
    """The problem of a domain error: as the handler answers it (with `instance` and the
    error's extensions), or as the inbox stores a rejected event's reason (without either)."""
    extensions = dict(error.extensions) if instance is not None else {}
    if isinstance(error, InvalidInput):
        extensions["invalidParams"] = [param.model_dump() for param in error.invalid_params]
    return problem_body(
        error.status, error.detail, instance, slug=error.slug, title=error.title, **extensions
    )


def problem_response(
    status: int,
    detail: str,
    instance: str,
    *,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, instance, **kwargs),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _instance(request: Request) -> str:
    return request.url.path


_PYDANTIC_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown-property",
    "enum": "enum",
    "literal_error": "enum",
    "date_from_datetime_parsing": "date",
    "date_parsing": "date",
    "date_type": "date",
    "datetime_parsing": "date-time",
    "datetime_from_date_parsing": "date-time",
    "uuid_parsing": "uuid",
    "uuid_type": "uuid",
    "string_pattern_mismatch": "pattern",
    "string_too_long": "max-length",
    "string_too_short": "min-length",
    "greater_than_equal": "minimum",
    "less_than_equal": "maximum",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "json_invalid": "json",
    "model_attributes_type": "object",
    "dict_type": "object",
    "list_type": "array",
    "string_type": "string",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "too_long": "max-items",
}


def invalid_params_from_errors(errors: Any) -> list[InvalidParam]:
    """Turns pydantic/FastAPI validation errors into ADR invalidParams, all at once."""
    params: list[InvalidParam] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "header"}:
            location = location[1:]
        # Drop pydantic's union/function-validator tags from the path.
        location = [part for part in location if not part.startswith(("function-", "tagged"))]
        name = ".".join(location) or "body"
        error_type = str(error.get("type", "invalid"))
        code = _PYDANTIC_CODES.get(error_type, error_type.replace("_", "-"))
        reason = str(error.get("msg", "Invalid value."))
        if error_type == "value_error" and reason.startswith("Value error, "):
            reason = reason.removeprefix("Value error, ")
            code = "invalid"
        params.append(InvalidParam(name=name, code=code, reason=reason))
    return params


BodyProblem = Callable[[bytes], "DomainError"]
RefusalHook = Callable[[Request, int, Exception, list[InvalidParam] | None], Awaitable[None]]


async def _audit_refusal(
    request: Request, status: int, exc: Exception, params: list[InvalidParam] | None
) -> None:
    """SPEC §7: invalid input and records not found are audited, by the hook the app was
    given (app/audit/refusals.py; handed in, as the audit log itself builds on this module)."""
    hook: RefusalHook | None = getattr(request.app.state, "on_refusal", None)
    if hook is not None:
        await hook(request, status, exc, params)


async def _domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    await _audit_refusal(request, exc.status, exc, getattr(exc, "invalid_params", None))
    return JSONResponse(
        problem_of(exc, _instance(request)),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers=exc.headers,
    )


async def _validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    params = invalid_params_from_errors(exc.errors())
    await _audit_refusal(request, 400, exc, params)
    return problem_response(
        400,
        "The request has invalid input; see invalidParams.",
        _instance(request),
        slug=InvalidInput.slug,
        invalidParams=[param.model_dump() for param in params],
    )


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.__cause__, DomainError):
        # FastAPI wraps errors raised while reading the body (such as the size limit).
        return await _domain_error_handler(request, exc.__cause__)
    body_problem: BodyProblem | None = getattr(request.app.state, "body_problem", None)
    if isinstance(exc.__cause__, RecursionError) and body_problem is not None:
        # A body nested too deeply for FastAPI's JSON parser: named by app.safety.
        return await _domain_error_handler(request, body_problem(await request.body()))
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and detail == "Not Found":
        detail = "There is no resource at this path."
    elif status == 405:
        detail = f"The method {request.method} is not allowed on this resource."
    return problem_response(status, detail, _instance(request), headers=exc.headers)


async def _unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error", exc_info=exc)
    return problem_response(
        500,
        "The service could not handle this request. It has been logged.",
        _instance(request),
        slug="internal-error",
    )


async def _database_unavailable_handler(request: Request, exc: Exception) -> JSONResponse:
    """The database is down, restarting or out of connections: 503 with `Retry-After`.
    Any other database error is a fault of the service (500)."""
    if not database_unavailable(exc):
        return await _unhandled_error_handler(request, exc)
    logger.warning("database unavailable: %s", database_error_name(exc))
    return await _domain_error_handler(
        request, ServiceUnavailable("The database is not reachable now; try again later.")
    )


def install_problem_handlers(
    app: FastAPI,
    on_refusal: RefusalHook | None = None,
    body_problem: BodyProblem | None = None,
) -> None:
    """Every error of `app` as problem+json; `on_refusal` audits the refused requests and
    `body_problem` names what is wrong with a body too deep for the JSON parser. (Both are
    handed in: the modules behind them build on this one.)"""
    app.state.on_refusal = on_refusal
    app.state.body_problem = body_problem
    app.add_exception_handler(Exception, _unhandled_error_handler)
    for error_class in DATABASE_UNAVAILABLE_ERRORS:
        app.add_exception_handler(error_class, _database_unavailable_handler)
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
