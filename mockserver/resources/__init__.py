"""Behaviour, keyed by ``operationId``; an operation without a handler is synthesized."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.context import Call, Handler
from mockserver.resources import analytics, system, videos
from mockserver.responses import Reply
from mockserver.validation import Explainer

HANDLERS: Mapping[str, Handler] = {**system.HANDLERS, **videos.HANDLERS, **analytics.HANDLERS}
EXPLAINERS: Mapping[str, Explainer] = videos.EXPLAINERS


async def synthesized(call: Call) -> Reply:
    """A schema-valid body for an operation the mock has no behaviour for.

    Deterministic in the operation and its path parameters, so a client sees the same
    answer for the same request.
    """
    success = call.operation.success
    key = call.operation.operation_id + "".join(f"/{v}" for v in call.path_params.values())
    for media_type, schema in success.content.items():
        body = call.services.synthesizer.generate(schema, key)
        return Reply(success.status, body, media_type=media_type)
    return Reply(success.status)
