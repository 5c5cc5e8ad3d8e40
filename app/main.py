"""The ASGI app: probes and metrics at the root, the versioned API mounted at /api/v1."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from sqlmodel import Session

from app import API_VERSION
from app.access.cache import CallerCache, ClientChangeListener
from app.access.dependencies import authenticate
from app.access.identity_router import me_router
from app.access.identity_router import router as identity_router
from app.access.limits import BlockedAddresses
from app.access.router import router as clients_router
from app.access.service import ensure_admin_client
from app.access.token_auth import People
from app.audit.refusals import audit_refusal
from app.audit.router import router as audit_router
from app.conventions import AllowedMethodsMiddleware, ConventionsMiddleware
from app.db import DATABASE_UNAVAILABLE_ERRORS, database_error_name, make_engine
from app.documentation import install_documentation, install_pointers
from app.events.queries import sweep_pending_events_at_start
from app.events.router import router as events_router
from app.health import router as health_router
from app.indicators.router import router as indicators_router
from app.logging_config import configure_logging
from app.metrics import instrument
from app.openapi import build_openapi
from app.problems import install_problem_handlers
from app.progress.router import router as progress_router
from app.records.registry import RECORD_TYPES
from app.records.router import record_router
from app.reference.router import router as reference_router
from app.safety import body_problem
from app.settings import Settings, get_settings
from app.strict_query import strict_query_parameters
from app.subjects.router import router as subjects_router
from app.vocabularies.router import router as vocabularies_router

logger = logging.getLogger("app.main")

DESCRIPTION = """\
Registratie van de aanpak van ondermijning door gemeente en partners (signalen, bestuurlijke
rapportages, maatregelen, campagnes, controles) en de voortgang per pijler van het
uitvoeringsplan.

Resource names are English with Dutch domain terms (*pas toe of leg uit*, see the README).
Every request needs `Authorization: Bearer <api key>`, or a person's OpenID Connect access
token (`GET /me` says who the caller is and what it may do). Errors are RFC 9457 problem details;
invalid input is `400` with every problem in `invalidParams`.
"""

TAGS = [
    {"name": "Referentiedata", "description": "Plans, pillars, themes, partners, indicators."},
    *(
        {"name": record_type.api.tag, "description": record_type.api.tag_description}
        for record_type in RECORD_TYPES
    ),
    {
        "name": "Subjecten",
        "description": "Everything about one business or premises, across the record types.",
    },
    {"name": "Voortgang", "description": "Progress per pillar, statistics and the terugblik."},
    {"name": "Gebeurtenissen", "description": "Partner events (CloudEvents) and their inbox."},
    {
        "name": "Clients",
        "description": "API clients and their keys, identity mappings for people (admin); "
        "who am I (everyone).",
    },
    {"name": "Audit", "description": "The append-only audit log (admin)."},
]


def create_api() -> FastAPI:
    """The versioned API; everything in it needs an authenticated client (deny by default),
    and every operation refuses query parameters it does not declare."""
    api = FastAPI(
        title="Ondermijningsmonitor API",
        version=API_VERSION,
        openapi_url="/openapi.json",
        docs_url=None,  # app/documentation.py, from local assets
        redoc_url=None,
        redirect_slashes=False,
        # After authentication: a stranger learns nothing, not even which parameters exist.
        dependencies=[Depends(authenticate), Depends(strict_query_parameters)],
    )
    # Partner events first: the busiest route, and requests are matched against the routes
    # in this order. (The contract lists the paths in the order of TAGS.)
    api.include_router(events_router)
    api.include_router(reference_router)
    api.include_router(vocabularies_router)
    for record_type in RECORD_TYPES:
        api.include_router(record_router(record_type))
    api.include_router(subjects_router)
    api.include_router(progress_router)
    api.include_router(indicators_router)
    api.include_router(clients_router)
    api.include_router(identity_router)
    api.include_router(me_router)
    api.include_router(audit_router)
    install_documentation(api)
    install_problem_handlers(api, on_refusal=audit_refusal, body_problem=body_problem)

    def openapi() -> dict[str, Any]:
        return build_openapi(api, description=DESCRIPTION, tags=TAGS)

    api.openapi = openapi  # type: ignore[method-assign]
    return api


def _ensure_admin_client(engine: Engine, key: str) -> None:
    """A database that is down must not stop a worker's start (nor its replacement's): it
    then answers 503 until the database is back, and the next start ensures the client."""
    try:
        with Session(engine) as session:
            ensure_admin_client(session, key)
    except DATABASE_UNAVAILABLE_ERRORS as error:
        logger.warning("admin client not ensured at start-up: %s", database_error_name(error))


def freeze_startup_heap() -> None:
    """Moves what start-up made (modules, schemas, routes, matplotlib's fonts: about 160,000
    objects) out of the garbage collector's sight: they live as long as the process, and a
    full collection walked them all. A chart leaves a few thousand objects in cycles, so
    full collections come every few charts; frozen, each pause fell from about 200 to 50 ms
    (bench/chart_latency.py), a pause any request in the process could hit. Once per
    process: an app started again in the same process (the tests) leaves it as it is."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        engine = make_engine(
            settings.database_url,
            settings.database_pool_size,
            settings.database_max_overflow,
            settings.database_connect_timeout_seconds,
            random_page_cost=settings.database_random_page_cost,
        )
        if settings.admin_api_key is not None:
            _ensure_admin_client(engine, settings.admin_api_key.get_secret_value())
        sweep_pending_events_at_start(engine, settings.pending_event_days)
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        callers = CallerCache()
        listener = None
        if engine.dialect.name == "postgresql":
            listener = ClientChangeListener(engine, callers)
            listener.start()
        freeze_startup_heap()
        # Every request (in the mounted API too) finds these in `request.state`.
        yield {
            "engine": engine,
            "settings": settings,
            "callers": callers,
            "blocked_addresses": BlockedAddresses(),
            "people": People.of(settings),
        }
        if listener is not None:
            listener.stop()
        engine.dispose()

    app = FastAPI(
        title="Ondermijningsmonitor",
        version=API_VERSION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.include_router(health_router)
    install_pointers(app)
    app.mount("/api/v1", create_api())
    install_problem_handlers(app)
    instrument(app)
    # Outermost last: the conventions see every response, CORS included; CORS answers its
    # preflights before `OPTIONS` reaches the allowed methods.
    app.add_middleware(AllowedMethodsMiddleware, routes=lambda: app.routes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Idempotency-Key",
        ],
        expose_headers=["API-Version", "ETag", "Location", "Link", "Retry-After", "X-Request-ID"],
    )
    app.add_middleware(ConventionsMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
    return app


app = create_app()
