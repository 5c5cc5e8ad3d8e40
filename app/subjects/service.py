"""One subject's story (SPEC §4.2): every record of any type the caller may read that names
the business (its KvK number) or the premises (postcode and house number), or, for a type
that declares it, names a record that does (a measure through its rapportage).

Which types name a subject, and where, is each type's `subject` declaration; this module
names no record type.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, literal, or_, select, tuple_, union_all
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.service import audit
from app.pagination import decode_sorted_cursor, encode_sorted_cursor
from app.problems import InvalidInput, InvalidParam
from app.progress.counting import counted
from app.records.kind import RecordType, attribute_of
from app.records.models import house_number_of, postcode_of
from app.records.registry import RECORD_TYPES
from app.subjects.schemas import SubjectQuery

# The cursor names the order it pages, like the record lists' cursors.
ORDER = "-date"
EARLIER_MEASURES_LIMIT = 100


@dataclass(frozen=True)
class Lookup:
    """What identifies the subject: a KvK number, or a postcode and house number."""

    kvk_number: str | None
    postcode: str | None
    house_number: str | None

    @classmethod
    def of(cls, query: SubjectQuery) -> "Lookup":
        by_address = query.postcode is not None or query.house_number is not None
        if query.kvk_number is not None and by_address:
            raise InvalidInput.one(
                "kvkNumber", "conflict", "Give either `kvkNumber` or `postcode` and `houseNumber`."
            )
        if query.kvk_number is None and not by_address:
            raise InvalidInput.one(
                "kvkNumber", "required", "Give `kvkNumber`, or `postcode` and `houseNumber`."
            )
        missing = [
            InvalidParam(name=name, code="required", reason=f"Give `{name}` with `{other}`.")
            for name, value, other in (
                ("postcode", query.postcode, "houseNumber"),
                ("houseNumber", query.house_number, "postcode"),
            )
            if by_address and value is None
        ]
        if missing:
            raise InvalidInput(missing)
        return cls(query.kvk_number, query.postcode, query.house_number)

    def names(self, record_type: RecordType, model: Any) -> ColumnElement[bool]:
        """Whether a record of this type names the subject itself."""
        fields = record_type.subject
        if fields is None:
            return false()
        if self.kvk_number is not None:
            if fields.kvk_column is None:
                return false()
            return getattr(model, fields.kvk_column) == self.kvk_number
        if fields.address_column is None or self.house_number is None:
            return false()
        address = getattr(model, fields.address_column)
        number = house_number_of(address)
        if self.house_number.isdigit():
            # No addition given: every addition at that number (12, 12A, 12BIS; not 120).
            length = len(self.house_number)
            at_number = or_(
                number == self.house_number,
                (func.substr(number, 1, length) == self.house_number)
                & (func.substr(number, length + 1, 1).not_in(list("0123456789"))),
            )
        else:
            at_number = number == self.house_number
        return (postcode_of(address) == self.postcode) & at_number


def _by_model() -> dict[Any, RecordType]:
    return {record_type.model: record_type for record_type in RECORD_TYPES}


def about(
    session: Session, caller: Caller, lookup: Lookup, record_type: RecordType
) -> ColumnElement[bool]:
    """The records of a type that the caller may read and that are about the subject: by
    their own fields, or through the link their type declares (to a record the caller may
    read that names the subject). The linked ids are looked up first, so that both sides
    of the OR are index scans (an `IN (subquery)` there would scan the whole table)."""
    model = record_type.model
    condition = lookup.names(record_type, model)
    fields = record_type.subject
    if fields is not None and fields.through is not None:
        link = next(link for link in record_type.link_fields if link.name == fields.through)
        target_type = _by_model()[link.target]
        target = link.target
        linked = list(
            session.scalars(
                select(col(target.id)).where(
                    caller.readable(target), lookup.names(target_type, target)
                )
            )
        )
        if linked:
            condition = or_(condition, getattr(model, link.column).in_(linked))
    return caller.readable(model) & condition


def _item(record_type: RecordType, record: Any) -> dict[str, Any]:
    """A record as an item of the story: what identifies it, and its declared summary."""
    item: dict[str, Any] = {
        "resource": record_type.resource,
        "id": record.id,
        "reference": record.reference,
        "date": getattr(record, record_type.date_field),
        "status": getattr(record, "status", None),
    }
    for name in record_type.subject.summary if record_type.subject else ():
        attribute = attribute_of(record_type.output_schema, name)
        item[attribute] = getattr(record, attribute)
    return item


def _load(session: Session, rows: list[tuple[str, uuid.UUID]]) -> list[dict[str, Any]]:
    """The records of (resource, id) rows, one query per type, in the rows' order."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for resource, record_id in rows:
        wanted.setdefault(resource, []).append(record_id)
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for record_type in RECORD_TYPES:
        ids = wanted.get(record_type.resource)
        if ids:
            model = record_type.model
            for record in session.scalars(select(model).where(col(model.id).in_(ids))):
                found[record.id] = _item(record_type, record)
    return [found[record_id] for _, record_id in rows if record_id in found]


