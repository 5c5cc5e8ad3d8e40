"""The rules every record type follows: validation, scoping, workflow, versions, audit.

Each record type declares itself once with a `RecordType` (app/records/kind.py); the
functions here apply the same rules to all of them, and are used by the record API and the
partner-event intake alike, so a record looks the same whichever way it came in.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.refusals import not_found_in_scope
from app.audit.service import audit, audit_many, changed_fields
from app.audit.service import deletes as audit_deletes
from app.audit.service import history as audit_history
from app.bulk import WithRows, insert_rows
from app.db import new_id, utcnow
from app.pagination import decode_sorted_cursor, encode_sorted_cursor, paginate_sorted
from app.problems import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidParam,
    NotFound,
    invalid_params_from_errors,
)
from app.progress.rollups import apply_record_change, apply_record_changes
from app.progress.statistics_rollups import apply_statistics_changes, statistics_upsert
from app.records.fields import RecordInput
from app.records.kind import LinkField, RecordType, attribute_of
from app.records.models import RecordColumns
from app.records.neighbours import Incoming, Neighbour, incoming, parse_expand, reverse_source
from app.records.queries import filter_conditions
from app.records.references import reference_sql, reserve_references, sequence_name
from app.records.registry import BY_MODEL
from app.records.search import search_condition
from app.reference.service import known_partners, known_themes
from app.schemas import Role

READ_ONLY = frozenset({"id", "reference", "version", "createdAt", "updatedAt"})
# Computed for the reader, never stored nor audited as the record's own change.
_DERIVED = frozenset({"updatedAt", "version", "allowedTransitions"})
# The roles that change records (SPEC §7); a partner only its own partner's.
_CHANGING_ROLES = frozenset({Role.PARTNER, Role.COORDINATOR, Role.ADMIN})


# ---------------------------------------------------------------- reading


def readable(caller: Caller, record_type: RecordType) -> Select[Any]:
    """The only way records are selected: already filtered for what the caller may see."""
    model = record_type.model
    return select(model).where(caller.readable(model))


def get_record(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    record_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Any:
    model = record_type.model
    statement = readable(caller, record_type).where(col(model.id) == record_id)
    if for_update:
        statement = statement.with_for_update()
    record = session.scalars(statement).first()
    if record is None:
        raise not_found_in_scope(
            NotFound(f"No {record_type.label} with this id."), record_type.resource, record_id
        )
    return record


def find_by_external_id(
    session: Session,
    partner: str,
    record_type: RecordType,
    external_id: str,
) -> Any:
    """A partner's record by its own id, or None (the caller is the partner itself)."""
    model = record_type.model
    return session.scalars(
        select(model).where(col(model.partner) == partner, col(model.external_id) == external_id)
    ).first()


def find_readable_by_external_id(
    session: Session, caller: Caller, record_type: RecordType, external_id: str
) -> Any:
    """The caller's own partner's record by its externalId, locked for an update, or None
    when there is none the caller may read: a record above its ceiling does not exist for
    it here either (SPEC §5)."""
    model = record_type.model
    return session.scalars(
        readable(caller, record_type)
        .where(col(model.partner) == caller.partner, col(model.external_id) == external_id)
        .with_for_update()
    ).first()


@dataclass(frozen=True)
class Listed:
    """One page of a record list: its items, the cursor of the next page, and the number
    of records matching the filters when it was asked for (`total=true`)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None


def list_records(session: Session, caller: Caller, record_type: RecordType, query: Any) -> Listed:
    """A page of the records the caller may read that match the query's filters, in the
    order of its `sort` (SPEC §4.1), paged by keyset cursors on (sort key, id)."""
    model = record_type.model
    expand = parse_expand(record_type, query.expand)
    dialect = session.get_bind().dialect.name
    conditions = filter_conditions(caller, record_type, query, dialect)
    conditions.append(search_condition(session, record_type, query.q))
    statement = readable(caller, record_type).where(*conditions)
    total = None
    if query.total:
        # Keeping the record table as the FROM: the filters may name none of its columns.
        counting = statement.with_only_columns(func.count(), maintain_column_froms=True)
        total = session.scalar(counting.order_by(None))
    sort: str = query.sort
    descending = sort.startswith("-")
    key_column = getattr(model, record_type.sorts[sort.removeprefix("-")])
    after = None
    if query.cursor is not None:
        after = decode_sorted_cursor(query.cursor, sort, _key_type(key_column))
    statement = paginate_sorted(
        statement, key_column, col(model.id), descending=descending, after=after, limit=query.limit
    )
    rows = list(session.scalars(statement).all())
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        next_cursor = encode_sorted_cursor(sort, getattr(last, key_column.key), last.id)
    audit(session, caller, "list", resource=record_type.resource, detail=f"{len(rows)} records")
    links = _load_links(session, record_type, rows, caller)
    items = [_as_output(record_type, row, links, caller) for row in rows]
    embed(session, caller, record_type, items, expand)
    return Listed(items, next_cursor, total)


def _key_type(column: Any) -> type:
    """The Python type of a sort key's column (through type decorators such as UTC times)."""
    column_type = getattr(column.type, "impl_instance", column.type)
    python_type: type = column_type.python_type
    return python_type


