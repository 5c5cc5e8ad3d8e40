"""A record's neighbours (SPEC §4.1): the records it links to, those that link to it, and
how `expand=` embeds them — all resolved from the declarations in the registry.

The read schemas with `_embedded` are built here too, from the same declarations, so each
record type's representation names the types it may embed without its package importing
theirs.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, create_model

from app.problems import InvalidInput
from app.records.kind import LinkField, LinkList, RecordType, expand_name
from app.records.registry import BY_MODEL, BY_RESOURCE, RECORD_TYPES
from app.schemas import ApiModel


@dataclass(frozen=True)
class Incoming:
    """A link of another record type (`source`) that points at this one."""

    source: RecordType
    link: LinkList | LinkField


@dataclass(frozen=True)
class Neighbour:
    """One link property of a representation, as `expand=` names it."""

    name: str  # the property: "measureIds", "rapportageId"
    expand: str  # its expand name: "measures", "rapportage"
    target: RecordType  # the linked records' type
    single: bool  # one id or null (a `LinkField`), not a list


def incoming(record_type: RecordType) -> list[Incoming]:
    """Every link, of any record type, that can point at a record of this type."""
    return [
        Incoming(source, link)
        for source in RECORD_TYPES
        for link in source.links
        if link.target is record_type.model
    ]


def reverse_source(record_type: RecordType, name: str) -> Incoming:
    """The other type's link behind one of this type's reverse links (e.g. `measureIds`)."""
    for reverse in record_type.reverse_links:
        if reverse.name == name:
            source = BY_RESOURCE[reverse.source]
            for link in source.links:
                if link.name == reverse.link and link.target is record_type.model:
                    return Incoming(source, link)
    raise KeyError(f"{record_type.resource}: no reverse link {name}")


def neighbours(record_type: RecordType) -> dict[str, Neighbour]:
    """The type's link properties by expand name, forward then reverse."""
    return _NEIGHBOURS[record_type.resource]


def _neighbours_of(record_type: RecordType) -> dict[str, Neighbour]:
    found = [
        *(
            Neighbour(link.name, "", BY_MODEL[link.target], False)
            for link in record_type.link_lists
        ),
        *(
            Neighbour(link.name, "", BY_MODEL[link.target], True)
            for link in record_type.link_fields
        ),
        *(
            Neighbour(reverse.name, "", BY_RESOURCE[reverse.source], False)
            for reverse in record_type.reverse_links
        ),
    ]
    return {
        expand_name(n.name): Neighbour(n.name, expand_name(n.name), n.target, n.single)
        for n in found
    }


def parse_expand(record_type: RecordType, value: str | None) -> tuple[Neighbour, ...]:
    """The neighbours an `expand=` comma list names; an unknown name is a 400 on `expand`."""
    if value is None:
        return ()
    known = neighbours(record_type)
    names = [name.strip() for name in value.split(",")]
    unknown = [name for name in names if name not in known]
    if unknown:
        allowed = ", ".join(f"`{name}`" for name in known) or "none"
        raise InvalidInput.one(
            "expand",
            "unknown-link",
            f"Not a link of a {record_type.label}: "
            f"{', '.join(f'`{name}`' for name in unknown)}. Allowed: {allowed}.",
        )
    return tuple(known[name] for name in dict.fromkeys(names))


def check_declarations() -> None:
    """Every reverse link must name a link of its source type that points at this type."""
    for record_type in RECORD_TYPES:
        for reverse in record_type.reverse_links:
            reverse_source(record_type, reverse.name)
        names = [expand_name(name) for name in record_type.link_names]
        if len(set(names)) != len(names):
            raise ValueError(f"{record_type.resource}: two links share an expand name")


def _embedded_schema(record_type: RecordType) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for neighbour in neighbours(record_type).values():
        target = neighbour.target.api.singular + "Read"
        annotation = f"{target} | None" if neighbour.single else f"list[{target}] | None"
        what = "The linked record" if neighbour.single else "The linked records"
        fields[neighbour.expand] = (
            annotation,
            Field(
                default=None,
                description=f"{what} of `{neighbour.name}` that the caller may read, each "
                f"as its own read representation (with `expand={neighbour.expand}`)"
                + ("; null when there is none." if neighbour.single else "."),
                # Not built from the embedded schema, which embeds this one in turn.
                examples=[None if neighbour.single else []],
            ),
        )
    return create_model(
        f"{record_type.api.singular}Embedded",
        __base__=ApiModel,
        __module__=__name__,
        __doc__=f"The records `expand=` embeds in a {record_type.label}.",
        **fields,
    )


def _embedded_example(record_type: RecordType) -> dict[str, Any]:
    first = next(iter(neighbours(record_type).values()))
    return {first.expand: None if first.single else []}


def _read_schemas() -> dict[str, type[BaseModel]]:
    """Per resource the response schema of its reads: the type's output schema plus, for a
    type with links, `_embedded`. Named like the output schema (`SignalRead`)."""
    schemas: dict[str, type[BaseModel]] = {}
    embedded: list[type[BaseModel]] = []
    for record_type in RECORD_TYPES:
        base = record_type.output_schema
        if not neighbours(record_type):
            schemas[record_type.resource] = base
            continue
        embedded_schema = _embedded_schema(record_type)
        embedded.append(embedded_schema)
        names = ", ".join(f"`{name}`" for name in neighbours(record_type))
        embedded_field: Any = (
            embedded_schema | None,
            Field(
                default=None,
                alias="_embedded",
                description=f"Only with `expand=` ({names}): the linked records "
                "the caller may read.",
                examples=[_embedded_example(record_type)],
            ),
        )
        schemas[record_type.resource] = create_model(
            base.__name__,
            __base__=base,
            __module__=__name__,
            __doc__=base.__doc__,
            embedded=embedded_field,
        )
    namespace = {schema.__name__: schema for schema in schemas.values()}
    for schema in embedded:
        schema.model_rebuild(_types_namespace=namespace)
    for schema in schemas.values():
        schema.model_rebuild(_types_namespace=namespace, force=True)
    return schemas


_NEIGHBOURS = {record_type.resource: _neighbours_of(record_type) for record_type in RECORD_TYPES}
check_declarations()
READ_SCHEMAS = _read_schemas()
