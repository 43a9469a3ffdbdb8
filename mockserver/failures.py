"""Failures as answers: simulated faults, a lost state store, a dropped connection.

The pipeline decides *when* a request fails (:func:`mockserver.faults.decide`, a
:class:`~mockserver.store.StoreUnavailable`); this module decides *what* the client
gets: a problem+json, ``/health``'s own ``HealthUnavailable`` body, or no bytes at all.
"""

from __future__ import annotations

import asyncio

import orjson
from starlette.types import Scope

from mockserver.faults import UPSTREAM_DOWN, ErrorFault
from mockserver.problems import Problem
from mockserver.responses import JSON, Outgoing
from mockserver.spec import Spec
from mockserver.store import STORE_RETRY_AFTER, StoreUnavailable

HEALTH = "getHealth"


def fault_name(error: ErrorFault) -> str:
    """What the journal calls a simulated error: ``upstream_down`` or ``error``."""
    return "upstream_down" if error is UPSTREAM_DOWN else "error"


def simulated(error: ErrorFault, operation_id: str, store: str, extra: dict[str, str]) -> Outgoing:
    """``/health``'s answer to a simulated 503; for anything else, raise the fault's Problem.

    ``store`` names the state store for the health body; ``extra`` are headers the
    request has earned so far (the rate-limit trio).
    """
    why = "the upstream is down" if error is UPSTREAM_DOWN else f"a {error.status} fault"
    headers = {"Retry-After": str(error.retry_after)} if error.status == 503 else {}
    if operation_id == HEALTH and error.status == 503:
        return health_down(store, f"{why} (simulated fault)", {**headers, **extra})
    detail = f"Simulated fault: {why}." + (
        f" Retry after {error.retry_after} s." if error.status == 503 else ""
    )
    raise Problem(error.status, detail, headers=headers)


def store_lost(lost: StoreUnavailable, spec: Spec, method: str, path: str) -> Outgoing | Problem:
    """The state store is down: ``/health``'s body, or a 503 Problem, with Retry-After.

    A store is read before routing too (the session's), so the operation is looked up
    here from the method and path.
    """
    headers = {"Retry-After": str(STORE_RETRY_AFTER)}
    found = spec.match(path)
    operation = found[0].operations.get(method) if found is not None else None
    if operation is not None and operation.operation_id == HEALTH:
        return health_down(lost.store, str(lost), headers)
    detail = f"The state store cannot be used: {lost}. Retry after {STORE_RETRY_AFTER} s."
    return Problem(503, detail, headers=headers)


def health_down(store: str, reason: str, headers: dict[str, str]) -> Outgoing:
    """``/health``'s 503: a health body (HealthUnavailable), not a problem."""
    body = {"status": "unavailable", "store": store, "reason": reason}
    return Outgoing(orjson.dumps(body), 503, headers=headers, media_type=JSON)


async def drop(scope: Scope) -> None:
    """Drop the connection without an answer (a simulated fault).

    Under uvicorn the transport is aborted (the client sees a reset, no bytes); the
    pause lets uvicorn notice the loss before the app returns, so it neither logs an
    error nor tries a 500. In-process there is no transport: the client gets an error.
    """
    transport = scope["state"].get("transport")
    if transport is None:
        raise ConnectionResetError("connection dropped (simulated fault)")
    transport.abort()
    await asyncio.sleep(0)
