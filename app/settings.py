"""Configuration from the environment (pydantic-settings)."""

from functools import lru_cache
from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from app.access.keys import MIN_KEY_LENGTH


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = "sqlite:///./data/ondermijningsmonitor.db"
    # The owner role that migrations run as (SPEC §7); the application itself never uses it.
    migration_database_url: str | None = None
    # The application's role, granted what it needs by migration 0009; by default the user
    # of DATABASE_URL when MIGRATION_DATABASE_URL names another user.
    app_database_role: str | None = None
    admin_api_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    log_level: str = "INFO"
    # Kept open per process: enough for the concurrent requests of a busy worker, so that
    # connections are reused instead of opened and closed under load (4 workers: 96).
    database_pool_size: int = 16
    database_max_overflow: int = 8
    # Threads per process for blocking work (sync endpoints, database calls). A process runs
    # Python in one thread at a time; more threads than needed to overlap database waits
    # only contend for the GIL (bench/ingest.py: 4-8 threads gave 15 % more single events
    # per second than anyio's default of 40).
    worker_threads: int = 8
    max_body_bytes: int = 5 * 1024 * 1024
    retention_years: int = 5
    idempotency_hours: int = 24
    pending_event_days: int = 7
    # Failed authentications allowed per client address and minute before 429 (SPEC §7).
    failed_authentications_per_minute: int = 20

    @field_validator("admin_api_key", mode="before")
    @classmethod
    def empty_is_none(cls, value: object) -> object:
        """`ADMIN_API_KEY=` (set but empty) means no admin key, not an empty one."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_api_key")
    @classmethod
    def admin_key_is_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuses to start with a guessable admin key."""
        if value is not None and len(value.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(
                f"ADMIN_API_KEY must be at least {MIN_KEY_LENGTH} characters "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @field_validator("migration_database_url", "app_database_role", mode="before")
    @classmethod
    def empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def migration_url(self) -> str:
        """What Alembic migrates with: MIGRATION_DATABASE_URL, defaulting to DATABASE_URL."""
        return self.migration_database_url or self.database_url

    def application_role(self) -> str | None:
        """The role to grant the application's privileges to, when it is not the owner."""
        if self.app_database_role:
            return self.app_database_role
        if self.migration_database_url is None:
            return None
        app_user = make_url(self.database_url).username
        owner = make_url(self.migration_database_url).username
        return app_user if app_user and app_user != owner else None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
