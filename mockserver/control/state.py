"""``/reset`` and ``/sessions``: starting a session over, and forgetting it."""

from __future__ import annotations

import dataclasses

from mockserver.control.call import ControlCall, data
from mockserver.problems import Problem
from mockserver.responses import Reply

PARTS = ("state", "journal", "faults", "clock")


async def reset(call: ControlCall) -> Reply:
    """Reset the parts the body asks for (all by default), in the order of ``PARTS``."""
    body = call.body or {}
    parts = [part for part in PARTS if body.get(part, True)]
    store, control = await call.control()
    if "state" in parts:
        await store.reset()  # the bundled dataset comes back on the next API request
    if "journal" in parts:
        await store.clear_journal()
    if "faults" in parts:
        control = dataclasses.replace(control, faults=call.services.settings.faults)
    if "clock" in parts:
        control = dataclasses.replace(control, offset=0.0, frozen_at=None)
    if "faults" in parts or "clock" in parts:
        await store.set_control(control)
    return data({"reset": parts})


async def list_sessions(call: ControlCall) -> Reply:
    """Every session that exists, by name; asking does not create one."""
    names = await call.services.sessions.backend.sessions()
    return data([{"name": name} for name in sorted(names)])


async def delete_session(call: ControlCall) -> Reply:
    """Forget a session: videos, journal, faults and clock."""
    name: str = call.params["name"]
    if not await call.services.sessions.backend.drop(name):
        raise Problem(404, f"There is no session named {name!r}.")
    return Reply(204)
