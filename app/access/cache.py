"""The callers this process has looked up by key, kept until a client changes anywhere.

Looking a key up costs a pooled connection and a round trip on every request; partner
systems post events many times a second with one key. On PostgreSQL each process therefore
keeps the callers it found, and a listener thread LISTENs on `clients_changed`, which a
trigger (migration 0006) notifies when any process revokes, deletes or changes a client.
On a notice the cache is emptied, so a revoked key is refused at once in every worker.

The cache is only used while the listener is connected: before it has subscribed, after
its connection broke and on SQLite (no notices), every request looks its key up. A lookup
that raced a notice is not kept (the generation check), so it cannot bring back a caller
the notice removed. Expiry is checked on every request against the cached `expiresAt`, and
a cached caller is looked up again after REFRESH_SECONDS (a minute, the resolution of
`lastUsedAt`), which keeps `lastUsedAt` as fresh as without the cache. Only callers with a
valid key are kept.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg
from sqlalchemy import Engine

from app.access.caller import Caller

logger = logging.getLogger("app.access")

CHANNEL = "clients_changed"
# How long a cached caller is trusted before its key is looked up (and touched) again.
REFRESH_SECONDS = 60.0
# A broken listener connection is retried after this long; meanwhile nothing is cached.
RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class _Entry:
    caller: Caller
    expires_at: datetime | None
    fetched: float  # time.monotonic() of the lookup


class CallerCache:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self.active = False  # True only while the listener is subscribed

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, digest: str, now: datetime) -> Caller | None:
        if not self.active:
            return None
        entry = self._entries.get(digest)
        if entry is None or time.monotonic() - entry.fetched > REFRESH_SECONDS:
            return None
        if entry.expires_at is not None and entry.expires_at <= now:
            return None
        return entry.caller

    def put(
        self, digest: str, caller: Caller, expires_at: datetime | None, generation: int
    ) -> None:
        """Keeps a lookup made at `generation`, unless a notice came in since."""
        with self._lock:
            if self.active and generation == self._generation:
                self._entries[digest] = _Entry(caller, expires_at, time.monotonic())

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def deactivate(self) -> None:
        with self._lock:
            self.active = False
            self._generation += 1
            self._entries.clear()

    def activate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self.active = True


class ClientChangeListener:
    """A daemon thread with its own connection (not from the pool) that LISTENs for client
    changes and empties the cache on each one."""

    def __init__(self, engine: Engine, cache: CallerCache) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._cache = cache
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clients-listener", daemon=True)

    def start(self, wait: float = 5.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + wait
        while not self._cache.active and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.01)

    def stop(self) -> None:
        """Stops caching at once; the thread ends within a second on its own."""
        self._stopping.set()
        self._cache.deactivate()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._cache.activate()
                    while not self._stopping.is_set():
                        # Wakes up at least once a second to see whether to stop.
                        for _notice in connection.notifies(timeout=1.0):
                            self._cache.clear()
                            if self._stopping.is_set():
                                break
            except psycopg.Error:
                logger.warning("client change listener lost its connection; not caching keys")
            self._cache.deactivate()
            self._stopping.wait(RETRY_SECONDS)
