"""Many rows in one INSERT whose text does not depend on how many rows there are.

On PostgreSQL the rows go as one array per column: `INSERT … SELECT … FROM unnest(…)`. The
statement text is the same for 1 or 1000 rows, so psycopg parses it once and the server
prepares it once; a multi-row VALUES list (SQLAlchemy's executemany with RETURNING) is a new
statement text for every batch size, parsed again on every call. SQLite gets a plain
executemany INSERT.

Values are given by column name, as the table's columns hold them (JSON columns as Python
objects). `sql` overrides a column's value with an SQL expression over the row (the
unnested columns are named after the table's), e.g. a reference number from a sequence.
"""

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Row, Table, TextClause, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_DIALECT = postgresql.dialect()


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: tuple[str, ...] = (),
    returning: tuple[str, ...] = (),
    sql: tuple[tuple[str, str], ...] = (),
    sequence: str | None = None,
    add: tuple[str, ...] = (),
    returning_sql: tuple[str, ...] = (),
) -> list[Row[Any]]:
    """Inserts the rows (all with the same keys), skipping those that conflict on the
    unique `conflict` columns when given, or adding their `add` columns to the stored row's
    (a counter upsert); returns the `returning` columns of the rows inserted, and the
    `returning_sql` expressions (PostgreSQL; over the inserted row). With a
    `sequence`, `u.n` in the `sql` expressions is its next value for the row (taken once
    per row, in row order)."""
    if not rows:
        return []
    columns = tuple(rows[0])
    if session.get_bind().dialect.name != "postgresql":
        if returning_sql:
            raise NotImplementedError("RETURNING expressions are PostgreSQL-only")
        return _sqlite_insert(session, table, rows, conflict, returning, dict(sql), sequence, add)
    statement = _unnest_insert(
        table, columns, conflict, returning + returning_sql, sql, sequence, add, len(returning)
    )
    parameters = {}
    for index, (name, convert) in enumerate(zip(columns, _converters(table, columns), strict=True)):
        values = [row[name] for row in rows]
        if convert is not None:
            values = [None if value is None else convert(value) for value in values]
        parameters[f"c{index}"] = values
    # On the session's connection (its transaction), without the ORM's execution layer.
    result = session.connection().execute(statement, parameters)
    return list(result.all()) if returning or returning_sql else []


@lru_cache(maxsize=64)
def _converters(table: Table, columns: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    """Per column: JSON to its text, the type's own bind processing, or nothing."""
    converters: list[Callable[[Any], Any] | None] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converters.append(json.dumps)
        else:  # e.g. a type decorator's own processing; None for most types
            converters.append(column_type.bind_processor(_DIALECT))
    return converters


@lru_cache(maxsize=64)
def _unnest_insert(
    table: Table,
    columns: tuple[str, ...],
    conflict: tuple[str, ...],
    returning: tuple[str, ...],
    sql: tuple[tuple[str, str], ...],
    sequence: str | None,
    add: tuple[str, ...],
    returned_columns: int,
) -> TextClause:
    quote = _DIALECT.identifier_preparer.quote
    overrides = dict(sql)
    arrays, selected, aliases = [], [], []
    for index, name in enumerate(columns):
        column = table.c[name]
        alias = f"u.{quote(name)}"
        aliases.append(quote(name))
        if isinstance(column.type, JSON):
            arrays.append(f"CAST(:c{index} AS TEXT[])")
            selected.append(f"CAST({alias} AS JSONB)")
        else:
            arrays.append(f"CAST(:c{index} AS {column.type.compile(dialect=_DIALECT)}[])")
            selected.append(alias)
    names = list(columns)
    for name, expression in overrides.items():
        if name not in columns:
            names.append(name)
            selected.append(expression)
        else:
            selected[columns.index(name)] = expression
    source = f"unnest({', '.join(arrays)}) AS u({', '.join(aliases)})"
    if sequence is not None:
        # A subquery with a volatile target is not flattened: one nextval per row, however
        # often the expressions use `u.n`.
        source = (
            f"(SELECT v.*, nextval('{quote(sequence)}') AS n "  # noqa: S608
            f"FROM unnest({', '.join(arrays)}) AS v({', '.join(aliases)})) AS u"
        )
    # Only the table's own names and the caller's constant expressions: no input in the text.
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM {source}"
    )
    if conflict:
        statement += f" ON CONFLICT ({', '.join(quote(name) for name in conflict)})"
        if add:
            sums = (
                f"{quote(c)} = {quote(table.name)}.{quote(c)} + EXCLUDED.{quote(c)}" for c in add
            )
            statement += f" DO UPDATE SET {', '.join(sums)}"
        else:
            statement += " DO NOTHING"
    if returning:
        names = [quote(name) for name in returning[:returned_columns]]
        statement += f" RETURNING {', '.join([*names, *returning[returned_columns:]])}"
    return text(statement)


def _sqlite_insert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict: tuple[str, ...],
    returning: tuple[str, ...],
    sql: dict[str, str],
    sequence: str | None,
    add: tuple[str, ...],
) -> list[Row[Any]]:
    if sql or sequence:
        raise NotImplementedError("SQL expressions are PostgreSQL-only; give the values")
    statement: Any = sqlite.insert(table)
    if conflict and add:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={c: table.c[c] + statement.excluded[c] for c in add},
        )
    elif conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return list(session.execute(statement, list(rows)).all())
    session.execute(statement, list(rows))
    return []
