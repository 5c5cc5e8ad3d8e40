"""Keeps the progress rollups in step with every record write (same transaction)."""

from typing import Any

from sqlmodel import Session


def apply_record_change(
    session: Session, resource: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    """Called by the record service on every create (before=None), update and delete
    (after=None), inside the request's transaction. `resource` is the path name
    (`signals`, `bestuurlijke-rapportages`, `measures`, `campaigns`, `inspections`); the
    dicts hold the record's column values by attribute name (`occurred_on`, `kind`, …)."""
    # Placeholder until the rollups land (issue 6): no rollup tables exist yet.
    return None
