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
    max_body_bytes: int = 5 * 1024 * 1024
    retention_years: int = 5
    idempotency_hours: int = 24
    pending_event_days: int = 7

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
