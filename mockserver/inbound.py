"""Reading a request, the same for the API and the control plane: its route (404/405),
its headers, its body (413) and that body as JSON (415, 400).

Each raises a :class:`~mockserver.problems.Problem`; the caller's pipeline answers it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope

from mockserver.problems import Problem
from mockserver.spec import Operation, Spec

MISSING: Any = object()
"""The body of a request that sent none."""


def route(spec: Spec, method: str, path: str, what: str) -> tuple[Operation, dict[str, str]]:
    """The operation at ``path`` for ``method`` with its path parameters; 404 or 405
    (with ``Allow``) otherwise. ``what`` names the kind of thing, e.g. "resource"."""
    found = spec.match(path)
    if found is None:
        raise Problem(404, f"There is no {what} at {path}.")
    item, path_params = found
    operation = item.operations.get(method)
    if operation is None:
        raise Problem(
            405,
            f"{method} is not allowed on {path}; allowed: {item.allow}.",
            headers={"Allow": item.allow},
        )
    return operation, path_params


def decoded_headers(scope: Scope) -> dict[str, str]:
    """The request's headers as one dict (lower-case names): a dozen look-ups in it are
    cheaper than in Starlette's Headers, which scans its list per look-up. The first of
    repeated headers wins, as there."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(scope["headers"])}


async def read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes:
    """The raw body; a 413 as soon as it is known to be over ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    # ASGI messages read directly: Request.stream() is an async generator, ~2 µs more
    # per body, and a body almost always arrives in one message.
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        if not message.get("more_body", False):
            return b"".join((*chunks, chunk)) if chunks else chunk
        chunks.append(chunk)


def too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is over the limit of {limit} bytes.")


def parse_json(raw: bytes, content_type: str | None) -> Any:
    """The parsed body, ``MISSING`` when empty; 415 when not UTF-8 JSON, 400 when broken."""
    if not raw:
        return MISSING
    media, _, parameters = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        shown = content_type or "none"
        raise Problem(415, f"The body must be sent as application/json, not {shown}.")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise Problem(415, f"The body must be UTF-8 encoded, not {value.strip()}.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses numbers it cannot hold (1e400, integers beyond 64 bits), which are
    # valid JSON (a 422 at most): the standard parser tells those apart from syntax
    # errors, and NaN is no JSON.
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not valid UTF-8.") from None
    except ValueError as exc:
        raise Problem(400, f"The request body is not valid JSON: {exc}.") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
