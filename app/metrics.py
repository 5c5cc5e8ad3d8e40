"""Prometheus metrics (prometheus-fastapi-instrumentator), with the route of a path looked
up once instead of on every request."""

from typing import Any

from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.middleware import PrometheusInstrumentatorMiddleware
from starlette.middleware import Middleware
from starlette.requests import Request

# Distinct (method, path) pairs remembered; paths with ids are many, so the table is
# emptied when full rather than grown.
ROUTE_CACHE_SIZE = 4096


class _RouteCachingMiddleware(PrometheusInstrumentatorMiddleware):
    """The instrumentator labels each request with its route template (`/signals/{id}`),
    found by matching the request against every route of the app and its mounts; that was
    a twentieth of a partner event's CPU. The same method and path always give the same
    template, so it is remembered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handlers: dict[tuple[str, str, str], tuple[str, bool]] = {}

    def _get_handler(self, request: Request) -> tuple[str, bool]:
        scope = request.scope
        key = (scope["method"], scope.get("root_path", ""), scope["path"])
        found = self._handlers.get(key)
        if found is None:
            found = super()._get_handler(request)
            if len(self._handlers) >= ROUTE_CACHE_SIZE:
                self._handlers.clear()
            self._handlers[key] = found
        return found


def instrument(app: FastAPI) -> None:
    """HTTP metrics for every request but those of `/metrics`, exposed at `/metrics`."""
    Instrumentator(excluded_handlers=["/metrics"]).instrument(app).expose(
        app, endpoint="/metrics", include_in_schema=False
    )
    app.user_middleware = [
        Middleware(_RouteCachingMiddleware, *entry.args, **entry.kwargs)
        if entry.cls is PrometheusInstrumentatorMiddleware
        else entry
        for entry in app.user_middleware
    ]
