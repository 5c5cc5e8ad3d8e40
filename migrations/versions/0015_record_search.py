"""Full-text search of every record type (`q=`, SPEC §4.1), kept by the database itself.

PostgreSQL: a stored generated `tsvector` column `search_vector` on each record table with a
GIN index. It holds the record's searched text twice: through `ondermijning_dutch` (the
`dutch` configuration with `unaccent` before the Dutch stemmer: `woningen` finds `woning`)
and through `ondermijning_simple` (`simple` with `unaccent`: whole words, for prefixes — a
prefix of a word is not always a prefix of its stem). `unaccent` is a trusted extension
(PostgreSQL ≥ 13): the owner role that migrates needs only CREATE on the database.
SQLite: an FTS5 table `<table>_search` per record type (`unicode61 remove_diacritics 2`,
prefix queries), kept by triggers on insert, update and delete.

Both index the same text: the fields each record type declares (`RecordType.search`),
frozen below, and the identifiers `reference` and `postcode` once more without their dashes
and spaces (`SIG2023000017`, `3311AB`). Adding the generated column fills it for every
existing record, and the FTS tables are filled from the records here (backfill).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What each table's search holds, frozen as the declarations were at this revision: columns,
# or `address.<part>` for a part of the JSON address.
FIELDS = {
    "signals": (
        "reference",
        "external_id",
        "kvk_number",
        "address.postcode",
        "address.street",
        "neighbourhood",
        "description",
    ),
    "bestuurlijke_rapportages": (
        "reference",
        "external_id",
        "kvk_number",
        "address.postcode",
        "address.street",
        "summary",
    ),
    "measures": (
        "reference",
        "external_id",
        "kvk_number",
        "address.postcode",
        "address.street",
        "description",
    ),
    "campaigns": ("reference", "external_id", "title", "description"),
    "inspections": ("reference", "external_id", "neighbourhood", "findings"),
}
# Identifiers indexed a second time without the separator they are written with.
COMPACT = {"reference": "-", "address.postcode": " "}
# PostgreSQL's parser reads `-2023`, `info@cafe.nl`, `1.5` or `/a/b` as one token each;
# these become blanks, so that it cuts text into the same words as SQLite's `unicode61` and
# the query (`app/records/search.py`) do: runs of letters and digits.
JOINERS = "-./@:~"
DUTCH = "ondermijning_dutch"
SIMPLE = "ondermijning_simple"


def _value(field: str, dialect: str, row: str = "") -> str:
    if field.startswith("address."):
        part = field.removeprefix("address.")
        if dialect == "postgresql":
            return f"({row}address ->> '{part}')"
        return f"json_extract({row}address, '$.{part}')"
    return f"{row}{field}"


def document(table: str, dialect: str, row: str = "") -> str:
    """The SQL text of a record's searched fields, blank-separated, NULLs as ''."""
    parts: list[str] = []
    for field in FIELDS[table]:
        value = _value(field, dialect, row)
        parts.append(f"coalesce({value}, '')")
        if field in COMPACT:
            parts.append(f"coalesce(replace({value}, '{COMPACT[field]}', ''), '')")
    text = " || ' ' || ".join(parts)
    if dialect == "postgresql":
        return f"translate({text}, '{JOINERS}', '{' ' * len(JOINERS)}')"
    return text


def _unaccent_schema() -> str | None:
    """The schema of the `unaccent` dictionary, made here when it is not there yet and this
    role may; None when this role cannot use it (then PostgreSQL's search folds no
    accents, and is otherwise the same)."""
    bind = op.get_bind()
    find = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    )
    schema: str | None = bind.exec_driver_sql(find).scalar()
    available = bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).first()
    if schema is None and available:
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION unaccent")
        except DBAPIError:  # no CREATE on the database: search without accent folding
            return None
        schema = bind.exec_driver_sql(find).scalar()
    if (
        schema is None
        or not bind.exec_driver_sql(
            "SELECT has_schema_privilege(%(schema)s, 'USAGE')", {"schema": schema}
        ).scalar()
    ):
        return None  # in a schema this role may not use
    return schema


def _upgrade_postgresql() -> None:
    schema = _unaccent_schema()
    # Accent folding applies to the word types that can hold accents.
    fold = "" if schema is None else '"' + schema.replace('"', '""') + '".unaccent, '
    for name, copy, stem in ((DUTCH, "dutch", "dutch_stem"), (SIMPLE, "simple", "simple")):
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {copy})")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR word, hword, hword_part WITH {fold}{stem}"
        )
    for table in FIELDS:
        text = document(table, "postgresql")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            f"to_tsvector('{DUTCH}'::regconfig, {text}) || "
            f"to_tsvector('{SIMPLE}'::regconfig, {text})) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def _upgrade_sqlite() -> None:
    for table in FIELDS:
        search = f"{table}_search"
        op.execute(
            f"CREATE VIRTUAL TABLE {search} USING fts5("
            "record_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # Every name and expression here is this module's own constant, none an input.
        new = document(table, "sqlite", "new.")
        insert = f"INSERT INTO {search} (record_id, body) VALUES (new.id, {new});"  # noqa: S608
        remove = f"DELETE FROM {search} WHERE record_id = old.id;"  # noqa: S608
        op.execute(f"CREATE TRIGGER {search}_insert AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(
            f"CREATE TRIGGER {search}_update AFTER UPDATE ON {table} BEGIN {remove} {insert} END"
        )
        op.execute(f"CREATE TRIGGER {search}_delete AFTER DELETE ON {table} BEGIN {remove} END")
        op.execute(
            f"INSERT INTO {search} (record_id, body) "  # noqa: S608
            f"SELECT id, {document(table, 'sqlite')} FROM {table}"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in FIELDS:
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")  # and its index
        for name in (DUTCH, SIMPLE):
            op.execute(f"DROP TEXT SEARCH CONFIGURATION {name}")
        # `unaccent` stays: other databases objects may use it, and it holds no data.
        return
    for table in FIELDS:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_search_{action}")
        op.execute(f"DROP TABLE {table}_search")