def subject_story(session: Session, caller: Caller, query: SubjectQuery) -> dict[str, Any]:
    """The subject's records newest first by their own dates (paged by a keyset cursor on
    date and id), the counts per type, and the measures before the latest one."""
    lookup = Lookup.of(query)
    types = [record_type for record_type in RECORD_TYPES if record_type.subject is not None]
    conditions = {
        record_type.resource: about(session, caller, lookup, record_type) for record_type in types
    }
    counts = {record_type.enum_member.lower(): 0 for record_type in RECORD_TYPES}
    for record_type in types:
        model = record_type.model
        counts[record_type.enum_member.lower()] = (
            session.scalar(
                select(func.count()).select_from(model).where(conditions[record_type.resource])
            )
            or 0
        )
    after = None
    if query.cursor is not None:
        after = decode_sorted_cursor(query.cursor, ORDER, date)
    branches = []
    for record_type in types:
        model = record_type.model
        date_column = getattr(model, record_type.date_field)
        model_id: Any = col(model.id)
        branch = select(
            literal(record_type.resource).label("resource"),
            col(model.id).label("id"),
            date_column.label("date"),
        ).where(conditions[record_type.resource])
        if after is not None:
            branch = branch.where(
                tuple_(date_column, col(model.id))
                < tuple_(
                    literal(after[0], date_column.type),
                    literal(after[1], model_id.type),
                )
            )
        # Each branch is ordered and limited on its own, through its own indexes.
        branches.append(
            branch.order_by(date_column.desc(), col(model.id).desc()).limit(query.limit + 1)
        )
    story = union_all(*(branch.subquery().select() for branch in branches)).subquery()
    page = session.execute(
        select(story.c.resource, story.c.id, story.c.date)
        .order_by(story.c.date.desc(), story.c.id.desc())
        .limit(query.limit + 1)
    ).all()
    next_cursor = None
    if len(page) > query.limit:
        page = page[: query.limit]
        next_cursor = encode_sorted_cursor(ORDER, page[-1].date, _as_uuid(page[-1].id))
    items = _load(session, [(row.resource, _as_uuid(row.id)) for row in page])
    earlier = _earlier_measures(session, conditions, types)
    audit(session, caller, "list", resource="subjects", detail=f"{len(items)} records")
    return {
        "subject": {
            "kvkNumber": lookup.kvk_number,
            "postcode": lookup.postcode,
            "houseNumber": lookup.house_number,
        },
        "counts": counts,
        "items": items,
        "nextCursor": next_cursor,
        "earlierMeasures": earlier,
    }


def _earlier_measures(
    session: Session, conditions: dict[str, ColumnElement[bool]], types: list[RecordType]
) -> list[dict[str, Any]]:
    """The records of the ladder types (measures) about the subject before the latest one,
    newest first; those that never count (a withdrawn measure) are not on the ladder."""
    earlier: list[dict[str, Any]] = []
    for record_type in types:
        if record_type.subject is None or not record_type.subject.ladder:
            continue
        model = record_type.model
        date_column = getattr(model, record_type.date_field)
        records = session.scalars(
            select(model)
            .where(conditions[record_type.resource], counted(record_type))
            .order_by(date_column.desc(), col(model.id).desc())
            .offset(1)
            .limit(EARLIER_MEASURES_LIMIT)
        )
        earlier.extend(_item(record_type, record) for record in records)
    return earlier


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
