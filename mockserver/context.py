"""The two objects every handler sees: the app's services and the request's call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from mockserver.clock import Clock
from mockserver.fixtures import Dataset
from mockserver.generation import ContentGenerator
from mockserver.keys import ApiKey, KeyRing
from mockserver.listing import Cursors
from mockserver.prefer import Steering
from mockserver.responses import Reply
from mockserver.sessions import MockConventions, Sessions
from mockserver.settings import Settings
from mockserver.simulation import Simulator
from mockserver.spec import Operation, Spec
from mockserver.store import SessionControl, Store
from mockserver.synth import Synthesizer


@dataclass(frozen=True, slots=True)
class Services:
    """Everything built once at start and shared by all requests."""

    settings: Settings
    spec: Spec
    keyring: KeyRing
    sessions: Sessions  # the session header -> that session's Store (owns the Backend)
    mock: MockConventions  # x-mockserver: session header, Prefer bounds, control path
    steering: Steering  # Prefer
    clock: Clock  # the server's clock; a session's time is SessionClock
    generator: ContentGenerator
    simulator: Simulator
    cursors: Cursors
    dataset: Dataset
    started_at: float  # simulated time of start: preloaded videos are placed before it
    synthesizer: Synthesizer
    docs_html: str
    openapi_json: bytes


@dataclass(slots=True)
class Call:
    """One request on its way through the pipeline, validated."""

    services: Services
    operation: Operation
    request: Request
    headers: Mapping[str, str]  # lower-case names
    request_id: str
    path_params: dict[str, str]
    params: dict[str, Any]
    body: Any
    key: ApiKey | None
    store: Store  # the session's
    clock: SessionClock


class SessionClock:
    """A session's time: the server's clock moved or frozen by the control plane."""

    __slots__ = ("_base", "_control")

    def __init__(self, base: Clock, control: SessionControl) -> None:
        self._base = base
        self._control = control

    def now(self) -> float:
        return self._control.now(self._base.now())


Handler = Callable[[Call], Awaitable[Reply]]
