"""Failed authentications per client address: counted in the audit log, limited per minute.

SPEC §7: after FAILED_AUTHENTICATIONS_PER_MINUTE failures from one address within a minute,
its requests are answered 429 with `Retry-After` until the minute is over, in every process
that shares the database. The count is the audit log's own: the failures of one address in
one (clock) minute are one audit entry, `failure_window` its minute, `count` how many, and
each failure raises it by one statement (an upsert on the partial unique index of migration
0009). So the log holds one entry per address and minute however hard it is hammered, and
every process reads the same count.

The success path stays as it was: a key that this process's cache holds (app/access/cache.py)
costs no statement, only a look in this process's memory of addresses it has answered 429;
a key looked up in the database is checked against its address's count first (one indexed
read), so a guess cannot be tried while the address is over the limit.
"""

import math
import threading
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from starlette.requests import Request

from app.audit.models import AuditEvent
from app.conventions import current_request_id, current_trace_id
from app.db import new_id, request_engine, utcnow
from app.problems import DomainError, Unauthorized

WINDOW = timedelta(minutes=1)
_TABLE: Any = AuditEvent.__table__  # type: ignore[attr-defined]
# Addresses remembered as over the limit; past this many the memory starts afresh.
_MEMORY_LIMIT = 10_000

client_address_var: ContextVar[str | None] = ContextVar("client_address", default=None)


class TooManyFailedAuthentications(DomainError):
    status = 429
    slug = "too-many-failed-authentications"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed authentications from this address; try again later.",
            headers={"Retry-After": str(retry_after)},
        )


def current_client_address() -> str | None:
    """The address of the request being handled (set by `authenticate`), for the audit log."""
    return client_address_var.get()


def note_client_address(scope_client: Any) -> str:
    """The request's client address from the ASGI scope (uvicorn has applied the trusted
    proxies' X-Forwarded-For), remembered for the audit entries of the request."""
    address = (scope_client.host or "unknown")[:64] if scope_client is not None else "unknown"
    client_address_var.set(address)
    return address


def window_of(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def seconds_left(now: datetime) -> int:
    """`Retry-After`: until the minute of `now` is over (at least one second)."""
    return max(1, math.ceil((window_of(now) + WINDOW - now).total_seconds()))


class BlockedAddresses:
    """The addresses this process has answered 429 in the current minute: a cached key from
    one of them is refused too, without a statement."""

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def blocked(self, address: str, now: datetime) -> bool:
        until = self._until.get(address)
        return until is not None and now < until

    def block(self, address: str, now: datetime) -> None:
        with self._lock:
            if len(self._until) >= _MEMORY_LIMIT:
                self._until.clear()
            self._until[address] = window_of(now) + WINDOW


def failures_so_far(connection: Connection, address: str, now: datetime) -> int:
    """How many failed authentications this address has had in the minute of `now`."""
    count = connection.scalar(
        select(_TABLE.c.count).where(
            _TABLE.c.client_address == address,
            _TABLE.c.failure_window == window_of(now),
            _TABLE.c.failure_window.is_not(None),
        )
    )
    return int(count or 0)


def record_failure(connection: Connection, address: str, detail: str, now: datetime) -> int:
    """Counts one failed authentication of the address: the minute's audit entry is made
    (with this failure's reason, request id and trace id) or its count raised. Returns the
    count. `connection` is in autocommit: the entry stands whatever the request does next."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_TABLE).values(
        id=new_id(),
        occurred_at=now,
        action="authenticate",
        outcome="failure",
        detail=detail,
        request_id=current_request_id(),
        trace_id=current_trace_id(),
        client_address=address,
        count=1,
        failure_window=window_of(now),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_TABLE.c.client_address, _TABLE.c.failure_window],
        index_where=_TABLE.c.failure_window.is_not(None),
        set_={"count": _TABLE.c.count + 1},
    ).returning(_TABLE.c.count)
    return int(connection.execute(statement).scalar_one())


def _limit(request: Request) -> int:
    settings = getattr(request.state, "settings", None)
    return settings.failed_authentications_per_minute if settings is not None else 20


def _memory(request: Request) -> BlockedAddresses | None:
    return getattr(request.state, "blocked_addresses", None)


def refuse_if_blocked(request: Request, address: str, now: datetime) -> None:
    """For a cached caller: 429 if this process has refused the address this minute."""
    memory = _memory(request)
    if memory is not None and memory.blocked(address, now):
        raise TooManyFailedAuthentications(seconds_left(now))


def refuse_if_over_limit(
    request: Request, connection: Connection, address: str, now: datetime
) -> None:
    """Before a key is looked up: 429 (counted as one more failure) while the address is
    over its limit, so that no guess is tried then."""
    if failures_so_far(connection, address, now) >= _limit(request):
        record_failure(connection, address, "over the limit", now)
        _block(request, address, now)


def refuse_failed_authentication(
    request: Request, address: str, reason: str, message: str | None = None
) -> NoReturn:
    """Counts the failure (an API key or an access token) in its own autocommitted
    statement; 401 with `message`, or 429 past the limit."""
    now = utcnow()
    with (
        request_engine(request)
        .connect()
        .execution_options(isolation_level="AUTOCOMMIT") as connection
    ):
        count = record_failure(connection, address, reason, now)
    if count > _limit(request):
        _block(request, address, now)
    if message is not None:
        raise Unauthorized(message)
    if reason == "missing key":
        raise Unauthorized()
    raise Unauthorized("The API key is unknown, revoked or expired.")


def _block(request: Request, address: str, now: datetime) -> NoReturn:
    memory = _memory(request)
    if memory is not None:
        memory.block(address, now)
    raise TooManyFailedAuthentications(seconds_left(now))
