"""The request's way through the server, one stage after another.

session (400) -> faults: latency, dropped connection -> route (404/405) -> Accept (406)
-> key (401/403) -> scope and rate limit (403/429) -> faults: error statuses (5xx)
-> Prefer (422; a forced answer stops here) -> body size (413) -> content type (415)
-> JSON (400) -> parameters and schema (422) -> idempotency (409/422) -> the operation
(quota 403 inside) -> ETag/304 -> the journal.

Each stage raises a :class:`~mockserver.problems.Problem`; this module is the only
place that turns one into a response.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver import covers, failures, idempotency
from mockserver.conformance import Conformance
from mockserver.context import Call, Handler, Services, SessionClock
from mockserver.faults import NOTHING, Decision, decide
from mockserver.inbound import MISSING, decoded_headers, parse_json, read_body, route
from mockserver.journal import MAX_BODY_KEPT, JournalEntry, redact
from mockserver.negotiation import acceptable
from mockserver.prefer import NONE as NO_PREFERENCES
from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.responses import Outgoing, Reply, etag, matches
from mockserver.security import Security
from mockserver.spec import Operation
from mockserver.store import Store, StoreUnavailable
from mockserver.validation import (
    Explainer,
    check_parameters,
    check_request_body,
    raise_if_any,
)

logger = logging.getLogger("mockserver")


class Exchange:
    """One request's mutable state on its way through: what the journal records."""

    __slots__ = (
        "clock",
        "errors",
        "extra",
        "fault",
        "headers",
        "operation",
        "raw_body",
        "request",
        "request_id",
        "store",
        "time",
    )

    def __init__(self, request: Request, request_id: str, headers: dict[str, str]) -> None:
        self.request = request
        self.request_id = request_id
        self.headers = headers  # lower-case names; the first of repeated headers wins
        self.extra: dict[str, str] = {}  # rate-limit headers, once the key is admitted
        self.raw_body: bytes | None = None
        self.operation: Operation | None = None
        self.fault: str | None = None
        self.errors: tuple[Any, ...] = ()
        self.store: Store
        self.clock: SessionClock
        self.time = 0.0


