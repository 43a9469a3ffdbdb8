"""Request checks against the document: parameters and body -> one 422 with every error.

Query and header parameters arrive as strings and are coerced by their schema's type
first (``limit=10`` is the integer 10); the body is checked as parsed, strictly (the
string ``"24"`` is not an integer). Messages say what was expected and what was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from mockserver.inbound import MISSING
from mockserver.problems import FieldError, validation_problem
from mockserver.spec import Operation, Parameter

# A rule that can explain a failure better than the schema's own keyword message,
# keyed by body field: (body, field) -> message.
Explainer = Callable[[Mapping[str, Any], str], str | None]

# JSON's own number grammar (no "nan", "inf", "1_000" or non-ASCII digits), and a
# bound on integer digits well inside Python's int() conversion limit.
_INTEGER = re.compile(r"[+-]?[0-9]{1,1000}")
_NUMBER = re.compile(r"[+-]?(?:0|[1-9][0-9]{0,999})(?:\.[0-9]{1,100})?(?:[eE][+-]?[0-9]{1,4})?")

_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def check_parameters(
    operation: Operation,
    path: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    errors: list[FieldError],
) -> dict[str, Any]:
    """Validated parameter values by name (defaults applied); problems go to ``errors``."""
    values: dict[str, Any] = {}
    for parameter in operation.parameters:
        raw = _raw_value(parameter, path, query, headers)
        if raw is None:
            if parameter.required:
                errors.append({"field": parameter.name, "message": "is required"})
            elif parameter.default is not None:
                values[parameter.name] = parameter.default
            continue
        value, problem = _coerce(raw, parameter.schema)
        if problem is not None:
            errors.append({"field": parameter.name, "message": problem})
            continue
        found = [_message(e) for e in parameter.validator.errors(value)]
        if found:
            errors.append({"field": parameter.name, "message": "; ".join(found)})
        else:
            values[parameter.name] = value
    return values


def check_request_body(
    operation: Operation,
    body: Any,
    errors: list[FieldError],
    explainers: Mapping[str, Explainer] | None = None,
) -> Any:
    """The body to hand on, its violations added to ``errors``.

    Without a body schema it is returned as is; a body not sent (``MISSING``) becomes
    None, a field error when the operation requires one.
    """
    if operation.body_schema is None:
        return body
    if body is MISSING:
        if operation.body_required:
            errors.append({"field": "body", "message": "a JSON request body is required"})
        return None
    check_body(operation, body, errors, explainers)
    return body


def check_body(
    operation: Operation,
    body: Any,
    errors: list[FieldError],
    explainers: Mapping[str, Explainer] | None = None,
) -> None:
    """Add every schema violation of ``body`` to ``errors``."""
    validator = operation.body_validator
    if validator is None:
        return
    explainers = explainers or {}
    seen: set[tuple[str, str]] = set()
    explained: set[str] = set()
    for error in validator.errors(body):
        for field, message in _describe(error, body, explainers):
            # jsonschema reports some failures once per keyword or per missing property;
            # the client gets each (field, message) once, and one message per explained
            # field.
            if (field, message) in seen or field in explained:
                continue
            seen.add((field, message))
            if field in explainers:
                explained.add(field)
            errors.append({"field": field, "message": message})


def raise_if_any(errors: list[FieldError]) -> None:
    """Raise the 422 for ``errors``, if there are any."""
    if errors:
        raise validation_problem(errors)


def _raw_value(
    parameter: Parameter,
    path: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
) -> str | list[str] | None:
    if parameter.location == "path":
        return path.get(parameter.name)
    if parameter.location == "header":
        return headers.get(parameter.name.lower())
    if parameter.location == "query":
        found = query.get(parameter.name)
        if not found:
            return None
        return found if _type_of(parameter.schema) == "array" else found[-1]
    return None


def _type_of(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else None
    return kind if isinstance(kind, str) else None


def _coerce(raw: str | list[str], schema: Mapping[str, Any]) -> tuple[Any, str | None]:
    """A query/header string as its schema's type, or an error message."""
    kind = _type_of(schema)
    if isinstance(raw, list):
        items = schema.get("items", {})
        out = []
        for item in raw:
            value, problem = _coerce(item, items)
            if problem is not None:
                return None, problem
            out.append(value)
        return out, None
    if kind == "integer":
        text = raw.strip()  # "limit= 7" is 7, as lenient servers read it
        if not _INTEGER.fullmatch(text):
            return None, f"must be an integer, got {_shown(raw)}"
        return int(text), None
    if kind == "number":
        text = raw.strip()
        if not _NUMBER.fullmatch(text):
            return None, f"must be a number, got {_shown(raw)}"
        return float(text), None
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return None, f"must be true or false, got {raw!r}"
    return raw, None


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "...")


def _field(path: Iterable[Any], name: str | None = None) -> str:
    parts = [str(p) for p in path]
    if name is not None:
        parts.append(name)
    return ".".join(parts) or "body"


def _describe(
    error: ValidationError, body: Any, explainers: Mapping[str, Explainer]
) -> list[tuple[str, str]]:
    """(field, message) pairs for one jsonschema error."""
    keyword: Any = error.validator
    value: Any = error.validator_value
    schema: Any = error.schema
    if keyword == "required":
        present = error.instance if isinstance(error.instance, Mapping) else {}
        missing = [p for p in value if p not in present]
        return [(_field(error.absolute_path, name), "is required") for name in missing]
    if keyword == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = list(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        if allowed:
            hint = "unknown field; allowed fields: " + ", ".join(allowed)
            return [(_field(error.absolute_path, str(k)), hint) for k in extras]
    field = _field(error.absolute_path)
    if "propertyNames" in error.schema_path:
        key = str(error.instance)
        shown = key if len(key) <= 40 else key[:40] + "..."
        return [(field, f"key {shown!r} {_message(error)}")]
    explain = explainers.get(field)
    if explain is not None and isinstance(body, Mapping):
        message = explain(body, field)
        if message is not None:
            return [(field, message)]
    return [(field, _message(error))]


def _message(error: ValidationError) -> str:
    """A human sentence for one keyword failure."""
    keyword: Any = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else value
        article = "an" if str(expected)[:1] in "aeiou" else "a"
        found = _JSON_TYPES.get(type(instance), type(instance).__name__)
        return f"must be {article} {expected}, got {found}"
    if keyword in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        return f"must be between {schema['minimum']} and {schema['maximum']}, got {instance!r}"
    if keyword == "minimum":
        return f"must be at least {value}, got {instance!r}"
    if keyword == "maximum":
        return f"must be at most {value}, got {instance!r}"
    if keyword == "enum":
        return "must be one of: " + ", ".join(str(v) for v in value) + f"; got {instance!r}"
    if keyword == "const":
        return f"must be {value!r}, got {instance!r}"
    if keyword == "minLength":
        return f"must be at least {value} character{'s' if value != 1 else ''} long"
    if keyword == "maxLength":
        return f"must be at most {value} characters long, got {len(instance)}"
    if keyword == "maxProperties":
        return f"must have at most {value} keys, got {len(instance)}"
    if keyword == "minProperties":
        return f"must have at least {value} keys"
    if keyword == "maxItems":
        return f"must have at most {value} items, got {len(instance)}"
    if keyword == "minItems":
        return f"must have at least {value} item{'s' if value != 1 else ''}"
    if keyword == "uniqueItems":
        return "must not repeat items"
    if keyword == "format":
        return f"must be a valid {value}, got {instance!r}"
    if keyword == "pattern":
        return f"has an invalid format: {instance!r} does not match {value}"
    return str(error.message)
