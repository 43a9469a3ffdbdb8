"""Load the OpenAPI document once and compile it into frozen operation records.

Everything the server enforces per request (routes, parameters, bounds, enums,
defaults, statuses, scopes, limits) is read here, at start, from ``openapi.yaml``.
Schemas are dereferenced and their validators compiled once; the request path never
touches YAML or builds a validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.protocols import Validator
from referencing.exceptions import PointerToNowhere, Unresolvable

from mockserver.errors import StartupError

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")

Schema = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One declared parameter with its compiled validator."""

    name: str
    location: str  # "path" | "query" | "header"
    required: bool
    schema: Schema
    validator: CompiledSchema

    @property
    def default(self) -> Any:
        return self.schema.get("default")


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """One documented status: its headers and media types (with schemas)."""

    status: int
    headers: Mapping[str, Schema]
    required_headers: frozenset[str]
    content: Mapping[str, Schema]


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path, as the document declares it."""

    operation_id: str
    method: str  # upper case
    path: str  # the template relative to the base path, e.g. /videos/{video_id}
    scope: str | None  # None: no key needed
    parameters: tuple[Parameter, ...]
    body_schema: Schema | None
    body_validator: CompiledSchema | None
    body_required: bool
    responses: Mapping[int, ResponseSpec]
    media_types: frozenset[str]  # every media type it can answer with

    @property
    def success(self) -> ResponseSpec:
        """The first documented 2xx response."""
        return next(r for status, r in sorted(self.responses.items()) if 200 <= status < 300)


@dataclass(frozen=True, slots=True)
class PathItem:
    """A path template and the operations on it, keyed by upper-case method."""

    template: str
    pattern: re.Pattern[str] | None  # None for a static path
    operations: Mapping[str, Operation]
    allow: str  # the value of an ``Allow`` header


@dataclass(frozen=True, slots=True)
class Limits:
    """The numbers of ``x-api-limits``: part of the contract, not of the code."""

    max_body_bytes: int
    rate_limit_requests: int
    rate_limit_window_seconds: int
    idempotency_window_seconds: int
    request_id_pattern: re.Pattern[str]


class Spec:
    """The loaded document: raw text, parsed tree, and compiled operations."""

    def __init__(
        self, path: Path, text: str, document: dict[str, Any], *, check_schemas: bool = True
    ) -> None:
        self.path = path
        # Meta-validating every schema costs ~0.2 s of start-up; documents the test suite
        # already validates (the bundled ones) skip it.
        self._check_schemas = check_schemas
        self.text = text
        self.document = document
        self.base_path = _base_path(document)
        self._deref = _Dereferencer(document)
        self.limits = _limits(path, document)
        self.operations: dict[str, Operation] = {}
        self._static: dict[str, PathItem] = {}
        self._templated: list[PathItem] = []
        for template, raw_item in document.get("paths", {}).items():
            item = self._path_item(template, raw_item)
            if item.pattern is None:
                self._static[self.base_path + template] = item
            else:
                self._templated.append(item)

    def match(self, path: str) -> tuple[PathItem, dict[str, str]] | None:
        """The path item a request path falls on, with its path parameters."""
        item = self._static.get(path)
        if item is not None:
            return item, {}
        for item in self._templated:
            assert item.pattern is not None
            found = item.pattern.fullmatch(path)
            if found is not None:
                return item, found.groupdict()
        return None

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """A non-schema object (response, example, parameter...) with its ``$ref`` chain
        followed."""
        return self._deref.resolve(node)

    def schema(self, name: str) -> Schema:
        """A component schema, dereferenced."""
        schema: Schema = self._deref.schema(self.document["components"]["schemas"][name])
        return schema

    def _path_item(self, template: str, raw_item: Mapping[str, Any]) -> PathItem:
        names = _PATH_PARAM.findall(template)
        pattern = None
        if names:
            regex = re.escape(self.base_path)
            for literal, name in zip(_PATH_PARAM.split(template)[::2], [*names, None], strict=True):
                regex += re.escape(literal)
                if name is not None:
                    regex += f"(?P<{name}>[^/]+)"
            pattern = re.compile(regex)
        shared = list(raw_item.get("parameters", []))
        operations: dict[str, Operation] = {}
        for method in HTTP_METHODS:
            raw_op = raw_item.get(method)
            if raw_op is None:
                continue
            operation = self._operation(template, method.upper(), raw_op, shared)
            operations[operation.method] = operation
            self.operations[operation.operation_id] = operation
        return PathItem(template, pattern, operations, ", ".join(operations))

    def _operation(
        self, template: str, method: str, raw: Mapping[str, Any], shared: list[Any]
    ) -> Operation:
        operation_id = raw.get("operationId") or f"{method} {template}"
        parameters = tuple(
            self._parameter(self._deref.resolve(p)) for p in [*shared, *raw.get("parameters", [])]
        )
        body_schema = body_validator = None
        body_required = False
        if "requestBody" in raw:
            body = self._deref.resolve(raw["requestBody"])
            body_required = bool(body.get("required", False))
            media = body.get("content", {}).get("application/json")
            if media is not None:
                body_schema = self._deref.schema(media.get("schema", {}))
                body_validator = _compile(
                    body_schema, f"{method} {template} request body", self._check_schemas
                )
        responses = {
            int(status): self._response(int(status), self._deref.resolve(r))
            for status, r in raw.get("responses", {}).items()
            if str(status).isdigit()
        }
        if not any(200 <= status < 300 for status in responses):
            raise StartupError("openapi", f"{operation_id} documents no 2xx response")
        media_types = frozenset(m for r in responses.values() for m in r.content)
        return Operation(
            operation_id=operation_id,
            method=method,
            path=template,
            scope=_scope(raw.get("security", self.document.get("security", []))),
            parameters=parameters,
            body_schema=body_schema,
            body_validator=body_validator,
            body_required=body_required,
            responses=responses,
            media_types=media_types,
        )

    def _parameter(self, raw: Mapping[str, Any]) -> Parameter:
        schema = self._deref.schema(raw.get("schema", {}))
        name = raw["name"]
        return Parameter(
            name=name,
            location=raw["in"],
            required=bool(raw.get("required", raw["in"] == "path")),
            schema=schema,
            validator=_compile(schema, f"parameter {name}", self._check_schemas),
        )

    def _response(self, status: int, raw: Mapping[str, Any]) -> ResponseSpec:
        headers: dict[str, Schema] = {}
        required: set[str] = set()
        for name, header in raw.get("headers", {}).items():
            header = self._deref.resolve(header)
            headers[name] = self._deref.schema(header.get("schema", {}))
            if header.get("required"):
                required.add(name.lower())
        content = {
            media: self._deref.schema(body.get("schema", {}))
            for media, body in raw.get("content", {}).items()
        }
        return ResponseSpec(status, headers, frozenset(required), content)


class _Dereferencer:
    """Inlines local ``$ref``s so validators never resolve references per request."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._cache: dict[str, Any] = {}

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise StartupError("openapi", f"only local references are supported, found {ref!r}")
        node: Any = self._document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                node = node[part]
            except (KeyError, TypeError):
                raise StartupError("openapi", f"unresolvable reference {ref!r}") from None
        return node

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow a chain of ``$ref`` on a non-schema object (parameter, response...)."""
        seen = 0
        while "$ref" in node:
            node = self.pointer(node["$ref"])
            seen += 1
            if seen > 32:
                raise StartupError("openapi", "reference chain too long")
        return node

    def schema(self, node: Any, _stack: tuple[str, ...] = ()) -> Any:
        if isinstance(node, list):
            return [self.schema(item, _stack) for item in node]
        if not isinstance(node, Mapping):
            return node
        if "$ref" in node and isinstance(node["$ref"], str):
            ref = node["$ref"]
            if ref in _stack:
                raise StartupError("openapi", f"recursive schema {ref!r} is not supported")
            if ref not in self._cache:
                self._cache[ref] = self.schema(self.pointer(ref), (*_stack, ref))
            target = self._cache[ref]
            siblings = {k: self.schema(v, _stack) for k, v in node.items() if k != "$ref"}
            if not siblings:
                return target
            if siblings.keys() & target.keys() - {"description", "default", "examples"}:
                return {"allOf": [target], **siblings}
            return {**target, **siblings}
        return {key: self.schema(value, _stack) for key, value in node.items()}


class CompiledSchema:
    """One schema compiled twice: a Rust validator answers the common "valid" fast,
    and Python's jsonschema, the reference, explains (or overrules) a "not valid"."""

    __slots__ = ("_fast", "_full")

    def __init__(self, schema: Schema) -> None:
        self._full: Validator = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
        self._fast = jsonschema_rs.Draft202012Validator(dict(schema), validate_formats=True)

    def errors(self, instance: Any) -> list[ValidationError]:
        """Every violation of ``instance``; empty when valid."""
        try:
            if self._fast.is_valid(instance):
                return []
        except (ValueError, OverflowError):
            pass  # beyond what the fast validator represents: ask the reference
        # The two can differ at the edges (24.0 is an integer to JSON Schema, not to
        # the fast one); the reference decides, so nothing valid is ever refused.
        return list(self._full.iter_errors(instance))


