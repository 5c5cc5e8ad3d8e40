"""Human-readable reference numbers such as SIG-2023-000017, unique under concurrency."""

from sqlalchemy import literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.records.models import ReferenceCounter


def next_reference(session: Session, prefix: str, year: int) -> str:
    """One upsert: the row lock serialises concurrent writers of the same prefix and year."""
    table = ReferenceCounter.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(prefix=prefix, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["prefix", "year"],
            set_={"last_number": table.c.last_number + literal(1)},
        )
        .returning(table.c.last_number)
    )
    number = session.execute(statement).scalar_one()
    return f"{prefix}-{year}-{number:06d}"