class Pipeline:
    """The ASGI app behind the middleware: every API request goes through here."""

    def __init__(
        self,
        services: Services,
        handlers: Mapping[str, Handler],
        default_handler: Handler,
        explainers: Mapping[str, Explainer],
        *,
        preload: Callable[[Store], Awaitable[None]],
        control: ASGIApp | None = None,
        startup: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.services = services
        self._handlers = handlers
        self._default = default_handler
        self._explainers = explainers
        self._security = Security(
            services.keyring, services.spec.limits, rate_limit=services.settings.rate_limit
        )
        self._max_body = services.spec.limits.max_body_bytes
        self._sessions = services.sessions
        self._steering = services.steering
        self._preload = preload
        self._control = control
        self._control_path = services.mock.control_path
        self._journal_size = services.settings.journal_size
        # Start-up work on the store (connecting) runs before the first request is
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
            # Tried again next time; meanwhile the request's own store calls answer 503.
            with contextlib.suppress(StoreUnavailable):
                await self._start()
        path: str = scope["path"]
        if path.startswith(covers.PREFIX):
            await covers.serve(scope, receive, send)
            return
        if self._control is not None and path.startswith(self._control_path):
            await self._control(scope, receive, send)
            return
        request = Request(scope, receive)
        exchange = Exchange(request, scope["state"]["request_id"], decoded_headers(scope))
        response = await self._answer(exchange)
        if response is None:
            await failures.drop(scope)
            return
        await response(scope, receive, send)

    async def _answer(self, x: Exchange) -> Outgoing | None:
        """The response, or None when a fault drops the connection."""
        store: Store | None = None
        sequence = 0
        try:
            store = await self._sessions.store(
                self._sessions.name(x.headers.get(self._sessions.header))
            )
            x.store = store
            if await store.claim_preload():
                await self._preload(store)
            control = await store.get_control()
            x.clock = SessionClock(self.services.clock, control)
            x.time = x.clock.now()
            sequence = await store.next_sequence()
            decision = NOTHING
            if control.faults.active:
                decision = decide(
                    control.faults, self.services.settings.seed, store.session, sequence
                )
            if decision.latency_ms:
                x.fault = "latency"
                await asyncio.sleep(decision.latency_ms / 1000)
            if decision.drop:
                x.fault = "drop"
                response = None
            else:
                response = await self._handle(x, decision)
        except Problem as problem:
            response = self._problem(problem, x)
        except StoreUnavailable as lost:
            method, path = x.request.method, x.request.scope["path"]
            logger.warning("%s %s: %s", method, path, lost)
            answer = failures.store_lost(lost, self.services.spec, method, path)
            response = answer if isinstance(answer, Outgoing) else self._problem(answer, x)
        except Exception:
            logger.exception("unhandled error in %s %s", x.request.method, x.request.scope["path"])
            internal = Problem(500, "An unexpected error occurred; see the server log.")
            response = self._problem(internal, x)
        if response is not None and self._conformance is not None:
            response = self._conform(x, response)
        if store is not None and self._journal_size:
            # A store that is down keeps no journal; the answer says so already.
            with contextlib.suppress(StoreUnavailable):
                await self._record(x, store, sequence, response)
        return response

    async def _record(
        self, x: Exchange, store: Store, sequence: int, response: Outgoing | None
    ) -> None:
        """Journal the exchange: what was sent (credentials redacted) and what came back."""
        scope = x.request.scope
        body = x.raw_body
        if body is None:
            body = await self._unread_body(x)
        status = 0 if response is None else response.status_code  # 0: dropped
        # Positional, in the fields' order: keywords cost ~0.6 µs more on every request.
        entry = JournalEntry(
            sequence,
            x.time,
            x.request_id,
            scope["method"],
            scope["path"],
            scope["query_string"].decode("latin-1"),  # query
            redact(x.headers),
            body[:MAX_BODY_KEPT],
            len(body) > MAX_BODY_KEPT,  # body_truncated
            status,
            x.operation.operation_id if x.operation is not None else None,
            x.errors,
            x.fault,
            x.extra.get("Preference-Applied"),
        )
        await store.record(entry, self._journal_size)

    async def _unread_body(self, x: Exchange) -> bytes:
        """A body no stage read (the request was refused first), for the journal."""
        declared = x.headers.get("content-length", "")
        if not (declared.isdigit() and 0 < int(declared) <= self._max_body):
            return b""
        try:
            return await read_body(x.request.receive, x.headers, self._max_body)
        except Problem:
            return b""

    def _conform(self, x: Exchange, response: Outgoing) -> Outgoing:
        """With ``--validate-responses``: a response that breaks the document is a 500."""
        assert self._conformance is not None
        headers = {k.decode(): v.decode() for k, v in response.raw_headers()}
        headers["x-request-id"] = x.request_id
        request = x.request
        found = self._conformance.check(
            request.method, request.scope["path"], response.status_code, headers, response.body
        )
        if not found:
            return response
        logger.error("response breaks the document: %s", "; ".join(found))
        detail = "The mock's response broke its own document: " + "; ".join(found)
        x.extra.clear()
        return self._problem(Problem(500, detail), x)

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

    async def _handle(self, x: Exchange, decision: Decision) -> Outgoing:
        services = self.services
        request, headers, extra = x.request, x.headers, x.extra
        path: str = request.scope["path"]
        operation, path_params = route(services.spec, request.method, path, "resource")
        x.operation = operation
        if not acceptable(headers.get("accept"), operation.media_types):
            offered = ", ".join(sorted(operation.media_types))
            raise Problem(
                406, f"This operation answers with {offered}; the Accept header excludes it."
            )

        key = None
        if operation.scope is not None:
            key = self._security.authenticate(headers.get("authorization"))
            extra.update(await self._security.admit(key, operation.scope, x.time, x.store))

        if decision.error is not None:
            x.fault = failures.fault_name(decision.error)
            store_name = services.sessions.backend.name
            return failures.simulated(decision.error, operation.operation_id, store_name, extra)
        preferences = self._steering.parse(headers.get("prefer"), operation)
        if preferences is not NO_PREFERENCES:
            extra["Preference-Applied"] = preferences.applied()
            if preferences.delay_ms:
                await asyncio.sleep(preferences.delay_ms / 1000)
            if preferences.forces:
                status, content, forced, media_type = self._steering.answer(
                    operation,
                    preferences,
                    path=path,
                    request_id=x.request_id,
                    extra=extra,
                )
                return Outgoing(content, status, headers=forced, media_type=media_type)

        body = MISSING
        if operation.body_schema is not None:
            x.raw_body = await read_body(request.receive, headers, self._max_body)
            body = parse_json(x.raw_body, headers.get("content-type"))

        errors: list[Any] = []
        query: dict[str, list[str]] = {}
        if request.scope["query_string"]:
            for name, value in request.query_params.multi_items():
                query.setdefault(name, []).append(value)
        params = check_parameters(operation, path_params, query, headers, errors)
        body = check_request_body(operation, body, errors, self._explainers)
        raise_if_any(errors)

        call = Call(
            services,
            operation,
            request,
            headers,
            x.request_id,
            path_params,
            params,
            body,
            key,
            x.store,
            x.clock,
        )
        idempotency_key = params.get(idempotency.HEADER)
        if key is not None and idempotency_key is not None:
            window = services.spec.limits.idempotency_window_seconds
            answer = await idempotency.once(call, idempotency_key, self._run, window)
            status, content, reply_headers, media_type = answer
        else:
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
            # A handler that knows its body's tag already (a cached rendering) sets it.
            tag = headers.get("ETag") or etag(content)
            headers["ETag"] = tag
            if_none_match = call.headers.get("if-none-match")
            if if_none_match and matches(if_none_match, tag):
                return Outgoing(status_code=304, headers=headers)
        return Outgoing(content, status_code=status, headers=headers, media_type=media_type)

    def _problem(self, problem: Problem, x: Exchange) -> Outgoing:
        x.errors = tuple(problem.errors or ())
        headers = {**x.extra, **(problem.headers or {})}
        body = problem_body(problem, x.request.scope["path"], x.request_id)
        return Outgoing(body, problem.status, headers=headers, media_type=PROBLEM_JSON)
