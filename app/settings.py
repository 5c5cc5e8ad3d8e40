"""Configuration from the environment (pydantic-settings)."""

from functools import lru_cache
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from app.access.keys import MIN_KEY_LENGTH

# What OIDC_ALGORITHMS may name: signatures made with a private key, checked with a public
# one. `none` and HS* (where a public key would become the HMAC secret) are refused.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


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
    # Seconds to wait for a new database connection before the request answers 503.
    database_connect_timeout_seconds: int = 5
    # PostgreSQL's planner cost of a random page read, set on each of the service's
    # connections; unset leaves the server's. PostgreSQL's default (4) prices a spinning
    # disk, so the planner reads a partner's records in sort order through the index of all
    # partners rather than its own (bench/lists.py: `q` with two words as a partner 66 ms
    # p95 at 1M records, 41 ms with 1.1, the value the PostgreSQL manual suggests for SSDs).
    database_random_page_cost: Annotated[float, Field(gt=0, le=100)] | None = 1.1
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
    # OpenID Connect access tokens beside API keys (SPEC §7); off while OIDC_ISSUER is unset.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    # Asymmetric algorithms only: `none` and HS* are refused whatever is listed here.
    oidc_algorithms: Annotated[list[str], NoDecode] = ["RS256", "PS256", "ES256", "EdDSA"]
    oidc_leeway_seconds: int = 30
    # How long the issuer's keys are trusted before they are fetched again; an unknown `kid`
    # fetches them at once (at most every OIDC_JWKS_MIN_REFRESH_SECONDS).
    oidc_jwks_cache_seconds: int = 3600
    oidc_jwks_min_refresh_seconds: float = 10.0
    oidc_max_token_bytes: int = 8192
    # A deleted or changed identity mapping takes effect in every process within this time.
    identity_mappings_cache_seconds: float = 30.0
    # A connection that has not sent its request headers within this many seconds is closed
    # by the server (app.serve), so slow or idle sockets cannot be held open forever.
    header_timeout_seconds: int = 10

    @field_validator("admin_api_key", "database_random_page_cost", mode="before")
    @classmethod
    def empty_is_none(cls, value: object) -> object:
        """`ADMIN_API_KEY=` (set but empty) means no admin key, not an empty one; an empty
        `DATABASE_RANDOM_PAGE_COST` keeps the server's."""
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

    @field_validator("oidc_issuer", "oidc_audience", mode="before")
    @classmethod
    def empty_oidc_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins", "oidc_algorithms", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("oidc_algorithms")
    @classmethod
    def only_asymmetric(cls, value: list[str]) -> list[str]:
        refused = sorted(set(value) - ASYMMETRIC_ALGORITHMS)
        if refused or not value:
            raise ValueError(f"only asymmetric algorithms may be accepted, not {refused}")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