def _id(row: Any) -> uuid.UUID:
    record_id: uuid.UUID = row.id
    return record_id


def read_record(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    record_id: uuid.UUID,
    expand: str | None = None,
) -> dict[str, Any]:
    """The record as the caller may see it; `expand` (a comma list of link names) embeds
    the linked records it may read under `_embedded`."""
    neighbours = parse_expand(record_type, expand)
    record = get_record(session, caller, record_type, record_id)
    audit(session, caller, "read", resource=record_type.resource, record_id=record.id)
    body = output(session, record_type, record, caller)
    embed(session, caller, record_type, [body], neighbours)
    return body


def embed(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    bodies: list[dict[str, Any]],
    expand: Sequence[Neighbour],
) -> None:
    """Adds `_embedded` to the representations: per neighbour named, the linked records the
    caller may read, each in its own read representation. One query per neighbour (and
    per link kind of its type) for all bodies of a page; every record embedded is audited
    as a read."""
    if not expand:
        return
    for body in bodies:
        body["_embedded"] = {}
    for neighbour in expand:
        wanted = {target_id for body in bodies for target_id in (_ids_of(body.get(neighbour.name)))}
        found: dict[uuid.UUID, dict[str, Any]] = {}
        if wanted:
            target = neighbour.target
            rows = session.scalars(
                readable(caller, target)
                .where(col(target.model.id).in_(wanted))
                .order_by(col(target.model.id))
            ).all()
            links = _load_links(session, target, rows, caller)
            found = {row.id: _as_output(target, row, links, caller) for row in rows}
            audit_many(
                session,
                caller,
                "read",
                resource=target.resource,
                entries=[(row.id, None) for row in rows],
            )
        for body in bodies:
            items = [found[i] for i in _ids_of(body.get(neighbour.name)) if i in found]
            if neighbour.single:
                body["_embedded"][neighbour.expand] = items[0] if items else None
            else:
                body["_embedded"][neighbour.expand] = items


def _ids_of(value: Any) -> list[uuid.UUID]:
    """The ids of a link property's value: a list of ids, one id, or null."""
    values = value if isinstance(value, list) else [value]
    return [found for found in (_uuid(item) for item in values) if found is not None]


def output(
    session: Session, record_type: RecordType, record: Any, caller: Caller | None = None
) -> dict[str, Any]:
    """The record's representation (a validated output body, as a JSON-ready dict); with a
    caller, its links name only the records that caller may read, and `allowedTransitions`
    says which statuses it may move the record to."""
    links = _load_links(session, record_type, [record], caller)
    return _as_output(record_type, record, links, caller)


def _columns(record: Any) -> dict[str, Any]:
    return {column.name: getattr(record, column.name) for column in record.__table__.columns}


def _as_output(
    record_type: RecordType,
    record: Any,
    links: dict[str, dict[uuid.UUID, list[uuid.UUID]]],
    caller: Caller | None = None,
) -> dict[str, Any]:
    own_links = {name: by_record.get(record.id, []) for name, by_record in links.items()}
    return _representation(record_type, _columns(record), own_links, caller)


def allowed_transitions(
    record_type: RecordType, row: dict[str, Any], caller: Caller | None
) -> list[str]:
    """The statuses the caller may move this record to now: none without a workflow, or
    for a caller that may not change the record."""
    workflow = record_type.workflow
    if (
        workflow is None
        or caller is None
        or caller.role not in _CHANGING_ROLES
        or not caller.may_read(row["partner"], row["confidentiality"])
    ):
        return []
    return workflow.allowed_after(str(row["status"]))


