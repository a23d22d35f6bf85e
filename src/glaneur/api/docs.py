"""/api/docs: the operations of the OpenAPI schema as a plain server-rendered page.

Swagger UI and ReDoc need JavaScript from a CDN (or vendored bundles that use inline styles),
which our Content-Security-Policy forbids and which fails offline; this page needs neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


def type_label(schema: dict[str, Any]) -> str:
    """A short reading of a JSON schema: ``list[PostOut]``, ``string (date-time) | null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(type_label(part) for part in schema[key])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list[{type_label(schema.get('items', {}))}]"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def constraints(schema: dict[str, Any]) -> str:
    parts = []
    for key, text in (("minLength", "≥ {} chars"), ("maxLength", "≤ {} chars"),
                      ("minimum", "≥ {}"), ("maximum", "≤ {}"), ("maxItems", "≤ {} items"),
                      ("pattern", "pattern {}")):  # fmt: skip
        if key in schema:
            parts.append(text.format(schema[key]))
    if "default" in schema:
        parts.append(f"default {json.dumps(schema['default'])}")
    return ", ".join(parts)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    where: str = ""
    description: str = ""
    constraints: str = ""


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    open_to_all: bool
    parameters: list[Field]
    body: str
    responses: list[tuple[str, str]]


@dataclass
class Group:
    name: str
    operations: list[Operation] = field(default_factory=list)


def _fields(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", ()))
    return [
        Field(
            name=name,
            type=type_label(prop),
            required=name in required,
            description=prop.get("description", ""),
            constraints=constraints(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(method: str, path: str, op: dict[str, Any]) -> Operation:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    responses = []
    for status, response in op.get("responses", {}).items():
        content = response.get("content", {}).get("application/json", {})
        responses.append((status, type_label(content["schema"]) if content else "—"))
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=op.get("operationId", ""),
        summary=op.get("summary", ""),
        description=op.get("description", ""),
        open_to_all={} in op.get("security", []),
        parameters=[
            Field(
                name=param["name"],
                type=type_label(param.get("schema", {})),
                required=param.get("required", False),
                where=param.get("in", ""),
                description=param.get(
                    "description", param.get("schema", {}).get("description", "")
                ),
                constraints=constraints(param.get("schema", {})),
            )
            for param in op.get("parameters", [])
        ],
        body=type_label(body["schema"]) if body else "",
        responses=responses,
    )


def describe(schema: dict[str, Any]) -> dict[str, Any]:
    """What the template shows: operations grouped by tag, then every component schema."""
    groups: dict[str, Group] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["api"])[0]
                groups.setdefault(tag, Group(tag)).operations.append(_operation(method, path, op))
    components = schema.get("components", {}).get("schemas", {})
    return {
        "info": schema.get("info", {}),
        "groups": list(groups.values()),
        "schemas": [(name, _fields(body)) for name, body in sorted(components.items())],
    }


class ServerRenderedDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        context = describe(dict(schema))
        context["openapi_url"] = reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)
        return render(request, "api/docs.html", context)
