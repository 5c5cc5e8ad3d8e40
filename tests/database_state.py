"""What the database holds, to show that a refused request wrote nothing."""

from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

import app.models  # noqa: F401 - every table in the metadata

# Invalid input is audited (SPEC §7), so a refused request may add an audit entry.
NOT_COMPARED = frozenset({"audit_events"})
# Columns that reading moves on: a client's key was used.
NOT_COMPARED_COLUMNS = frozenset({("clients", "last_used_at")})


def snapshot(engine: Engine, *, leave_out: frozenset[str] = NOT_COMPARED) -> dict[str, Any]:
    """Every row of every table (but the audit log), in a comparable form."""
    state: dict[str, Any] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in leave_out:
                continue
            columns = [c for c in table.c if (table.name, c.name) not in NOT_COMPARED_COLUMNS]
            rows = connection.execute(select(*columns)).all()
            state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]