def _load_links(
    session: Session,
    record_type: RecordType,
    records: Sequence[Any],
    caller: Caller | None = None,
) -> dict[str, dict[uuid.UUID, list[uuid.UUID]]]:
    """Every link of the given records, forward and reverse, in one query per link kind
    (no N+1); with a caller, only links to records it may read (SPEC §4.1: the others are
    left out of every list, and a single link it may not read is null)."""
    ids = [record.id for record in records]
    result: dict[str, dict[uuid.UUID, list[uuid.UUID]]] = {}
    for link in record_type.link_lists:
        result[link.name] = {}
        if not ids:
            continue
        table: Any = link.table.__table__  # type: ignore[attr-defined]
        owner, target = table.c[link.owner_column], table.c[link.target_column]
        statement = select(owner, target).where(owner.in_(ids))
        if caller is not None:
            target_id = col(link.target.id)
            statement = statement.join(link.target, target_id == target).where(
                caller.readable(link.target)
            )
        rows = session.execute(statement.order_by(owner, table.c.position)).all()
        for owner_id, target_id in rows:
            result[link.name].setdefault(owner_id, []).append(target_id)
    for link_field in record_type.link_fields:
        named = {
            record.id: getattr(record, link_field.column)
            for record in records
            if getattr(record, link_field.column) is not None
        }
        if caller is not None and named:
            shown = _readable_ids(session, caller, {link_field.target: set(named.values())})
            named = {
                owner_id: target_id
                for owner_id, target_id in named.items()
                if target_id in shown[link_field.target]
            }
        result[link_field.name] = {owner_id: [target_id] for owner_id, target_id in named.items()}
    for reverse in record_type.reverse_links:
        result[reverse.name] = _linking(
            session, reverse_source(record_type, reverse.name), ids, caller
        )
    return result


