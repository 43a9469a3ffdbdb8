"""``/clock``: a session's time, moved by an offset or frozen, over the server's clock.

The state is the session's :class:`~mockserver.store.SessionControl` (``offset``,
``frozen_at``); the API reads it through :class:`~mockserver.context.SessionClock`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Any

from mockserver.clock import rfc3339
from mockserver.control.call import ControlCall, data
from mockserver.problems import validation_problem
from mockserver.responses import Reply
from mockserver.store import SessionControl

# A session's time stays within these bounds, so every timestamp the API renders
# exists (years 1 to 9999) even after moves; control.yaml's pattern keeps PUT's years
# in 1970..8999, and two days of slack cover any time-zone offset at either end.
EARLIEST = -2 * 86_400.0
LATEST = datetime.fromisoformat("9000-01-02T00:00:00+00:00").timestamp()

# RFC 3339's date-time, as JSON Schema's "date-time" format reads it (the validators
# refuse lower-case "t"/"z" and leap seconds, so this does too).
_RFC3339 = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])",
    re.ASCII,
)


def parse_timestamp(text: str) -> float:
    """Unix seconds of an RFC 3339 date-time; ValueError when it is not one."""
    if not _RFC3339.fullmatch(text):
        raise ValueError("must be an RFC 3339 date-time such as 2026-06-14T09:30:00Z")
    try:  # the pattern leaves impossible days (02-30) to the calendar
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(f"{text!r} is not a date of the calendar") from None


def clock_json(server_now: float, control: SessionControl) -> dict[str, Any]:
    """The ``Clock`` of control.yaml."""
    now = control.now(server_now)
    frozen = control.frozen_at is not None
    # Rounded to the millisecond: the difference of two floats carries noise below it.
    offset = round(now - server_now if frozen else control.offset, 3)
    return {
        "now": rfc3339(now),
        "server_now": rfc3339(server_now),
        "offset_seconds": offset,
        "frozen": frozen,
    }


async def get_clock(call: ControlCall) -> Reply:
    """The session's time and the server's."""
    _, control = await call.control()
    return data(clock_json(call.services.clock.now(), control))


async def set_clock(call: ControlCall) -> Reply:
    """Put the session at ``now``, running from there or ``frozen`` there."""
    try:
        target = parse_timestamp(call.body["now"])
    except ValueError as exc:
        raise validation_problem([{"field": "now", "message": str(exc)}]) from None
    _check_range(target, "now")
    server_now = call.services.clock.now()
    store, control = await call.control()
    frozen_at = target if call.body.get("frozen", False) else None
    control = dataclasses.replace(control, offset=target - server_now, frozen_at=frozen_at)
    await store.set_control(control)
    return data(clock_json(server_now, control))


async def advance_clock(call: ControlCall) -> Reply:
    """Move the session's time by ``seconds``; a frozen clock stays frozen, moved."""
    seconds = float(call.body["seconds"])
    server_now = call.services.clock.now()
    store, control = await call.control()
    _check_range(control.now(server_now) + seconds, "seconds")
    if control.frozen_at is not None:
        control = dataclasses.replace(control, frozen_at=control.frozen_at + seconds)
    else:
        control = dataclasses.replace(control, offset=control.offset + seconds)
    await store.set_control(control)
    return data(clock_json(server_now, control))


async def reset_clock(call: ControlCall) -> Reply:
    """Back to the server's clock: no offset, not frozen."""
    store, control = await call.control()
    control = dataclasses.replace(control, offset=0.0, frozen_at=None)
    await store.set_control(control)
    return data(clock_json(call.services.clock.now(), control))


def _check_range(timestamp: float, field: str) -> None:
    if not EARLIEST <= timestamp <= LATEST:
        raise validation_problem(
            [
                {
                    "field": field,
                    "message": f"would put the session's time at {timestamp:.0f} Unix seconds;"
                    f" it must stay between {rfc3339(EARLIEST)} and {rfc3339(LATEST)}",
                }
            ]
        )
