"""The contract: FastAPI's OpenAPI document completed to what the NL API Design Rules ask."""

import contextlib
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app import API_VERSION
from app.problems import PROBLEM_JSON, PROBLEM_TYPE_BASE, Problem
from app.schemas import humanize

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_EXAMPLE_DETAILS = {
    400: "The request has invalid input; see invalidParams.",
    401: "A valid API key is required.",
    403: "Role `analyst` may not do this.",
    404: "No record with this id.",
    406: "This resource is not available in the requested media type.",
    409: "The status cannot change from `afgesloten` to `nieuw`.",
    412: "The record has changed since it was read (version 3 is current).",
    413: "The request body is larger than 5242880 bytes.",
    415: "Content type `text/plain` is not accepted here.",
    428: "An `If-Match` header with the record's ETag is required.",
    429: "Too many failed authentications from this address; try again later.",
    500: "The service could not handle this request. It has been logged.",
    503: "The database is not reachable.",
}


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    example: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + ("invalid-input" if status == 400 else "example"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": _EXAMPLE_DETAILS.get(status, HTTPStatus(status).description),
        "instance": "/api/v1/signals",
    }
    if status == 400:
        example["invalidParams"] = [
            {"name": "receivedOn", "code": "required", "reason": "Field required"}
        ]
    return {
        "description": description or HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF, "example": example}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's `responses=`: the problem responses it can give beyond the common ones."""
    return {status: problem_response(status) for status in statuses}


API_VERSION_HEADER = {
    "description": "The full version of the API that answered (semver).",
    "schema": {"type": "string", "example": API_VERSION},
}


# Bodies the service validates as a whole (to report every problem at once) are read raw;
# their schemas are registered here so that the contract still describes them.
_REGISTERED: list[type[BaseModel]] = []
_PATCHED: set[type[BaseModel]] = set()


def registered_schema(model: type[BaseModel]) -> dict[str, str]:
    """Registers a request body model and returns a `$ref` to it for `openapi_extra`."""
    if model not in _REGISTERED:
        _REGISTERED.append(model)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def merge_patch_schema(model: type[BaseModel]) -> dict[str, str]:
    """A `$ref` to `<Model>Patch`: the model's properties, none required, each nullable
    (JSON merge patch: `null` removes a value). Registers the model too."""
    registered_schema(model)
    _PATCHED.add(model)
    return {"$ref": f"#/components/schemas/{model.__name__}Patch"}


