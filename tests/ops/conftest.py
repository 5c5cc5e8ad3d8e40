"""A PostgreSQL instance of the operations tests' own (they restart it), and a migrated
database on it with a partner client per test."""

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.servers import (
    PostgresInstance,
    make_partner_client,
    migrate,
    postgres_instance,
    postgres_missing,
)

SOURCE = "urn:nl:test:ops"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresInstance]:
    reason = postgres_missing()
    if reason:
        pytest.skip(reason)
    with (
        tempfile.TemporaryDirectory(prefix="om-ops-pg-") as directory,
        postgres_instance(Path(directory)) as instance,
    ):
        yield instance


@dataclass
class OpsDatabase:
    url: str
    key: str
    source: str = SOURCE


@pytest.fixture
def ops_database(postgres: PostgresInstance) -> OpsDatabase:
    """A fresh migrated database with a partner client that may post events from SOURCE."""
    url = postgres.create_database(f"ops_{next(_names)}")
    migrate(url)
    return OpsDatabase(url, make_partner_client(url, SOURCE))
