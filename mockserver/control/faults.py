"""``/faults``: what goes wrong in a session's API requests, and how often."""

from __future__ import annotations

import dataclasses
from typing import Any

from mockserver.control.call import ControlCall, data
from mockserver.faults import FaultError, plan_from_json
from mockserver.problems import validation_problem
from mockserver.responses import Reply


async def get_faults(call: ControlCall) -> Reply:
    """The session's fault plan."""
    _, control = await call.control()
    return data(control.faults.to_json())


async def set_faults(call: ControlCall) -> Reply:
    """Replace the plan; the rules JSON Schema cannot say (rates adding up to at most 1,
    distinct statuses, min not above max) are the fault module's own."""
    try:
        plan = plan_from_json(_whole_numbers(call.body))
    except FaultError as exc:
        raise validation_problem(
            [{"field": field, "message": message} for field, message in exc.problems]
        ) from None
    store, control = await call.control()
    await store.set_control(dataclasses.replace(control, faults=plan))
    return data(plan.to_json())


async def reset_faults(call: ControlCall) -> Reply:
    """Back to the faults the server started with."""
    store, control = await call.control()
    plan = call.services.settings.faults
    await store.set_control(dataclasses.replace(control, faults=plan))
    return data(plan.to_json())


def _whole_numbers(body: dict[str, Any]) -> dict[str, Any]:
    """The body with integral floats as ints where control.yaml says "integer": JSON
    Schema counts 250.0 as the integer 250, the fault module takes ints only."""
    body = dict(body)
    latency = body.get("latency_ms")
    if isinstance(latency, dict):
        body["latency_ms"] = {k: _whole(v) for k, v in latency.items()}
    errors = body.get("errors")
    if isinstance(errors, list):
        body["errors"] = [
            {k: v if k == "rate" else _whole(v) for k, v in e.items()} for e in errors
        ]
    return body


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value
