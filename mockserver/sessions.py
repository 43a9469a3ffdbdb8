"""Sessions: isolated namespaces in one mock process, chosen by a request header.

Parallel test workers sharing one mock each send their own ``X-Mock-Session`` and see
only their own videos, idempotency keys, rate windows, journal, faults and clock. The
header's name, pattern and default come from the document's ``x-mockserver.session``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.errors import StartupError
from mockserver.problems import Problem
from mockserver.store import Backend, Store, TooManySessions


@dataclass(frozen=True, slots=True)
class MockConventions:
    """The numbers and names of ``x-mockserver``."""

    session_header: str
    session_pattern: re.Pattern[str]
    default_session: str
    max_delay_ms: int
    control_path: str


def conventions(document: Mapping[str, Any]) -> MockConventions:
    """Read ``x-mockserver``; StartupError when it is missing or incomplete."""
    raw = document.get("x-mockserver")
    try:
        assert isinstance(raw, Mapping)
        session = raw["session"]
        found = MockConventions(
            session_header=str(session["header"]),
            session_pattern=re.compile(session["pattern"]),
            default_session=str(session["default"]),
            max_delay_ms=int(raw["prefer"]["max_delay_ms"]),
            control_path=str(raw["control_path"]).rstrip("/"),
        )
    except (AssertionError, KeyError, TypeError, ValueError, re.error) as exc:
        raise StartupError("openapi", f"x-mockserver is missing or invalid: {exc!r}") from None
    if not found.session_pattern.fullmatch(found.default_session):
        raise StartupError("openapi", "x-mockserver: the default session breaks the pattern")
    return found


class Sessions:
    """Maps a request's session header to that session's store."""

    def __init__(self, backend: Backend, mock: MockConventions) -> None:
        self.backend = backend
        self.header = mock.session_header.lower()
        self._pattern = mock.session_pattern
        self.default = mock.default_session
        self._shown = mock.session_header

    def name(self, value: str | None) -> str:
        """The session a header value selects; a 400 when it is malformed."""
        if value is None:
            return self.default
        if not self._pattern.fullmatch(value):
            raise Problem(
                400,
                f"The {self._shown} header must match {self._pattern.pattern} "
                "(letters, digits, '.', '_' and '-', at most 64).",
            )
        return value

    async def store(self, name: str) -> Store:
        """The session's store; a 400 when one more session would pass the cap."""
        try:
            return await self.backend.session(name)
        except TooManySessions as exc:
            raise Problem(
                400,
                f"No new session {name!r}: {exc}. Delete finished ones "
                "(DELETE /__mock/sessions/{name}) or raise --max-sessions.",
            ) from None
