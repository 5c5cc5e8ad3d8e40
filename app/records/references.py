"""Human-readable reference numbers such as SIG-2023-000017, unique under concurrency.

The number counts per record type (it does not restart each year); the year is the year
of registration. On PostgreSQL the numbers come from one sequence per type (migration
0005): `nextval` holds no lock until commit, so concurrent writers of one type do not wait
for each other, and a rolled-back write leaves a gap, as sequences do. SQLite writes one
transaction at a time anyway and counts in the `reference_counters` table.
"""

from sqlalchemy import literal, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from app.records.models import ReferenceCounter

# The counter row of a type on SQLite (the table's year column is not used for it).
_ANY_YEAR = 0


def sequence_name(prefix: str) -> str:
    return f"reference_{prefix.lower()}"


def reference_sql(prefix: str, year: int) -> str:
    """PostgreSQL: a reference as an SQL expression of `u.n`, the row's number from the
    type's sequence, for an INSERT that numbers its own rows (app/bulk.py); at least six
    digits, as `reserve_references` writes them."""
    if not prefix.isalnum() or not 1900 <= year <= 9999:
        raise ValueError(f"not a reference prefix or year: {prefix!r} {year!r}")
    digits = "CAST(u.n AS TEXT)"
    return f"'{prefix}-{year}-' || lpad({digits}, greatest(6, length({digits})), '0')"


def reserve_references(session: Session, prefix: str, year: int, count: int) -> list[str]:
    """`count` new reference numbers of one type, in one statement."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        numbers = list(
            session.execute(
                text("SELECT nextval(CAST(:name AS regclass)) FROM generate_series(1, :n)"),
                {"name": sequence_name(prefix), "n": count},
            ).scalars()
        )
    else:
        table = ReferenceCounter.__table__  # type: ignore[attr-defined]
        statement = (
            sqlite.insert(table)
            .values(prefix=prefix, year=_ANY_YEAR, last_number=count)
            .on_conflict_do_update(
                index_elements=["prefix", "year"],
                set_={"last_number": table.c.last_number + literal(count)},
            )
            .returning(table.c.last_number)
        )
        last = session.execute(statement).scalar_one()
        numbers = list(range(last - count + 1, last + 1))
    return [f"{prefix}-{year}-{number:06d}" for number in numbers]
