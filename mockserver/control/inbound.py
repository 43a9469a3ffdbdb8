"""Reading a control request: its body (413, 415, 400) and its query (unknown names,
repeats and ``deepObject`` fields such as ``body[identifier]=...``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request

from mockserver.problems import FieldError, Problem
from mockserver.spec import Operation

MISSING: Any = object()
"""The body of a request that sent none."""

_DEEP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\[\]]*)\]")


async def read_body(request: Request, headers: Mapping[str, str], limit: int) -> bytes:
    """The raw body; a 413 as soon as it is known to be over ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes, content_type: str | None) -> Any:
    """The parsed body, ``MISSING`` when empty; 415 when not UTF-8 JSON, 400 when broken."""
    if not raw:
        return MISSING
    media, _, parameters = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        raise Problem(415, f"The body must be sent as application/json, not {content_type}.")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise Problem(415, f"The body must be UTF-8 encoded, not {value.strip()}.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses numbers it cannot hold (1e400, huge integers), which are valid JSON;
    # the standard parser tells those apart from syntax errors, and NaN is no JSON.
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not valid UTF-8.") from None
    except ValueError as exc:
        raise Problem(400, f"The request body is not valid JSON: {exc}.") from None


def split_query(
    query_string: str, operation: Operation, errors: list[FieldError]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """Plain query parameters by name, and ``deepObject`` ones as {name: {field: value}}.

    An unknown name, or a single-valued parameter given twice, goes to ``errors``: a
    filter with a typo must not silently match everything.
    """
    declared = {p.name: p for p in operation.parameters if p.location == "query"}
    # Every object-typed query parameter of control.yaml is a deepObject.
    deep = {name for name, p in declared.items() if p.schema.get("type") == "object"}
    plain: dict[str, list[str]] = {}
    fields: dict[str, dict[str, str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        found = _DEEP_KEY.fullmatch(name)
        if found is not None and found[1] in deep:
            group = fields.setdefault(found[1], {})
            if found[2] in group:
                errors.append({"field": name, "message": "is given more than once"})
            group[found[2]] = value
        elif name in deep:
            errors.append({"field": name, "message": f"takes fields: {name}[FIELD]=VALUE"})
        elif name in declared:
            plain.setdefault(name, []).append(value)
        else:
            known = ", ".join(f"{n}[FIELD]" if n in deep else n for n in declared) or "none"
            errors.append({"field": name, "message": f"unknown query parameter; known: {known}"})
    for name, values in plain.items():
        if len(values) > 1:
            errors.append({"field": name, "message": "is given more than once"})
    return plain, fields


def _too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is over the limit of {limit} bytes.")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
