"""The shape of the code, checked: no import cycles between modules, generic modules that
name no record type, and a registry from which everything per type derives."""

import ast
import re
from pathlib import Path

from app.records.registry import (
    BY_SINGULAR,
    EVENT_TYPE_PATTERN,
    RECORD_TYPES,
    RecordResource,
)

APP = Path(__file__).resolve().parent.parent / "app"
# Packages that hold one record type each.
DOMAIN_PACKAGES = {record_type.model.__module__.split(".")[1] for record_type in RECORD_TYPES}
# Generic packages: they read the declarations from the registry and name no record type.
GENERIC_PACKAGES = {"records", "progress", "events", "audit", "access", "indicators"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        name = ".".join(("app", *path.relative_to(APP).with_suffix("").parts))
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every app module this one imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in modules}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    assert _cycles(graph) == []


def test_generic_modules_name_no_record_type() -> None:
    modules = _modules()
    offenders = {
        name: sorted(
            imported
            for imported in _imports(path, modules)
            if imported.count(".") and imported.split(".")[1] in DOMAIN_PACKAGES
        )
        for name, path in modules.items()
        if name.count(".")
        and name.split(".")[1] in GENERIC_PACKAGES
        and name != "app.records.registry"
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_everything_per_type_derives_from_the_registry() -> None:
    assert [member.value for member in RecordResource] == [t.resource for t in RECORD_TYPES]
    for singular in BY_SINGULAR:
        for action in ("created", "updated"):
            assert re.match(EVENT_TYPE_PATTERN, f"nl.ondermijning.{singular}.{action}")
    assert not re.match(EVENT_TYPE_PATTERN, "nl.ondermijning.signal.deleted")
    for record_type in RECORD_TYPES:
        counting = record_type.counting
        assert counting.date_fields[counting.default_date_field] == record_type.date_field
        columns = record_type.model.__table__.columns  # type: ignore[attr-defined]
        for attribute in (*counting.attributes, *record_type.personal_columns):
            assert attribute in columns, (record_type.resource, attribute)


WRITERS = {"audit", "audit_many", "audit_now", "audit_export", "audit_read_of_log"}


def test_audit_entries_are_written_by_services_never_by_routers() -> None:
    routers = [
        path
        for name, path in _modules().items()
        if name.rsplit(".", 1)[-1] == "router" or name.endswith("_router")
    ]
    assert routers
    writing = {
        path.name
        for path in routers
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("app.audit")
        and WRITERS & {alias.name for alias in node.names}
    }
    assert writing == set()


def test_statistics_of_every_type_can_be_read_from_its_covering_index() -> None:
    """The type's date index includes every column statistics and the terugblik read
    (`Counting.attributes` but the dates), so PostgreSQL answers them index-only; a field
    declared for counting later without widening the index (a migration) fails here."""
    for record_type in RECORD_TYPES:
        table = record_type.model.__table__  # type: ignore[attr-defined]
        day = record_type.counting.date_fields[record_type.counting.default_date_field]
        index = next(i for i in table.indexes if i.name == f"ix_{table.name}_{day}_aggregate")
        assert [c.name for c in index.columns] == [day]
        included = set(index.dialect_options["postgresql"]["include"])
        wanted = record_type.counting.attributes - set(record_type.counting.date_fields.values())
        assert wanted <= included, (table.name, wanted - included)
        assert not any(c.name == day and c.index for c in table.columns)  # no second one
