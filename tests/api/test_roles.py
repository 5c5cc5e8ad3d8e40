"""SPEC §7: migrations run as an owner role; the application's own role owns nothing and may
only read and append to the audit log, so it cannot disable its trigger or rewrite it."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import DBAPIError

from app.db import make_engine
from app.main import create_app
from app.settings import Settings, get_settings
from tests.conftest import alembic_config, database_url, is_postgres

SCHEMA = "two_roles"
ADMIN_KEY = "omk_two-roles-admin-key-of-enough-length"


def test_the_application_role_is_named_or_taken_from_database_url() -> None:
    one = Settings(database_url="postgresql://app@db/om")
    assert one.migration_url() == "postgresql://app@db/om"
    assert one.application_role() is None  # one role: it owns everything, nothing to grant
    two = Settings(
        database_url="postgresql://om_app:pw@db/om",
        migration_database_url="postgresql://om_owner:pw@db/om",
    )
    assert two.migration_url() == "postgresql://om_owner:pw@db/om"
    assert two.application_role() == "om_app"
    same = Settings(
        database_url="postgresql://om@db/om", migration_database_url="postgresql://om:x@db/om"
    )
    assert same.application_role() is None
    named = Settings(database_url="postgresql:///om", app_database_role="om_app")
    assert named.application_role() == "om_app"
    unset = Settings(database_url="sqlite:///x.db", migration_database_url="")
    assert unset.migration_database_url is None


def _url_as(role: str) -> str:
    url = make_url(database_url()).set(username=role, password=None)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def two_roles(engine: Engine) -> Iterator[tuple[str, str]]:
    """An owner and an application role, and a schema of the test database that the owner
    migrates (the suite's own schema stays as it is)."""
    database = make_url(database_url()).database
    owner, application = f"{database}_owner", f"{database}_app"
    superuser = make_engine(database_url())

    def drop() -> None:
        with superuser.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            for role in (owner, application):
                exists = connection.scalar(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
                )
                if exists:
                    connection.execute(text(f'DROP OWNED BY "{role}"'))
                    connection.execute(text(f'DROP ROLE "{role}"'))

    drop()
    with superuser.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
        connection.execute(text(f'CREATE ROLE "{application}" LOGIN'))
        connection.execute(text(f'CREATE SCHEMA {SCHEMA} AUTHORIZATION "{owner}"'))
        for role in (owner, application):  # their tables are in the schema of their own
            connection.execute(text(f'ALTER ROLE "{role}" SET search_path = {SCHEMA}'))
    yield owner, application
    drop()
    superuser.dispose()


@pytest.mark.skipif(not is_postgres(), reason="database roles are PostgreSQL's")
def test_the_application_role_cannot_touch_the_audit_trail(
    two_roles: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, application = two_roles
    # As an operator runs `alembic upgrade head`: the two URLs in the environment, no role
    # named; migrations/env.py takes the application's role from DATABASE_URL.
    monkeypatch.setenv("MIGRATION_DATABASE_URL", _url_as(owner))
    monkeypatch.setenv("DATABASE_URL", _url_as(application))
    monkeypatch.delenv("APP_DATABASE_ROLE", raising=False)
    config = alembic_config(_url_as(owner))
    config.set_main_option("sqlalchemy.url", "")
    get_settings.cache_clear()
    try:
        command.upgrade(config, "head")
    finally:
        get_settings.cache_clear()

    import app.access.limits

    # Both failures below in one minute, however the clock turns: one entry, counted twice.
    now = datetime.now(UTC).replace(second=30, microsecond=0)
    monkeypatch.setattr(app.access.limits, "utcnow", lambda: now)
    settings = Settings(
        database_url=_url_as(application), admin_api_key=ADMIN_KEY, log_level="WARNING"
    )
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as http:
        made = http.post(
            "/api/v1/clients", json={"name": "p", "role": "partner", "partner": "politie"}
        )
        assert made.status_code == 401  # no key: a failed authentication, audited too
        again = http.get("/api/v1/plans", headers={"Authorization": "Bearer omk_" + "x" * 40})
        assert again.status_code == 401  # the same entry's count raised: the upsert's UPDATE
        made = http.post(
            "/api/v1/clients",
            json={"name": "p", "role": "partner", "partner": "politie"},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        partner = {"Authorization": f"Bearer {made.json()['apiKey']}"}
        signal = http.post(
            "/api/v1/signals",
            json={"channel": "casusoverleg", "receivedOn": "2023-01-05"},
            headers=partner,
        )
        assert signal.status_code == 201, signal.text
        record_id = signal.json()["id"]
        updated = http.patch(
            f"/api/v1/signals/{record_id}",
            json={"status": "in-behandeling"},
            headers={**partner, "If-Match": signal.headers["etag"]},
        )
        assert updated.status_code == 200, updated.text
        entries = http.get("/api/v1/audit-events", headers=admin).json()["items"]
    actions = {(e["action"], e["outcome"]) for e in entries}
    assert {("create", "success"), ("update", "success"), ("authenticate", "failure")} <= actions

    app_engine = make_engine(_url_as(application))
    try:
        with app_engine.connect() as connection:
            owned = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                    "WHERE r.rolname = current_user"
                )
            )
            assert owned == 0
            assert connection.scalar(text("SELECT count(*) FROM audit_events")) >= 3
        for statement, error in (
            ("ALTER TABLE audit_events DISABLE TRIGGER ALL", "must be owner"),
            ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", "owner"),
            ("DROP TRIGGER audit_events_append_only ON audit_events", "owner"),
            ("UPDATE audit_events SET outcome = 'success'", "permission denied"),
            ("UPDATE audit_events SET count = count + 1", "append-only"),
            ("DELETE FROM audit_events", "permission denied"),
            ("TRUNCATE audit_events", "permission denied"),
            ("SET session_replication_role = replica", "permission denied"),
            ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
        ):
            with pytest.raises(DBAPIError, match=error), app_engine.begin() as connection:
                connection.execute(text(statement))
        with app_engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM audit_events")) >= 3
            collapsed = connection.scalar(
                text("SELECT count FROM audit_events WHERE failure_window IS NOT NULL")
            )
            assert collapsed == 2
        # A table that a later migration makes is the application's to use too (default
        # privileges), without a grant of its own.
        owner_engine = make_engine(_url_as(owner))
        with owner_engine.begin() as connection:
            connection.execute(text("CREATE TABLE later_table (id integer PRIMARY KEY)"))
        owner_engine.dispose()
        with app_engine.begin() as connection:
            connection.execute(text("INSERT INTO later_table VALUES (1)"))
            assert connection.scalar(text("SELECT count(*) FROM later_table")) == 1
    finally:
        app_engine.dispose()
