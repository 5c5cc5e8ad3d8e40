"""Test set-up: a migrated database (SQLite, or PostgreSQL from TEST_DATABASE_URL), the app,
and builders for clients. Every test starts from the seeded reference data and nothing else."""

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text
from sqlmodel import Session, SQLModel

import app.models
from app.access.schemas import ClientCreate
from app.access.service import create_client
from app.db import make_engine
from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDED_TABLES = {"plans", "pillars", "themes", "partners", "indicators"}
_TMP = tempfile.mkdtemp(prefix="om-tests-")


# Under pytest-xdist each worker process has a database of its own: on PostgreSQL
# `<TEST_DATABASE_URL's database>_<worker>` on the same server, made when missing.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{_TMP}/test.db"
    if _WORKER:
        base = make_url(url)
        url = base.set(database=f"{base.database}_{_WORKER}").render_as_string(hide_password=False)
    return url


def _ensure_database(url: str) -> None:
    """Creates a worker's PostgreSQL database beside the one TEST_DATABASE_URL names."""
    base = os.environ["TEST_DATABASE_URL"]
    name = make_url(url).database
    server = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


def is_postgres(url: str | None = None) -> bool:
    return (url or database_url()).startswith("postgresql")


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    return config


def reset_database(url: str) -> None:
    """Empties the database completely, so the migrations start from nothing."""
    if is_postgres(url):
        if _WORKER:
            _ensure_database(url)
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    url = database_url()
    reset_database(url)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(engine: Engine) -> Any:
    return create_app(Settings(database_url=database_url(), log_level="WARNING"))


def clean(engine: Engine) -> None:
    """Removes everything the test wrote; the seeded reference data stay."""
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in SEEDED_TABLES]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Superuser in tests only: lets the cleanup past the audit log's append-only trigger.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def http(app: Any, engine: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    clean(engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@dataclass
class ApiClient:
    """A test client that speaks as one API client."""

    http: TestClient
    key: str
    id: str
    role: str
    partner: str | None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)


MakeClient = Callable[..., ApiClient]


@pytest.fixture
def make_client(http: TestClient, engine: Engine) -> MakeClient:
    def make(role: str = "admin", partner: str | None = None, **fields: Any) -> ApiClient:
        name = fields.pop("name", f"{role}-{partner or 'all'}")
        data = ClientCreate.model_validate(
            {"name": name, "role": role, "partner": partner, **fields}
        )
        with Session(engine) as session:
            client, key = create_client(session, data)
            session.commit()
            return ApiClient(http, key, str(client.id), role, partner)

    return make


@pytest.fixture
def admin(make_client: MakeClient) -> ApiClient:
    return make_client("admin")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that start servers and PostgreSQL instances of their own are marked
    `servers`; `make test` runs them after the parallel run, one after another: they pick
    free ports from fixed ranges, and their bounds (a worker replaced within 10 s, batches
    answered within 10 s) must not meet a second such test. (pytest-xdist 3.8's
    `--dist loadgroup` did not keep an `xdist_group` on one worker under pytest 9: two such
    tests ran at once, and with SO_REUSEPORT two servers shared a port.)"""
    for item in items:
        if item.nodeid.startswith(("tests/ops/", "tests/test_serve.py")):
            item.add_marker(pytest.mark.servers)