def _linking(
    session: Session,
    link: Incoming,
    ids: Sequence[uuid.UUID],
    caller: Caller | None = None,
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per record id, the records of another type whose link names it, oldest first (ids
    are UUIDv7): one query for all ids; with a caller, only those it may read."""
    if not ids:
        return {}
    source = link.source.model
    source_id = col(source.id)
    statement: Select[Any]
    if isinstance(link.link, LinkField):
        target = getattr(source, link.link.column)
        statement = select(target, source_id).where(target.in_(ids))
        if caller is not None:
            statement = statement.where(caller.readable(source))
        statement = statement.order_by(target, source_id)
    else:
        table: Any = link.link.table.__table__  # type: ignore[attr-defined]
        target, owner = table.c[link.link.target_column], table.c[link.link.owner_column]
        statement = select(target, owner).where(target.in_(ids))
        if caller is not None:
            statement = statement.join(source, source_id == owner).where(caller.readable(source))
        statement = statement.order_by(target, owner)
    result: dict[uuid.UUID, list[uuid.UUID]] = {}
    for target_id, source_record_id in session.execute(statement).all():
        result.setdefault(target_id, []).append(source_record_id)
    return result


# ---------------------------------------------------------------- validation


@dataclass
class ValidInput:
    values: dict[str, Any]  # column values by attribute name
    links: dict[str, list[uuid.UUID]]  # link lists by API name
    document: dict[str, Any]  # the validated input, JSON-ready, camelCase


def validate_document(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    document: Any,
    *,
    visible: dict[type[RecordColumns], set[uuid.UUID]] | None = None,
) -> ValidInput:
    """Validates a whole input document; every problem is reported at once (400).

    `visible` holds, per link target, the ids the caller may link to among those the
    documents name (see `visible_links`); it is looked up when not given."""
    if not isinstance(document, dict):
        raise InvalidInput.one("body", "object", "The body must be a JSON object.")
    document = dict(document)
    if record_type.derive is not None:
        record_type.derive(document)
    errors: list[InvalidParam] = []
    parsed: RecordInput | None = None
    try:
        parsed = record_type.input_schema.model_validate(document)
    except ValidationError as error:
        errors.extend(invalid_params_from_errors(error.errors()))
    reported = {param.name for param in errors} | {param.name.split(".")[0] for param in errors}

    theme = document.get("theme")
    if (
        isinstance(theme, str)
        and "theme" not in reported
        and not known_themes.exists(session, theme)
    ):
        errors.append(
            InvalidParam(name="theme", code="unknown-theme", reason=f"No theme `{theme}`.")
        )
    partner = _partner_of(session, caller, document.get("partner"), errors, reported)
    if visible is None:
        visible = visible_links(session, caller, record_type, [document])
    errors.extend(_check_links(record_type, document, reported, visible))
    if parsed is not None:
        if record_type.check is not None:
            errors.extend(record_type.check(session, parsed))
        if parsed.confidentiality.value not in caller.readable_levels:
            errors.append(
                InvalidParam(
                    name="confidentiality",
                    code="above-ceiling",
                    reason="Above the most confidential level this client may see "
                    f"(`{caller.max_confidentiality.value}`).",
                )
            )
    if errors or parsed is None:
        raise InvalidInput(errors)

    values: dict[str, Any] = {}
    link_names = {link.name for link in record_type.link_lists}
    for name, info in record_type.input_schema.model_fields.items():
        api_name = info.alias or name
        if api_name in link_names:
            continue
        value = getattr(parsed, name)
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_none=True) or None
        elif isinstance(value, list):
            value = [getattr(item, "value", item) for item in value]
        elif hasattr(value, "value"):
            value = value.value
        values[name] = value
    values["partner"] = partner
    links = {
        link.name: list(
            dict.fromkeys(getattr(parsed, attribute_of(record_type.input_schema, link.name)) or [])
        )
        for link in record_type.link_lists
    }
    dumped = parsed.model_dump(mode="json", by_alias=True)
    dumped["partner"] = partner
    return ValidInput(values, links, dumped)


def _partner_of(
    session: Session,
    caller: Caller,
    named: Any,
    errors: list[InvalidParam],
    reported: set[str],
) -> str:
    if "partner" in reported:
        return caller.partner or ""
    if named is None or named == caller.partner:
        if caller.partner is None:
            errors.append(
                InvalidParam(
                    name="partner",
                    code="required",
                    reason="This client acts for no partner; name the owning `partner`.",
                )
            )
            return ""
        return caller.partner
    if not caller.sees_all_partners:
        errors.append(
            InvalidParam(
                name="partner",
                code="not-your-partner",
                reason="A partner client registers records for its own partner only.",
            )
        )
        return caller.partner or ""
    if not isinstance(named, str) or not known_partners.exists(session, named):
        errors.append(
            InvalidParam(name="partner", code="unknown-partner", reason=f"No partner `{named}`.")
        )
        return ""
    return named


def _named_links(
    record_type: RecordType, document: dict[str, Any]
) -> list[tuple[str, type[RecordColumns], str, uuid.UUID]]:
    """(property path, target table, label, id) for every well-formed link in a document."""
    named: list[tuple[str, type[RecordColumns], str, uuid.UUID]] = []
    for link in record_type.link_lists:
        values = document.get(link.name)
        if not isinstance(values, list) or len(values) > 100:
            continue
        for index, value in enumerate(values):
            target_id = _uuid(value)
            if target_id is not None:
                named.append((f"{link.name}.{index}", link.target, link.target_label, target_id))
    for link_field in record_type.link_fields:
        target_id = _uuid(document.get(link_field.name))
        if target_id is not None:
            named.append((link_field.name, link_field.target, link_field.target_label, target_id))
    return named


def visible_links(
    session: Session, caller: Caller, record_type: RecordType, documents: Sequence[Any]
) -> dict[type[RecordColumns], set[uuid.UUID]]:
    """Of the records the documents link to, those the caller may see: one query per
    target table for all documents together."""
    wanted: dict[type[RecordColumns], set[uuid.UUID]] = {}
    for document in documents:
        if isinstance(document, dict):
            for _, target, _, target_id in _named_links(record_type, document):
                wanted.setdefault(target, set()).add(target_id)
    return _readable_ids(session, caller, wanted)


def _readable_ids(
    session: Session, caller: Caller, wanted: dict[type[RecordColumns], set[uuid.UUID]]
) -> dict[type[RecordColumns], set[uuid.UUID]]:
    """Of these ids per record table, those the caller may read: one query per table."""
    return {
        target: set(
            session.scalars(
                select(col(target.id)).where(col(target.id).in_(ids), caller.readable(target))
            )
        )
        for target, ids in wanted.items()
    }


def _check_links(
    record_type: RecordType,
    document: dict[str, Any],
    reported: set[str],
    visible: dict[type[RecordColumns], set[uuid.UUID]],
) -> list[InvalidParam]:
    """Links must point at records that exist and that the caller may see."""
    return [
        InvalidParam(name=name, code="unknown-link", reason=f"No {label} with id {target_id}.")
        for name, target, label, target_id in _named_links(record_type, document)
        if name not in reported and target_id not in visible.get(target, set())
    ]


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Created:
    """A record just stored, with its representation."""

    id: uuid.UUID
    reference: str
    version: int
    body: dict[str, Any]


def create_record(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    document: Any,
    *,
    audit_rows: list[dict[str, Any]] | None = None,
) -> Created:
    """Validates and stores a new record, with its audit entry and rollups, in the session.
    With `audit_rows`, the audit entry is added to that list for the caller to write."""
    result = create_records(session, caller, record_type, [document], audit_rows=audit_rows)[0]
    if isinstance(result, DomainError):
        raise result
    return result


def create_records(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    documents: Sequence[Any],
    *,
    audit_rows: list[dict[str, Any]] | None = None,
) -> list[Created | DomainError]:
    """Validates and stores many new records of one type: per document the record or why
    not (a validation error, or a Conflict on its externalId), in input order.

    Each statement serves all documents (link lookup, reference numbers, records, links,
    audit entries, rollups), so a batch costs about as many round trips as one record.
    Nothing is written before every document is validated."""
    results: list[Created | DomainError | None] = [None] * len(documents)
    visible = visible_links(session, caller, record_type, documents)
    valid: list[tuple[int, ValidInput]] = []
    claimed: set[tuple[str, str]] = set()
    for index, document in enumerate(documents):
        try:
            checked = validate_document(session, caller, record_type, document, visible=visible)
        except DomainError as error:
            results[index] = error
            continue
        external_id = checked.values.get("external_id")
        if external_id is not None:
            if (checked.values["partner"], external_id) in claimed:
                results[index] = _external_id_taken(record_type, checked.values)
                continue
            claimed.add((checked.values["partner"], external_id))
        valid.append((index, checked))
    if valid:
        _store_new(session, caller, record_type, valid, results, audit_rows)
    return [result for result in results if result is not None]


def _store_new(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    valid: list[tuple[int, ValidInput]],
    results: list[Created | DomainError | None],
    audit_rows: list[dict[str, Any]] | None = None,
) -> None:
    now = utcnow()
    workflow = record_type.workflow
    rows = []
    for _, checked in valid:
        status = checked.values.get("status")
        closed = workflow is not None and status in workflow.closing
        rows.append(
            {
                **checked.values,
                "id": new_id(),
                "created_at": now,
                "updated_at": now,
                "created_by": caller.stored_client_id,
                "version": 1,
                "closed_at": now if closed else None,
                "purged_at": None,
            }
        )
    # The statistics rollups are written by the records' INSERT itself (one statement
    # fewer per request); a row it leaves out (its externalId taken) is taken back below.
    statistics = statistics_upsert(session, record_type, [(None, row) for row in rows])
    inserted = _insert_new(session, record_type, rows, now.year, statistics)
    stored: list[tuple[dict[str, Any], ValidInput, dict[str, Any]]] = []
    left_out = []
    for (index, checked), row in zip(valid, rows, strict=True):
        reference = inserted.get(row["id"])
        if reference is None:
            results[index] = _external_id_taken(record_type, checked.values)
            left_out.append(row)
            continue
        row["reference"] = reference
        body = _representation(record_type, row, checked.links, caller)
        stored.append((row, checked, body))
        results[index] = Created(row["id"], reference, 1, body)
    if left_out:
        apply_statistics_changes(session, record_type, [(row, None) for row in left_out])
    if not stored:
        return
    _write_new_links(
        session, record_type, [(row["id"], checked.links) for row, checked, _ in stored]
    )
    audit_many(
        session,
        caller,
        "create",
        resource=record_type.resource,
        entries=[
            (
                row["id"],
                changed_fields({}, _auditable(record_type, body), record_type.personal_fields),
            )
            for row, _, body in stored
        ],
        into=audit_rows,
    )
    apply_record_changes(
        session, record_type, [(None, row) for row, _, _ in stored], statistics=False
    )


def _insert_new(
    session: Session,
    record_type: RecordType,
    rows: list[dict[str, Any]],
    year: int,
    statistics: WithRows | None = None,
) -> dict[uuid.UUID, str]:
    """One INSERT for all rows, which numbers them (`reference`); a row whose partner
    already has its externalId is left out (ON CONFLICT DO NOTHING), also when a concurrent
    transaction just stored it. Returns the reference of every row stored."""
    table: Any = record_type.model.__table__  # type: ignore[attr-defined]
    numbered: tuple[tuple[str, str], ...] = ()
    sequence = None
    if session.get_bind().dialect.name == "postgresql":
        numbered = (("reference", reference_sql(record_type.prefix, year)),)
        sequence = sequence_name(record_type.prefix)
    else:
        references = reserve_references(session, record_type.prefix, year, len(rows))
        rows = [{**row, "reference": ref} for row, ref in zip(rows, references, strict=True)]
    try:
        inserted = insert_rows(
            session,
            table,
            rows,
            conflict=("partner", "external_id"),
            returning=("id", "reference"),
            sql=numbered,
            sequence=sequence,
            with_rows=statistics,
        )
    except IntegrityError as error:  # a foreign key: a linked record was deleted meanwhile
        raise Conflict(
            f"A {record_type.label} could not be stored: a record it links to is gone."
        ) from error
    return {row.id: row.reference for row in inserted}


def _external_id_taken(record_type: RecordType, values: dict[str, Any]) -> Conflict:
    return Conflict(
        f"Partner `{values['partner']}` already has a {record_type.label} with externalId "
        f"`{values['external_id']}`."
    )


def _representation(
    record_type: RecordType,
    row: dict[str, Any],
    links: dict[str, list[uuid.UUID]],
    caller: Caller | None = None,
) -> dict[str, Any]:
    """The output body from column values and the links as loaded: lists of ids (a new
    record's own, or those `_load_links` found), and a single link where it was loaded."""
    values = dict(row)
    for link_name in (
        *(link.name for link in record_type.link_lists),
        *(reverse.name for reverse in record_type.reverse_links),
    ):
        values[attribute_of(record_type.output_schema, link_name)] = links.get(link_name, [])
    for link_field in record_type.link_fields:
        if link_field.name in links:
            values[link_field.column] = next(iter(links[link_field.name]), None)
    values["allowed_transitions"] = allowed_transitions(record_type, row, caller)
    body: BaseModel = record_type.output_schema.model_validate(values)
    return body.model_dump(mode="json", by_alias=True)


def _write_new_links(
    session: Session,
    record_type: RecordType,
    records: list[tuple[uuid.UUID, dict[str, list[uuid.UUID]]]],
) -> None:
    for link in record_type.link_lists:
        table: Any = link.table.__table__  # type: ignore[attr-defined]
        rows = [
            {link.owner_column: record_id, link.target_column: target, "position": position}
            for record_id, links in records
            for position, target in enumerate(links.get(link.name, []))
        ]
        if rows:
            session.execute(insert(table), rows)


def update_record(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    record: Any,
    patch: Any,
) -> Any:
    """Applies a JSON merge patch (RFC 7386) through the same validation as a create."""
    if not isinstance(patch, dict):
        raise InvalidInput.one("body", "object", "A merge patch must be a JSON object.")
    before = output(session, record_type, record, caller)
    # Links to records the caller may not read are not shown to it, so they are kept.
    every_link = {
        name: by_record.get(record.id, [])
        for name, by_record in _load_links(session, record_type, [record]).items()
    }
    errors = [
        InvalidParam(name=name, code="read-only", reason="Set by the service; cannot be changed.")
        for name in sorted(READ_ONLY & patch.keys())
        if patch[name] != before.get(name)
    ]
    if errors:
        raise InvalidInput(errors)
    patch = {name: value for name, value in patch.items() if name not in READ_ONLY}
    document = {name: before[name] for name in record_type.input_names if name in before}
    merged = merge_patch(document, patch)
    valid = validate_document(session, caller, record_type, merged)
    for link_field in record_type.link_fields:
        # A single link the caller was shown as null (it may not read the record) stays,
        # unless the patch names another.
        if valid.values.get(link_field.column) == _uuid(before.get(link_field.name)):
            valid.values[link_field.column] = getattr(record, link_field.column)

    workflow = record_type.workflow
    old_status = getattr(record, "status", None)
    if workflow is not None:
        workflow.check(str(old_status), valid.values["status"])
    external_id = valid.values.get("external_id")
    if (
        external_id is not None
        and (external_id, valid.values["partner"]) != (record.external_id, record.partner)
        and find_by_external_id(session, valid.values["partner"], record_type, external_id)
    ):
        raise Conflict(
            f"externalId `{external_id}` is already used by another {record_type.label}."
        )

    old_columns = _columns(record)
    for name, value in valid.values.items():
        setattr(record, name, value)
    links_changed = any(
        valid.links[link.name] != [uuid.UUID(str(v)) for v in before.get(link.name, [])]
        for link in record_type.link_lists
    )
    if _columns(record) == old_columns and not links_changed:
        return record  # nothing changed: no new version
    now = utcnow()
    record.updated_at = now
    record.version = record.version + 1
    if workflow is not None and record.status != old_status and record.status in workflow.closing:
        record.closed_at = now
    session.add(record)
    _flush(session, record_type)
    _replace_links(session, record_type, record.id, _with_hidden(valid.links, before, every_link))
    after = output(session, record_type, record, caller)
    audit(
        session,
        caller,
        "update",
        resource=record_type.resource,
        record_id=record.id,
        changes=changed_fields(
            _auditable(record_type, before),
            _auditable(record_type, after),
            record_type.personal_fields,
        ),
    )
    apply_record_change(session, record_type, old_columns, _columns(record))
    return record


def _with_hidden(
    links: dict[str, list[uuid.UUID]],
    shown: dict[str, Any],
    every_link: dict[str, list[uuid.UUID]],
) -> dict[str, list[uuid.UUID]]:
    """The links to store after a caller's patch: the ones it gave, plus those it was not
    shown. A list it left as shown stays exactly as stored, order included."""
    result = {}
    for name, targets in links.items():
        stored = every_link.get(name, [])
        visible = [uuid.UUID(str(target)) for target in shown.get(name, [])]
        if targets == visible:
            result[name] = stored
        else:
            result[name] = [*targets, *(target for target in stored if target not in visible)]
    return result


def delete_record(session: Session, caller: Caller, record_type: RecordType, record: Any) -> None:
    """Deletes the record; the records that link to it lose that link, and each gets a new
    version and a history entry saying so (SPEC §4.1), in the same transaction."""
    before = output(session, record_type, record, caller)
    old_columns = _columns(record)
    for link in incoming(record_type):
        _unlink(session, caller, link, record.id)
    session.delete(record)
    session.flush()
    audit(
        session,
        caller,
        "delete",
        resource=record_type.resource,
        record_id=record.id,
        changes=changed_fields(_auditable(record_type, before), {}, record_type.personal_fields),
    )
    apply_record_change(session, record_type, old_columns, None)


def _unlink(session: Session, caller: Caller, link: Incoming, target_id: uuid.UUID) -> None:
    """Removes the links of one kind to a record about to be deleted: every record of the
    source type holding it (whoever may read it) moves on a version, with a history entry
    of the link's old and new value."""
    source = link.source
    linking = _linking(session, link, [target_id]).get(target_id, [])
    if not linking:
        return
    records = session.scalars(
        select(source.model)
        .where(col(source.model.id).in_(linking))
        .order_by(col(source.model.id))
        .with_for_update()
    ).all()
    now = utcnow()
    entries: list[tuple[uuid.UUID, dict[str, Any] | None]] = []
    changes: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    if isinstance(link.link, LinkField):
        column = link.link.column
        for record in records:
            old_columns = _columns(record)
            setattr(record, column, None)
            _next_version(session, record, now)
            entries.append((record.id, {link.link.name: {"old": str(target_id), "new": None}}))
            changes.append((old_columns, _columns(record)))
    else:
        stored = _load_links(session, source, records)[link.link.name]
        table: Any = link.link.table.__table__  # type: ignore[attr-defined]
        # The foreign key cascades too; deleted here so that every database does the same.
        session.execute(delete(table).where(table.c[link.link.target_column] == target_id))
        for record in records:
            old = [str(target) for target in stored.get(record.id, [])]
            new = [target for target in old if target != str(target_id)]
            _next_version(session, record, now)
            entries.append(
                (
                    record.id,
                    changed_fields({link.link.name: old}, {link.link.name: new}, frozenset()),
                )
            )
    session.flush()
    audit_many(session, caller, "update", resource=source.resource, entries=entries)
    apply_record_changes(session, source, changes)


def _next_version(session: Session, record: Any, now: Any) -> None:
    record.updated_at = now
    record.version = record.version + 1
    session.add(record)


def _auditable(record_type: RecordType, body: dict[str, Any]) -> dict[str, Any]:
    """The fields a write of this record changes: not the derived ones, nor the reverse
    links (those are the other records' own)."""
    derived = _DERIVED | {reverse.name for reverse in record_type.reverse_links}
    return {name: value for name, value in body.items() if name not in derived}


def _flush(session: Session, record_type: RecordType) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        # Two writers raced for the same externalId; the unique constraint decided.
        raise Conflict(
            f"A {record_type.label} with this partner and externalId already exists."
        ) from error


def _replace_links(
    session: Session,
    record_type: RecordType,
    record_id: uuid.UUID,
    links: dict[str, list[uuid.UUID]],
) -> None:
    for link in record_type.link_lists:
        table: Any = link.table.__table__  # type: ignore[attr-defined]
        session.execute(delete(table).where(table.c[link.owner_column] == record_id))
    _write_new_links(session, record_type, [(record_id, links)])


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def history(
    session: Session, caller: Caller, record_type: RecordType, record_id: uuid.UUID
) -> tuple[int, list[dict[str, Any]]]:
    """The record's version (every entry of its history made one) and the history."""
    record = get_record(session, caller, record_type, record_id)
    audit(session, caller, "read-history", resource=record_type.resource, record_id=record.id)
    entries = audit_history(session, record_type.resource, record.id)
    visible = _visible_in_changes(session, caller, record_type, [e.changes for e in entries])
    return record.version, [
        {
            "at": entry.occurred_at,
            "action": entry.action,
            "clientName": entry.client_name,
            "partner": entry.partner,
            "changes": _readable_changes(record_type, entry.changes or {}, visible),
        }
        for entry in entries
    ]


def _visible_in_changes(
    session: Session,
    caller: Caller,
    record_type: RecordType,
    changes: Sequence[dict[str, Any] | None],
) -> set[str]:
    """Of the record ids that changes of links name, those the caller may read."""
    named: dict[type[RecordColumns], set[uuid.UUID]] = {}
    links = [
        *((link.name, link.target) for link in record_type.link_lists),
        *((link.name, link.target) for link in record_type.link_fields),
    ]
    for change in changes:
        for name, target in links:
            values = (change or {}).get(name) or {}
            for side in ("old", "new"):
                for target_id in _ids_of(values.get(side)):
                    named.setdefault(target, set()).add(target_id)
    readable_ids = _readable_ids(session, caller, named)
    visible = {str(found) for ids in readable_ids.values() for found in ids}
    gone = {
        target: ids - readable_ids[target]
        for target, ids in named.items()
        if ids - readable_ids[target]
    }
    return visible | _deleted_ones_it_could_read(session, caller, gone)


def _deleted_ones_it_could_read(
    session: Session, caller: Caller, wanted: dict[type[RecordColumns], set[uuid.UUID]]
) -> set[str]:
    """Of ids that no readable record has, those of records deleted while the caller could
    read them: their delete's audit entry keeps their partner and confidentiality. So the
    history of a link removed by a delete names the record to whoever could see it."""
    found: set[str] = set()
    for target, ids in wanted.items():
        resource = BY_MODEL[target].resource
        for entry in audit_deletes(session, resource, ids):
            changes = entry.changes or {}
            partner = (changes.get("partner") or {}).get("old")
            level = (changes.get("confidentiality") or {}).get("old")
            if (
                isinstance(partner, str)
                and isinstance(level, str)
                and caller.may_read(partner, level)
            ):
                found.add(str(entry.record_id))
    return found


def _readable_changes(
    record_type: RecordType, changes: dict[str, Any], visible: set[str]
) -> dict[str, Any]:
    """A history entry's changes as the caller may see them: links name only the records
    it may read (a single link it may not read is null); a change it cannot see at all is
    left out."""
    result = dict(changes)
    for link in record_type.link_lists:
        change = changes.get(link.name)
        if not isinstance(change, dict) or "old" not in change:
            continue
        old, new = (
            [value for value in change.get(side) or [] if str(value) in visible]
            for side in ("old", "new")
        )
        if old == new:
            result.pop(link.name)
        else:
            result[link.name] = {"old": old, "new": new}
    for link_field in record_type.link_fields:
        change = changes.get(link_field.name)
        if not isinstance(change, dict) or "old" not in change:
            continue
        old_id, new_id = (
            value if str(value) in visible else None
            for value in (change.get("old"), change.get("new"))
        )
        if old_id == new_id:
            result.pop(link_field.name)
        else:
            result[link_field.name] = {"old": old_id, "new": new_id}
    return result
