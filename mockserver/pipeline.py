"""The request's way through the server, one stage after another.

route (404/405) -> Accept (406) -> key (401/403) -> scope and rate limit (403/429)
-> body size (413) -> content type (415) -> JSON (400) -> parameters and schema (422)
-> idempotency (409/422) -> the operation (quota 403 inside) -> ETag/304.

Each stage raises a :class:`~mockserver.problems.Problem`; this module is the only
place that turns one into a response.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from mockserver import covers
from mockserver.conformance import Conformance
from mockserver.context import Call, Handler, Services
from mockserver.negotiation import acceptable
from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.responses import JSON, Outgoing, Reply, etag, matches
from mockserver.security import Security
from mockserver.store import IdempotencyState, StoredResponse
from mockserver.validation import Explainer, check_body, check_parameters, raise_if_any

logger = logging.getLogger("mockserver")

_MISSING: Any = object()
_IDEMPOTENCY_HEADER = "Idempotency-Key"
# Headers a replay repeats from the stored response (RFC draft: the original outcome).
_REPLAYED_HEADERS = ("Location",)


class Pipeline:
    """The ASGI app behind the middleware: every API request goes through here."""

    def __init__(
        self,
        services: Services,
        handlers: Mapping[str, Handler],
        default_handler: Handler,
        explainers: Mapping[str, Explainer],
        *,
        startup: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.services = services
        self._handlers = handlers
        self._default = default_handler
        self._explainers = explainers
        self._security = Security(
            services.keyring,
            services.store,
            services.spec.limits,
            rate_limit=services.settings.rate_limit,
        )
        self._max_body = services.spec.limits.max_body_bytes
        # Start-up work on the store (preloading) runs before the first request is
        # answered, whether or not the ASGI server sends lifespan events (in-process
        # test clients and fuzzers often do not).
        self._startup = startup
        self._startup_lock = asyncio.Lock()
        self._conformance = (
            Conformance(services.spec) if services.settings.validate_responses else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self._startup is not None:
            await self._start()
        if scope["path"].startswith(covers.PREFIX):
            await covers.serve(scope, receive, send)
            return
        request = Request(scope, receive)
        request_id: str = scope["state"]["request_id"]
        extra: dict[str, str] = {}  # rate-limit headers, once the key is admitted
        try:
            response = await self._handle(request, request_id, extra)
        except Problem as problem:
            response = self._problem(problem, request, request_id, extra)
        except Exception:
            logger.exception("unhandled error in %s %s", request.method, scope["path"])
            internal = Problem(500, "An unexpected error occurred; see the server log.")
            response = self._problem(internal, request, request_id, extra)
        if self._conformance is not None:
            response = self._conform(request, response, request_id)
        await response(scope, receive, send)

    def _conform(self, request: Request, response: Outgoing, request_id: str) -> Outgoing:
        """With ``--validate-responses``: a response that breaks the document is a 500."""
        assert self._conformance is not None
        headers = {k.decode(): v.decode() for k, v in response.raw_headers()}
        headers["x-request-id"] = request_id
        found = self._conformance.check(
            request.method, request.scope["path"], response.status_code, headers, response.body
        )
        if not found:
            return response
        logger.error("response breaks the document: %s", "; ".join(found))
        detail = "The mock's response broke its own document: " + "; ".join(found)
        return self._problem(Problem(500, detail), request, request_id, {})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self._start()
                except Exception as exc:
                    logger.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start(self) -> None:
        async with self._startup_lock:
            if self._startup is not None:  # another request may have finished it
                await self._startup()
                self._startup = None

    async def _handle(self, request: Request, request_id: str, extra: dict[str, str]) -> Outgoing:
        services = self.services
        path: str = request.scope["path"]
        found = services.spec.match(path)
        if found is None:
            raise Problem(404, f"There is no resource at {path}.")
        item, path_params = found
        operation = item.operations.get(request.method)
        if operation is None:
            raise Problem(
                405,
                f"{request.method} is not allowed on {path}; allowed: {item.allow}.",
                headers={"Allow": item.allow},
            )
        # One plain dict for the dozen look-ups below (Starlette's Headers scans its
        # list per look-up); the first of repeated headers wins, as there.
        headers = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in reversed(request.scope["headers"])
        }
        if not acceptable(headers.get("accept"), operation.media_types):
            offered = ", ".join(sorted(operation.media_types))
            raise Problem(
                406, f"This operation answers with {offered}; the Accept header excludes it."
            )

        key = None
        if operation.scope is not None:
            key = self._security.authenticate(headers.get("authorization"))
            extra.update(await self._security.admit(key, operation.scope, services.clock.now()))

        body = _MISSING
        if operation.body_schema is not None:
            raw_body = await self._read_body(request, headers)
            body = _parse_body(raw_body, headers.get("content-type"))

        errors: list[Any] = []
        query: dict[str, list[str]] = {}
        if request.scope["query_string"]:
            for name, value in request.query_params.multi_items():
                query.setdefault(name, []).append(value)
        params = check_parameters(operation, path_params, query, headers, errors)
        if operation.body_schema is not None:
            if body is _MISSING:
                if operation.body_required:
                    errors.append({"field": "body", "message": "a JSON request body is required"})
                body = None
            else:
                check_body(operation, body, errors, self._explainers)
        raise_if_any(errors)

        call = Call(
            services, operation, request, headers, request_id, path_params, params, body, key
        )
        idempotency_key = params.get(_IDEMPOTENCY_HEADER)
        if key is not None and idempotency_key is not None:
            return await self._idempotent(call, idempotency_key, extra)
        status, content, reply_headers, media_type = await self._run(call)
        return self._respond(call, status, content, reply_headers, media_type, extra)

    async def _run(self, call: Call) -> tuple[int, bytes, dict[str, str], str]:
        handler = self._handlers.get(call.operation.operation_id, self._default)
        reply: Reply = await handler(call)
        return reply.status, reply.encode(), reply.headers, reply.media_type

    def _respond(
        self,
        call: Call,
        status: int,
        content: bytes,
        headers: dict[str, str],
        media_type: str,
        extra: dict[str, str],
    ) -> Outgoing:
        headers = {**headers, **extra}
        if call.operation.method == "GET" and status == 200:
            tag = etag(content)
            headers["ETag"] = tag
            if_none_match = call.headers.get("if-none-match")
            if if_none_match and matches(if_none_match, tag):
                return Outgoing(status_code=304, headers=headers)
        return Outgoing(content, status_code=status, headers=headers, media_type=media_type)

    async def _idempotent(self, call: Call, key: str, extra: dict[str, str]) -> Outgoing:
        """Run a create at most once per (organization, key) within the window."""
        store, clock = self.services.store, self.services.clock
        assert call.key is not None
        organization_id = call.key.organization.id
        fingerprint = hashlib.blake2b(
            b"\0".join(
                (
                    call.operation.method.encode(),
                    call.request.scope["path"].encode(),
                    orjson.dumps(call.body, option=orjson.OPT_SORT_KEYS),
                )
            ),
            digest_size=32,
        ).digest()
        outcome = await store.begin_idempotent(organization_id, key, fingerprint, clock.now())
        if outcome.state is IdempotencyState.REPLAY:
            assert outcome.response is not None
            stored = outcome.response
            headers = {**dict(stored.headers), "Idempotency-Replayed": "true", **extra}
            return Outgoing(stored.body, stored.status, headers=headers, media_type=JSON)
        if outcome.state is IdempotencyState.MISMATCH:
            raise Problem(
                422,
                "This Idempotency-Key was already used with a different request.",
                errors=[
                    {
                        "field": _IDEMPOTENCY_HEADER,
                        "message": "was already used with a different method, path or body",
                    }
                ],
            )
        if outcome.state is IdempotencyState.IN_FLIGHT:
            raise Problem(
                409, "A request with this Idempotency-Key is still in flight; retry later."
            )
        try:
            status, content, headers, media_type = await self._run(call)
        except BaseException:
            await store.release_idempotent(organization_id, key)
            raise
        if 200 <= status < 300:
            kept = tuple((name, headers[name]) for name in _REPLAYED_HEADERS if name in headers)
            window = self.services.spec.limits.idempotency_window_seconds
            stored = StoredResponse(status, content, kept)
            await store.complete_idempotent(organization_id, key, stored, clock.now(), window)
        else:
            await store.release_idempotent(organization_id, key)
        return self._respond(call, status, content, headers, media_type, extra)

    async def _read_body(self, request: Request, headers: Mapping[str, str]) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise _too_large(self._max_body)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self._max_body:
                raise _too_large(self._max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    def _problem(
        self, problem: Problem, request: Request, request_id: str, extra: dict[str, str]
    ) -> Outgoing:
        headers = {**extra, **(problem.headers or {})}
        body = problem_body(problem, request.scope["path"], request_id)
        return Outgoing(body, problem.status, headers=headers, media_type=PROBLEM_JSON)


def _too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is over the limit of {limit} bytes.")


def _parse_body(raw: bytes, content_type: str | None) -> Any:
    """The parsed JSON body, ``_MISSING`` when there is none; 415 or 400 Problems."""
    if not raw:
        return _MISSING
    media, _, parameters = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        shown = content_type or "none"
        raise Problem(415, f"The body must be sent as application/json, not {shown}.")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise Problem(415, f"The body must be UTF-8 encoded, not {value.strip()}.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses integers beyond 64 bits, which are valid JSON (a 422 at most):
    # the standard parser tells those apart from real syntax errors.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not valid UTF-8.") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise Problem(400, f"The request body is not valid JSON: {exc}.") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
