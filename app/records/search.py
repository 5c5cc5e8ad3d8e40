"""Full-text search of record lists (`q=`, SPEC §4.1): the user's words, and the condition
a list query adds for them, against the index the database keeps (migration 0015).

The query is cut into words as the index cuts its text: runs of letters and digits.
Every word must match, as a whole word or a word prefix, case- and accent-insensitive; on
PostgreSQL also by its Dutch stem. A reference (`SIG-2023-000017`), a postcode (`3311 AB`,
`3311ab`) and a KvK number (8 digits) match whole: the index holds the first two also
without their dashes and spaces. The words reach the database only as quoted terms in a
bound parameter, so no query syntax of the user's ever takes effect.

On PostgreSQL the words become a `tsquery` in a statement of their own, and the list's
query compares the index with that value: were `to_tsquery` part of the list's query, a
plan that filters rows in sort order (the fast one for common words) would parse and stem
the words again for every row it reads, and a prepared statement's generic plan would too.
The transaction of a search plans its statements for their parameters (`CUSTOM_PLANS`).
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY
from sqlmodel import Session, col

from app.records.kind import RecordType
from app.records.search_terms import Term, search_terms

# The text search configurations of migration 0015.
DUTCH = "ondermijning_dutch"
SIMPLE = "ondermijning_simple"
SEARCH_VECTOR = "search_vector"
# For the rest of the transaction: plan each statement for its own words. psycopg prepares
# a statement run five times, and PostgreSQL may then plan it once for any words, with a
# guessed selectivity: a partner's two-word search took 60-80 ms instead of 7 ms on such a
# generic plan (bench/lists.py at 1M records).
CUSTOM_PLANS = ("plan_cache_mode", "force_custom_plan")


def search_table_name(record_type: RecordType) -> str:
    """The SQLite FTS5 table of a record type's search."""
    return f"{_table_name(record_type)}_search"


def search_condition(
    session: Session, record_type: RecordType, q: str | None
) -> ColumnElement[bool]:
    """The records whose text matches every word of `q` (all records when there is none)."""
    terms = search_terms(q) if q else []
    if not terms:
        return true()
    model: Any = record_type.model
    if session.get_bind().dialect.name == "postgresql":
        vector: ColumnElement[Any] = column(SEARCH_VECTOR, _selectable=model.__table__)
        words = session.scalar(
            select(cast(_tsquery(terms), Text), func.set_config(*CUSTOM_PLANS, True))
        )
        return vector.bool_op("@@")(cast(bindparam("search_query", words), TSQUERY))
    fts = table(search_table_name(record_type), column("record_id"))
    matching = select(fts.c.record_id).where(
        column(search_table_name(record_type)).bool_op("MATCH")(literal(_fts5_query(terms)))
    )
    return col(model.id).in_(matching)


def _table_name(record_type: RecordType) -> str:
    name: str = record_type.model.__tablename__  # type: ignore[assignment]
    return name


def _quoted(text: str, quote: str) -> str:
    return quote + text.replace(quote, quote * 2) + quote


def _tsquery(terms: list[Term]) -> ColumnElement[Any]:
    """Per word: its Dutch stem, or (whole words only) a prefix of a word; all words."""
    query: ColumnElement[Any] | None = None
    for term in terms:
        quoted = _quoted(term.text.replace("\\", "\\\\"), "'")
        simple = _to_tsquery(SIMPLE, quoted + (":*" if term.prefix else ""))
        either = _to_tsquery(DUTCH, quoted).op("||")(simple) if term.prefix else simple
        query = either if query is None else query.op("&&")(either)
    assert query is not None
    return query


def _to_tsquery(config: str, text: str) -> ColumnElement[Any]:
    # The configuration is one of this module's names, written into the statement.
    configuration = literal_column(f"'{config}'::regconfig", REGCONFIG)
    return func.to_tsquery(configuration, literal(text), type_=TSQUERY)


def _fts5_query(terms: list[Term]) -> str:
    return " AND ".join(_quoted(term.text, '"') + ("*" if term.prefix else "") for term in terms)
