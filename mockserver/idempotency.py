"""Idempotency-Key: a create runs at most once per (organization, key) within the window.

The same key with the same method, path and body replays the first 2xx byte for byte
(``Idempotency-Replayed: true``); with another request it is a 422; while the first
is still running, a 409. Only 2xx outcomes are kept: a failure frees the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import orjson

from mockserver.context import Call
from mockserver.problems import Problem
from mockserver.responses import JSON
from mockserver.store import IdempotencyState, StoredResponse

HEADER = "Idempotency-Key"
# Headers a replay repeats from the stored response (RFC draft: the original outcome).
_REPLAYED_HEADERS = ("Location",)

Answer = tuple[int, bytes, dict[str, str], str]  # status, body, headers, media type


async def once(
    call: Call, key: str, run: Callable[[Call], Awaitable[Answer]], window: int
) -> Answer:
    """``run(call)``, or the stored answer of its first run under ``key``."""
    store, clock = call.store, call.clock
    assert call.key is not None
    organization_id = call.key.organization.id
    outcome = await store.begin_idempotent(organization_id, key, _fingerprint(call), clock.now())
    if outcome.state is IdempotencyState.REPLAY:
        assert outcome.response is not None
        stored = outcome.response
        return (
            stored.status,
            stored.body,
            {**dict(stored.headers), "Idempotency-Replayed": "true"},
            JSON,
        )
    if outcome.state is IdempotencyState.MISMATCH:
        raise Problem(
            422,
            "This Idempotency-Key was already used with a different request.",
            errors=[
                {
                    "field": HEADER,
                    "message": "was already used with a different method, path or body",
                }
            ],
        )
    if outcome.state is IdempotencyState.IN_FLIGHT:
        raise Problem(409, "A request with this Idempotency-Key is still in flight; retry later.")
    try:
        status, content, headers, media_type = await run(call)
    except BaseException:
        await store.release_idempotent(organization_id, key)
        raise
    if 200 <= status < 300:
        kept = tuple((name, headers[name]) for name in _REPLAYED_HEADERS if name in headers)
        stored = StoredResponse(status, content, kept)
        await store.complete_idempotent(organization_id, key, stored, clock.now(), window)
    else:
        await store.release_idempotent(organization_id, key)
    return status, content, headers, media_type


def _fingerprint(call: Call) -> bytes:
    """What makes two requests "the same": method, path and the canonical JSON body."""
    return hashlib.blake2b(
        b"\0".join(
            (
                call.operation.method.encode(),
                call.request.scope["path"].encode(),
                orjson.dumps(call.body, option=orjson.OPT_SORT_KEYS),
            )
        ),
        digest_size=32,
    ).digest()
