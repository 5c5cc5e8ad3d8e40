"""Many rows in one INSERT whose text does not depend on how many rows there are.

On PostgreSQL the rows go as one JSON parameter, typed by the table's columns:
`INSERT … SELECT … FROM jsonb_to_recordset(:rows) AS u(column type, …)`. The statement text
is the same for 1 or 1000 rows, so psycopg parses it once and the server prepares it once; a
multi-row VALUES list (SQLAlchemy's executemany with RETURNING) is a new statement text for
every batch size, parsed again on every call. The rows are serialised by orjson (C, and it
writes UUIDs, dates and timestamps itself); psycopg's text arrays escape every string with a
regular expression, which took a third of a batch's time. SQLite gets a plain executemany
INSERT.

Values are given by column name, as the table's columns hold them (JSON columns as Python
objects). `sql` overrides a column's value with an SQL expression over the row (its
columns are `u.<column>`), e.g. a reference number from a sequence.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import JSON, Row, Table, TextClause, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import UTCDateTime

_DIALECT = postgresql.dialect()


@dataclass(frozen=True)
class WithRows:
    """Rows for another table, written by the same statement (`insert_rows(with_rows=…)`),
    skipping or adding on `conflict` as `insert_rows` does; `sql` only on PostgreSQL."""

    table: Table
    rows: Sequence[dict[str, Any]]
    conflict: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    sql: tuple[tuple[str, str], ...] = ()

    def insert(self, session: Session) -> None:
        """The rows in a statement of their own (what `insert_rows(with_rows=self)` adds)."""
        insert_rows(
            session, self.table, self.rows, conflict=self.conflict, add=self.add, sql=self.sql
        )


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
    with_rows: tuple[Table, Sequence[dict[str, Any]]] | WithRows | None = None,
) -> list[Row[Any]]:
    """Inserts the rows (all with the same keys), skipping those that conflict on the
    unique `conflict` columns when given, or adding their `add` columns to the stored row's
    (a counter upsert); returns the `returning` columns of the rows inserted, and the
    `returning_sql` expressions (PostgreSQL; over the inserted row). With a
    `sequence`, `u.n` in the `sql` expressions is its next value for the row (taken once
    per row, in row order). `with_rows` (a table and rows for it) are inserted by the same
    statement, whatever happens to the rows (a data-modifying WITH on PostgreSQL); a
    `WithRows` says how they conflict."""
    if not rows:
        return []
    columns = tuple(rows[0])
    extra = WithRows(*with_rows) if isinstance(with_rows, tuple) else with_rows
    if extra is not None and not extra.rows:
        extra = None
    if session.get_bind().dialect.name != "postgresql":
        if returning_sql:
            raise NotImplementedError("RETURNING expressions are PostgreSQL-only")
        if extra is not None:
            extra.insert(session)
        return _sqlite_insert(session, table, rows, conflict, returning, dict(sql), sequence, add)
    statement = _recordset_insert(
        table, columns, conflict, returning + returning_sql, sql, sequence, add, len(returning)
    )
    parameters = {"rows": _rows_json(table, columns, rows)}
    if extra is not None:
        with_columns = tuple(extra.rows[0])
        statement = _with_insert(
            extra.table, with_columns, extra.conflict, extra.add, extra.sql, statement
        )
        parameters["with_rows"] = _rows_json(extra.table, with_columns, extra.rows)
    # On the session's connection (its transaction), without the ORM's execution layer.
    result = session.connection().execute(statement, parameters)
    return list(result.all()) if returning or returning_sql else []


def _rows_json(table: Table, columns: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> str:
    converters = _converters(table, columns)
    if any(converters):
        rows = [
            {
                name: row[name] if convert is None or row[name] is None else convert(row[name])
                for name, convert in zip(columns, converters, strict=True)
            }
            for row in rows
        ]
    # Naive timestamps are UTC, as UTCDateTime has it.
    return orjson.dumps(rows, option=orjson.OPT_NAIVE_UTC).decode()


def _definitions(table: Table, columns: tuple[str, ...]) -> str:
    """The column definition list of jsonb_to_recordset: each column with its table's type."""
    quote = _DIALECT.identifier_preparer.quote
    definitions = []
    for name in columns:
        column_type = table.c[name].type
        kind = "JSONB" if isinstance(column_type, JSON) else column_type.compile(dialect=_DIALECT)
        definitions.append(f"{quote(name)} {kind}")
    return ", ".join(definitions)


@lru_cache(maxsize=64)
def _converters(table: Table, columns: tuple[str, ...]) -> tuple[Callable[[Any], Any] | None, ...]:
    """Per column: the type's own bind processing (a type decorator's), or None: for most
    types, for JSON (orjson writes it) and for UTCDateTime (orjson writes UTC)."""
    return tuple(
        None
        if isinstance(table.c[name].type, JSON | UTCDateTime)
        else table.c[name].type.bind_processor(_DIALECT)
        for name in columns
    )


@lru_cache(maxsize=64)
def _recordset_insert(
    table: Table,
    columns: tuple[str, ...],
    conflict: tuple[str, ...],
    returning: tuple[str, ...],
    sql: tuple[tuple[str, str], ...],
    sequence: str | None,
    add: tuple[str, ...],
    returned_columns: int,
    parameter: str = "rows",
) -> TextClause:
    quote = _DIALECT.identifier_preparer.quote
    overrides = dict(sql)
    selected = [f"u.{quote(name)}" for name in columns]
    names = list(columns)
    for name, expression in overrides.items():
        if name not in columns:
            names.append(name)
            selected.append(expression)
        else:
            selected[columns.index(name)] = expression
    rowset = f"jsonb_to_recordset(CAST(:{parameter} AS JSONB)) AS u({_definitions(table, columns)})"
    source = rowset
    if sequence is not None:
        # A subquery with a volatile target is not flattened: one nextval per row, however
        # often the expressions use `u.n`.
        source = f"(SELECT u.*, nextval('{quote(sequence)}') AS n FROM {rowset}) AS u"  # noqa: S608
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


@lru_cache(maxsize=64)
def _with_insert(
    table: Table,
    columns: tuple[str, ...],
    conflict: tuple[str, ...],
    add: tuple[str, ...],
    sql: tuple[tuple[str, str], ...],
    statement: TextClause,
) -> TextClause:
    """`statement`, preceded by the INSERT of `:with_rows` into `table` (skipping or adding
    on `conflict`) as a WITH query."""
    insert = _recordset_insert(table, columns, conflict, (), sql, None, add, 0, "with_rows")
    return text(f"WITH with_rows AS ({insert.text}) " + statement.text)


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
