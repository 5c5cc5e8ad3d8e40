"""Configuration from the environment (pydantic-settings)."""

from functools import lru_cache
from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = "sqlite:///./data/ondermijningsmonitor.db"
    admin_api_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    log_level: str = "INFO"
    # Kept open per process: enough for the concurrent requests of a busy worker, so that
    # connections are reused instead of opened and closed under load (4 workers: 96).
    database_pool_size: int = 16
    database_max_overflow: int = 8
    # Seconds to wait for a new database connection before the request answers 503.
    database_connect_timeout_seconds: int = 5
    # Threads per process for blocking work (sync endpoints, database calls). A process runs
    # Python in one thread at a time; more threads than needed to overlap database waits
    # only contend for the GIL (bench/ingest.py: 4-8 threads gave 15 % more single events
    # per second than anyio's default of 40).
    worker_threads: int = 8
    max_body_bytes: int = 5 * 1024 * 1024
    retention_years: int = 5
    idempotency_hours: int = 24
    pending_event_days: int = 7
    # A connection that has not sent its request headers within this many seconds is closed
    # by the server (app.serve), so slow or idle sockets cannot be held open forever.
    header_timeout_seconds: int = 10

    @field_validator("admin_api_key", mode="before")
    @classmethod
    def empty_is_none(cls, value: object) -> object:
        """`ADMIN_API_KEY=` (set but empty) means no admin key, not an empty one."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
