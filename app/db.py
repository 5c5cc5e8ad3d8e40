"""Database engine, the request's session (one commit per request) and shared column types."""

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import uuid6
from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, Engine, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

# Same constraint names on SQLite and PostgreSQL, so migrations and `alembic check` agree.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware, also on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """Time-ordered UUIDv7: unique, immutable and in insertion order, so it is the paging key."""
    return uuid.UUID(int=uuid6.uuid7().int)


# The CLI's engine; the app keeps its own in the lifespan state.
_engine: Engine | None = None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# Without a connect timeout a database host that takes the connection but never answers
# holds every request (and the thread it runs in) for minutes of TCP retries.
CONNECT_TIMEOUT_SECONDS = 5


def make_engine(
    database_url: str,
    pool_size: int = 10,
    max_overflow: int = 20,
    connect_timeout: int = CONNECT_TIMEOUT_SECONDS,
    random_page_cost: float | None = None,
) -> Engine:
    """Never with SQL parameters in its errors or logs (`hide_parameters`): they hold the
    request's values, personal data included. On PostgreSQL `random_page_cost` (the
    setting `DATABASE_RANDOM_PAGE_COST`) is set on every connection it opens."""
    url = make_url(database_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        # In the URL, so that the key cache's listener connection (app.access.cache) has it too.
        url = url.update_query_dict({"connect_timeout": str(connect_timeout)})
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=max_overflow,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True
    )
    if random_page_cost is not None:
        event.listen(engine, "connect", _planner_costs(float(random_page_cost)))
    event.listen(engine, "checkin", _note_checkin)
    event.listen(
        engine,
        "checkout",
        lambda dbapi_connection, record, _proxy: _ping_if_idle(
            engine.dialect, dbapi_connection, record
        ),
    )
    return engine


def _planner_costs(random_page_cost: float) -> Callable[[Any, Any], None]:
    def set_costs(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            # A number, checked by the settings: no input reaches the statement.
            cursor.execute(f"SET random_page_cost = {random_page_cost!r}")
        dbapi_connection.commit()  # a SET in a transaction rolled back would be undone

    return set_costs


# A pooled connection that sat unused for longer than this is tested before it is handed
# out (a database restart or a firewall may have cut it). One that was in use a moment ago
# is not: under load that saves a round trip on every checkout (pool_pre_ping tests all).
# A connection cut in the last second fails its request once; SQLAlchemy then invalidates
# the whole pool, so the next requests get fresh connections.
PING_AFTER_IDLE_SECONDS = 1.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any) -> None:
    idle_since = record.info.get("checked_in")
    if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)  # as pool_pre_ping does (outside a transaction)
    except dialect.loaded_dbapi.Error as error:  # the pool retries with a new connection
        raise DisconnectionError() from error


# Errors that mean the database cannot serve the request now: it is down or restarting, a
# connection was cut, no pooled connection came free in time, or a transient failure such as
# a lock or statement timeout. They are answered 503 with `Retry-After` (app.problems), never
# 500; the pool replaces the broken connections, so the service recovers by itself once the
# database is back.
DATABASE_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
)
# What a 503 for an unreachable database tells the client to wait before retrying.
RETRY_AFTER_SECONDS = 2


# PostgreSQL SQLSTATEs of a database that is not there for now: connection exceptions (08…),
# shutting down or starting up (57P01 to 57P03), too many connections (53300).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(error: BaseException) -> bool:
    """Whether a database error means "not reachable now, try again" (503) rather than a
    fault of the statement (500): a lost or refused connection, a full pool, a database
    restarting, SQLite's lock. A missing table, say, is a fault and stays a 500."""
    if isinstance(error, PoolTimeoutError | InterfaceError):
        return True
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return str(sqlstate).startswith(_UNAVAILABLE_STATES)
    if type(original).__module__.startswith("sqlite3"):
        message = str(original).lower()
        return "locked" in message or "busy" in message or "unable to open" in message
    # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all.
    return isinstance(error, OperationalError)


def database_error_name(error: BaseException) -> str:
    """The driver's error class and SQLSTATE, for a log line without SQL or parameters."""
    original = getattr(error, "orig", None) or error
    sqlstate = getattr(original, "sqlstate", None)
    return type(original).__name__ + (f" ({sqlstate})" if sqlstate else "")


def configure_engine(database_url: str) -> Engine:
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = make_engine(database_url)
    return _engine


def get_engine() -> Engine:
    if _engine is None:
        from app.settings import get_settings

        return configure_engine(get_settings().database_url)
    return _engine


def request_engine(request: Request) -> Engine:
    """The app's engine, handed to every request by the lifespan state."""
    engine: Engine = request.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: everything it wrote is committed together, or nothing."""
    with Session(request_engine(request), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": the commit happens before the response is sent, so a client never sees
# a success for a write that did not commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