def _patch_variant(model_schema: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, value in model_schema.get("properties", {}).items():
        # A patch that leaves a property out changes nothing: no defaults here.
        value = {k: v for k, v in value.items() if k != "default"}
        branches = value.pop("anyOf", None) or [
            {k: v for k, v in value.items() if k not in {"description", "examples", "title"}}
        ]
        if {"type": "null"} not in branches:
            branches = [*branches, {"type": "null"}]
        documentation = {
            k: v for k, v in value.items() if k in {"description", "examples", "title"}
        }
        properties[key] = {"anyOf": branches, **documentation}
    return {
        "type": "object",
        "title": name,
        "description": "A JSON merge patch (RFC 7386): the properties to change; `null` "
        "removes a value. The result must still be valid.",
        "properties": properties,
        "additionalProperties": False,
    }


def _too_many_failed_authentications() -> dict[str, Any]:
    """SPEC §7: past the failed authentications allowed per address and minute."""
    response = problem_response(
        429, "Too many failed authentications from this address (app/access/limits.py)."
    )
    response["headers"] = {
        "Retry-After": {
            "description": "Seconds until requests from this address are tried again.",
            "schema": {"type": "integer", "example": 30},
        }
    }
    return response


def _complete_operation(operation: dict[str, Any], secured: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    if has_input:
        responses.setdefault("400", problem_response(400))
    if secured:
        responses.setdefault("401", problem_response(401))
        responses.setdefault("403", problem_response(403))
        responses.setdefault("429", _too_many_failed_authentications())
    responses.setdefault("500", problem_response(500))
    for status, response in responses.items():
        if status.startswith(("2", "3")):
            headers = response.setdefault("headers", {})
            headers["API-Version"] = {"$ref": "#/components/headers/API-Version"}
        elif status.startswith(("4", "5")):
            response["content"] = problem_response(int(status))["content"] | {
                key: value
                for key, value in response.get("content", {}).items()
                if key == PROBLEM_JSON
            }


_FORMAT_EXAMPLES = {
    "uuid": "0190c8a4-58f3-7a4e-9bde-5f4a1c2b3d4e",
    "date": "2024-03-01",
    "date-time": "2024-03-01T09:30:00Z",
    "email": "info@example.nl",
    "uri": "https://example.nl",
}
_JSON_MEDIA = re.compile(r"^application/(.+\+)?json$")


class NoExample(Exception):
    """A required field has no example to build one from."""


def example_for(
    node: dict[str, Any], components: dict[str, Any], where: str, missing: list[str]
) -> Any:
    """An example value built from the schema's own examples (`Field(examples=...)`), enum
    values, defaults and well-known formats; nullable fields without one are null. Fields
    that have none of these are added to `missing` and the example is not made: a plain
    string or number needs an example from its author."""
    for key in ("example", "const"):
        if key in node:
            return node[key]
    if node.get("examples"):
        return node["examples"][0]
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return example_for(components.get("schemas", {}).get(name, {}), components, where, missing)
    if node.get("enum"):
        return node["enum"][0]
    if "default" in node and node["default"] is not None:
        return node["default"]
    if "format" in node and node["format"] in _FORMAT_EXAMPLES:
        return _FORMAT_EXAMPLES[node["format"]]
    for combinator in ("anyOf", "oneOf"):
        if combinator in node:
            branches = [branch for branch in node[combinator] if branch.get("type") != "null"]
            nullable = len(branches) < len(node[combinator])
            attempt: list[str] = []
            for branch in branches:
                try:
                    return example_for(branch, components, where, attempt)
                except NoExample:
                    continue
            if nullable:
                return None
            missing.extend(attempt)
            raise NoExample(where)
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            part_value = example_for(part, components, where, missing)
            if not isinstance(part_value, dict):
                return part_value
            merged.update(part_value)
        return merged
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        required = set(node.get("required", []))
        value: dict[str, Any] = {}
        failed = False
        for name, prop in node.get("properties", {}).items():
            reported = len(missing)
            try:
                value[name] = example_for(prop, components, f"{where}.{name}", missing)
            except NoExample:
                if name in required:
                    failed = True
                else:  # an optional field is left out of the example
                    del missing[reported:]
        if failed:
            raise NoExample(where)
        return value
    if kind == "array":
        return [example_for(node.get("items", {}), components, f"{where}[]", missing)]
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    missing.append(where)
    raise NoExample(where)


# The ADR ruleset's `nlgov:problem-invalid-input` takes every key under `paths` that contains
# `put`, `post` or `patch` for an operation and wants it to be an object with a 400 response,
# so a `postcode` in an example is an error. Examples leave such fields out (the schema keeps
# their own field examples); see "Pas toe of leg uit" in the README.
_OPERATION_LIKE = re.compile(r"put|post|patch")


def lint_safe(value: Any) -> Any:
    """The example without fields whose name the ADR linter mistakes for an operation."""
    if isinstance(value, dict):
        return {
            key: lint_safe(item)
            for key, item in value.items()
            if isinstance(item, dict) or not _OPERATION_LIKE.search(key)
        }
    if isinstance(value, list):
        return [lint_safe(item) for item in value]
    return value


def _add_examples(schema: dict[str, Any]) -> None:
    """Gives every JSON request body and JSON success response a media-type example, made
    from field examples, unless the route gave its own (`openapi_examples`, `responses`)."""
    components = schema.get("components", {})
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            bodies = [operation.get("requestBody", {})] + [
                response
                for status, response in operation.get("responses", {}).items()
                if status.startswith("2")
            ]
            for body in bodies:
                for media_type, media in body.get("content", {}).items():
                    if not _JSON_MEDIA.match(media_type):
                        continue
                    if "example" not in media and "examples" not in media and "schema" in media:
                        with contextlib.suppress(NoExample):
                            media["example"] = example_for(media["schema"], components, "body", [])
                    if "example" in media:
                        media["example"] = lint_safe(media["example"])
                    for example in media.get("examples", {}).values():
                        if isinstance(example, dict) and "value" in example:
                            example["value"] = lint_safe(example["value"])


_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def _add_links(schema: dict[str, Any]) -> None:
    """OpenAPI links from each create (`POST /things` answering 201 with an `id`) to the
    operations on that resource (`/things/{id}`, `/things/{id}/history`, …), passing the
    new `id` and, where the target asks `If-Match`, the `ETag`: clients and the contract
    fuzzer (schemathesis' stateful phase) can follow a record from create to delete."""
    paths: dict[str, Any] = schema.get("paths", {})
    for collection, item in paths.items():
        create = item.get("post", {})
        created = create.get("responses", {}).get("201")
        if not created or "{" in collection.rsplit("/", 1)[-1]:
            continue
        body = created.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            body = schema["components"]["schemas"].get(body["$ref"].rsplit("/", 1)[-1], {})
        properties = body.get("properties", {})
        links: dict[str, Any] = {}
        for path, target_item in paths.items():
            if not path.startswith(collection + "/{"):
                continue
            parameter = _PATH_PARAMETER.match(path[len(collection) + 1 :])
            if (
                parameter is None
                or len(_PATH_PARAMETER.findall(path))
                != len(_PATH_PARAMETER.findall(collection)) + 1
            ):
                continue
            # `{code}` takes the new body's `code`; any other name (`{id}`, `{clientId}`) its `id`.
            source = parameter.group(1) if parameter.group(1) in properties else "id"
            if source not in properties:
                continue
            for method, target in target_item.items():
                if method not in {"get", "put", "post", "patch", "delete"}:
                    continue
                if "operationId" not in target:
                    continue
                values = {parameter.group(1): f"$response.body#/{source}"}
                values.update(
                    {
                        f"path.{name}": f"$request.path.{name}"
                        for name in _PATH_PARAMETER.findall(collection)
                    }
                )
                if any(
                    p.get("in") == "header" and p.get("name", "").lower() == "if-match"
                    for p in target.get("parameters", [])
                ):
                    values["header.If-Match"] = "$response.header.ETag"
                links[target["operationId"]] = {
                    "operationId": target["operationId"],
                    "parameters": values,
                    "description": f"Follow with `{target['operationId']}` on what was just made.",
                }
        if links:
            created["links"] = links


_PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _rename_schemas(schema: dict[str, Any]) -> None:
    """Generic models get names like `Page_ClientRead_`; ADR wants UpperCamelCase. They are
    renamed to their title (`ClientReadPage`, see `model_parametrized_name`), refs included."""
    schemas: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    renames = {
        name: body["title"]
        for name, body in schemas.items()
        if not _PASCAL_CASE.match(name)
        and _PASCAL_CASE.match(str(body.get("title", "")))
        and body["title"] not in schemas
    }
    if not renames:
        return
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    refs = {
        f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()
    }

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in refs:
                node["$ref"] = refs[ref]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    components = schema["components"]
    components["schemas"] = dict(sorted(components["schemas"].items()))


def _add_titles(schemas: dict[str, Any]) -> None:
    """Every property gets a title made from its name where its schema gave none (a `$ref`,
    a model outside `ApiModel`); machine-made ones ("Receivedon") are replaced too."""
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            title = prop.get("title")
            if title is None or (title == name.title() and title != humanize(name)):
                prop["title"] = humanize(name)


def build_openapi(app: FastAPI, *, description: str, tags: list[dict[str, str]]) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=API_VERSION,
        description=description,
        routes=app.routes,
        tags=tags,
        servers=[{"url": "/api/v1", "description": "This deployment, major version 1."}],
        contact={
            "name": "Ondermijningsmonitor",
            "url": "https://github.com/ondermijningsmonitor/ondermijningsmonitor",
            "email": "ondermijningsmonitor@example.nl",
        },
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
    )
    # Paths in the order of the tags (the documentation's chapters), whatever the order in
    # which the routers are included (that is the order in which requests are matched).
    chapter = {tag["name"]: index for index, tag in enumerate(tags)}
    schema["paths"] = dict(
        sorted(
            schema.get("paths", {}).items(),
            key=lambda item: min(
                chapter.get(next(iter(operation.get("tags", [])), ""), len(chapter))
                for operation in item[1].values()
            ),
        )
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for model in _REGISTERED:
        model_schema = model.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        for name, definition in model_schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas[model.__name__] = model_schema
        if model in _PATCHED:
            patch_name = f"{model.__name__}Patch"
            schemas[patch_name] = _patch_variant(model_schema, patch_name)
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    _add_titles(schemas)
    _rename_schemas(schema)
    _add_examples(schema)
    _add_links(schema)
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                _complete_operation(operation, secured=bool(operation.get("security")))
    app.openapi_schema = schema
    return schema
