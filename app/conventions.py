"""ASGI middleware for what every response must carry (SPEC §8): headers, limits, 500s, logs."""

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any

from asgi_correlation_id import correlation_id
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import API_VERSION
from app.problems import (
    PROBLEM_JSON,
    InvalidInput,
    PayloadTooLarge,
    UnsupportedMediaType,
    problem_body,
)
from app.safety import check_document, parse_json, query_problems

logger = logging.getLogger("app.access")
error_logger = logging.getLogger("app.errors")

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Referrer-Policy": "no-referrer",
}
CONTRACT_PATH = "/api/v1/openapi.json"


def current_trace_id() -> str | None:
    return trace_id_var.get()


def current_request_id() -> str | None:
    return correlation_id.get()


class ConventionsMiddleware:
    """Adds the ADR headers, enforces the body limit and turns crashes into a 500 problem."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        request_headers = Headers(scope=scope)
        match = _TRACEPARENT.match(request_headers.get("traceparent", ""))
        token = trace_id_var.set(match.group(1) if match else None)
        started = time.perf_counter()
        response_started = False
        status_code = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started, status_code
            if message["type"] == "http.response.start":
                response_started = True
                status_code = message["status"]
                headers = MutableHeaders(scope=message)
                headers["API-Version"] = API_VERSION
                # The documentation page sets its own Content-Security-Policy.
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Cache-Control", "no-store")
                if path == CONTRACT_PATH:
                    headers["Access-Control-Allow-Origin"] = "*"
            await send(message)

        received = 0
        too_large = f"The request body is larger than {self.max_body_bytes} bytes."
        declared = request_headers.get("content-length")
        try:
            if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
                raise PayloadTooLarge(too_large)
            # NUL or bytes that are not UTF-8 in the path or a query parameter: refused
            # before any of it reaches a query (or a log).
            bad_query = query_problems(scope.get("query_string", b""), path)
            if bad_query:
                raise InvalidInput(bad_query)

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body_bytes:
                        # Handled as a 413 problem wherever the body is being read.
                        raise PayloadTooLarge(too_large)
                return message

            await self.app(scope, limited_receive, send_with_headers)
        except PayloadTooLarge:
            if not response_started:
                await self._problem(
                    send_with_headers, 413, too_large, path, slug=PayloadTooLarge.slug
                )
        except InvalidInput as error:
            await self._problem(
                send_with_headers,
                400,
                error.detail,
                path,
                slug=InvalidInput.slug,
                invalidParams=[param.model_dump() for param in error.invalid_params],
            )
        except Exception:
            if not response_started:
                error_logger.exception("unhandled error")
                await self._problem(
                    send_with_headers,
                    500,
                    "The service could not handle this request. It has been logged.",
                    path,
                    slug="internal-error",
                )
            # Otherwise the app's own handler already answered with a 500 problem and logged.
        finally:
            trace_id_var.reset(token)
            if logger.isEnabledFor(logging.INFO):
                route = scope.get("route")
                logger.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        # The route template, not the raw path: ids and query strings stay out.
                        "route": getattr(route, "path_format", None) or _generic_path(path),
                        "status": status_code,
                        "durationMs": round((time.perf_counter() - started) * 1000, 2),
                    },
                )

    @staticmethod
    async def _problem(send: Send, status: int, detail: str, path: str, **kwargs: Any) -> None:
        body = json.dumps(problem_body(status, detail, path, **kwargs)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _answers(routes: Sequence[BaseRoute], scope: Scope) -> bool:
    """Whether the routes take this request, as the router would choose (first full match;
    a mount takes every path under it)."""
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is not Match.FULL:
            continue
        if isinstance(route, Mount):
            inner = route.routes
            if not inner:  # mounted files (the documentation's assets)
                return scope["method"] in {"GET", "HEAD"}
            return _answers(inner, {**scope, **child_scope})
        return True
    return False


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """The methods the routes answer at the request's path, `OPTIONS` included; empty where
    no route has the path."""
    methods = {method for method in _METHODS if _answers(routes, {**scope, "method": method})}
    return methods | {"OPTIONS"} if methods else methods


class AllowedMethodsMiddleware:
    """`OPTIONS` on any path answers 204 with an `Allow` header listing its methods, and a
    405 lists them in `Allow` too (SPEC §8). The routes of one path are separate routes per
    method, so the router alone would name only the first one's. A CORS preflight (`OPTIONS`
    with `Origin` and `Access-Control-Request-Method`) never gets here: the CORS middleware,
    outside this one, answers it as configured."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes
        self._allow: dict[str, str] = {}

    def _allow_header(self, scope: Scope) -> str:
        path: str = scope["path"]
        if path not in self._allow:
            methods = allowed_methods(self.routes(), scope)
            allow = ", ".join(sorted(methods))
            if len(self._allow) > 10_000:  # paths carry ids: keep the cache bounded
                self._allow.clear()
            self._allow[path] = allow
        return self._allow[path]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # As it arrives: the router changes `root_path` on its way into the mounted API.
        arrived: Scope = {
            "type": "http",
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
        }
        if scope["method"] == "OPTIONS":
            allow = self._allow_header(arrived)
            if allow:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 204,
                        "headers": [(b"allow", allow.encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                MutableHeaders(scope=message)["Allow"] = self._allow_header(arrived)
            await send(message)

        await self.app(scope, receive, send_with_allow)


_UUIDISH = re.compile(r"/[0-9a-fA-F-]{16,}")


def _generic_path(path: str) -> str:
    return _UUIDISH.sub("/{id}", path)


def accepts(*media_types: str) -> Callable[[Request], Awaitable[None]]:
    """A route dependency: a body in another media type is 415, before it is parsed. A JSON
    body that the framework parsed for the route (a pydantic body parameter) is checked for
    bad bytes and shapes here, so every such route refuses them the same way."""
    allowed = frozenset(media_types)

    async def dependency(request: Request) -> None:  # async: no thread hop for a check
        raw = request.headers.get("content-type", "")
        media_type = raw.split(";", 1)[0].strip().lower()
        if media_type not in allowed:
            shown = media_type or "none"
            raise UnsupportedMediaType(
                f"Content type `{shown}` is not accepted here; use {', '.join(sorted(allowed))}.",
                accepted=sorted(allowed),
            )
        route = request.scope.get("route")
        if getattr(route, "body_field", None) is not None and await request.body():
            check_document(await request.json())  # the framework's parse, cached

    return dependency


async def _read_body(request: Request) -> bytes:
    try:
        raw = await request.body()
    except ClientDisconnect as error:  # the client went away: nothing to answer, no crash
        raise InvalidInput.one(
            "body", "incomplete", "The client disconnected before the body was sent."
        ) from error
    if not raw.strip():
        raise InvalidInput.one("body", "required", "A JSON body is required.")
    return raw


async def json_document(request: Request) -> Any:
    """The request body as parsed JSON, bad values left in place for the caller to find
    (`app.safety.find_unsafe`): the partner events, where a bad event rejects only itself."""
    raw = await _read_body(request)
    try:
        return parse_json(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput.one("body", "json", f"Not valid JSON: {error}.") from error


async def json_body(request: Request) -> Any:
    """The request body as parsed JSON, for bodies the service validates as a whole; a NUL,
    a lone surrogate, too deep nesting or a number out of range is a 400 naming the field."""
    document = await json_document(request)
    check_document(document)
    return document
