"""What a control endpoint receives, and the shape of an endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mockserver.context import Services
from mockserver.responses import Reply
from mockserver.store import SessionControl, Store


@dataclass(slots=True)
class ControlCall:
    """One validated control request.

    ``params`` holds the parameters by name (defaults applied; ``body[FIELD]`` filters
    as the dict ``params["body"]``); ``body`` the parsed JSON body, None when absent.
    """

    services: Services
    session: str  # the session the request acts on
    params: dict[str, Any]
    body: Any

    async def store(self) -> Store:
        """The session's store (created on first use, like an API request would)."""
        return await self.services.sessions.store(self.session)

    async def control(self) -> tuple[Store, SessionControl]:
        """The session's store and its current faults and clock."""
        store = await self.store()
        return store, await store.get_control()


Endpoint = Callable[[ControlCall], Awaitable[Reply]]


def data(value: Any, status: int = 200) -> Reply:
    """The ``{"data": ...}`` envelope every control answer uses."""
    return Reply(status, {"data": value})