def _compile(schema: Schema, where: str, check: bool = True) -> CompiledSchema:
    try:
        if check:
            Draft202012Validator.check_schema(schema)
        return CompiledSchema(schema)
    except SchemaError as exc:
        raise StartupError("openapi", f"{where}: invalid schema: {exc.message}") from None
    except ValueError as exc:  # the fast validator refuses what the reference accepts
        raise StartupError("openapi", f"{where}: unsupported schema: {exc}") from None


def _scope(security: list[Mapping[str, list[str]]]) -> str | None:
    """The scope the first security requirement names; None when no key is needed."""
    for requirement in security:
        for scopes in requirement.values():
            return scopes[0] if scopes else "read"
    return None


def _base_path(document: Mapping[str, Any]) -> str:
    servers = document.get("servers") or [{"url": "/"}]
    url = servers[0]["url"]
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url)
    return path.rstrip("/")


def _limits(path: Path, document: Mapping[str, Any]) -> Limits:
    raw = document.get("x-api-limits")
    if not isinstance(raw, Mapping):
        raise StartupError(path, "x-api-limits is missing: the server reads its limits from it")
    try:
        return Limits(
            max_body_bytes=int(raw["max_body_bytes"]),
            rate_limit_requests=int(raw["rate_limit"]["requests"]),
            rate_limit_window_seconds=int(raw["rate_limit"]["window_seconds"]),
            idempotency_window_seconds=int(raw["idempotency_window_seconds"]),
            request_id_pattern=re.compile(raw["request_id_pattern"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise StartupError(path, f"x-api-limits is incomplete or invalid: {exc!r}") from None


def _openapi_errors(document: Mapping[str, Any]) -> Iterator[str]:
    # Imported here: the validator costs ~0.35 s of start-up, paid only when used.
    from openapi_spec_validator import validate as validate_openapi
    from openapi_spec_validator.validation.exceptions import (
        OpenAPIValidationError,
        ValidatorDetectError,
    )

    try:
        validate_openapi(document)
    except OpenAPIValidationError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        yield f"not a valid OpenAPI 3.1 document at {where}: {exc.message}"
    except ValidatorDetectError:
        yield "not an OpenAPI 3.1 document: the top-level 'openapi' field is missing"
    except PointerToNowhere as exc:
        yield f"reference '#{exc.ref}' points to nothing in the document"
    except Unresolvable as exc:
        yield f"unresolvable reference {exc.ref!r}: only local references are supported"


# libyaml's loader when present: ~20 ms instead of ~160 ms for the bundled document.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, with libyaml's C parser when PyYAML has it (~9x faster).

    Every YAML file the server reads (the documents, keys, fixtures) goes through here.
    """
    return yaml.load(text, Loader=_YAML_LOADER)


def load_spec(path: Path, *, validate: bool = True) -> Spec:
    """Read, check and compile the document at ``path``; StartupError on any problem.

    ``validate=False`` skips the full OpenAPI 3.1 validation (the compile still checks
    what the server uses): for the bundled document, which the test suite validates.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StartupError(path, f"cannot read the OpenAPI document ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise StartupError(path, "the OpenAPI document is not UTF-8") from None
    try:
        document = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise StartupError(path, f"not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise StartupError(path, "the OpenAPI document must be a mapping at its top level")
    problems = list(_openapi_errors(document)) if validate else []
    if problems:
        raise StartupError(path, problems)
    try:
        return Spec(path, text, document, check_schemas=validate)
    except StartupError as exc:
        raise StartupError(path, exc.problems) from None
