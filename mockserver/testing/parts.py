"""The parts of a :class:`~mockserver.testing.MockServer`: its session's journal, faults
and clock, each steered through the handle's control-plane requests (``control()``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mockserver.clock import parse_rfc3339, rfc3339

if TYPE_CHECKING:  # for annotations only: handle.py imports this module
    from mockserver.testing.handle import MockServer


class Journal:
    """The session's request journal: what the mock received and answered."""

    def __init__(self, mock: MockServer) -> None:
        self._mock = mock

    def entries(
        self,
        *,
        operation: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        request_id: str | None = None,
        body: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The most recent matching entries (at most ``limit``, server default 100), oldest
        first. ``operation`` is an operationId (``trackVideo``); ``body`` matches top-level
        JSON body fields; ``since``/``until`` are inclusive."""
        params = _journal_filters(operation, method, path, status, since, until, request_id, body)
        if limit is not None:
            params["limit"] = str(limit)
        return list(self._mock.control("GET", "/journal", params=params))

    def count(
        self,
        *,
        operation: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        request_id: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> int:
        """How many entries match (same filters as :meth:`entries`, no limit)."""
        params = _journal_filters(operation, method, path, status, since, until, request_id, body)
        return int(self._mock.control("GET", "/journal/count", params=params)["count"])

    def clear(self) -> None:
        """Forget every entry of this session."""
        self._mock.control("DELETE", "/journal")


class Faults:
    """The session's simulated faults: latency, error statuses, drops, upstream down."""

    def __init__(self, mock: MockServer) -> None:
        self._mock = mock

    def get(self) -> dict[str, Any]:
        """The current fault plan (the control plane's ``Faults``)."""
        return dict(self._mock.control("GET", "/faults"))

    def set(
        self,
        *,
        latency_ms: int | tuple[int, int] | None = None,
        errors: Mapping[int, float | tuple[float, int]] | None = None,
        drop_rate: float = 0.0,
        upstream_down: bool = False,
    ) -> dict[str, Any]:
        """Replace the plan; anything not given is off.

        ``latency_ms``: fixed (``250``) or a uniform range (``(100, 300)``);
        ``errors``: status -> share of requests, or -> (share, Retry-After seconds), e.g.
        ``{503: 1.0}`` or ``{503: (0.02, 5)}``.
        """
        body: dict[str, Any] = {"drop_rate": drop_rate, "upstream_down": upstream_down}
        if latency_ms is not None:
            low, high = (latency_ms, latency_ms) if isinstance(latency_ms, int) else latency_ms
            body["latency_ms"] = {"min": low, "max": high}
        body["errors"] = [_error_fault(status, spec) for status, spec in (errors or {}).items()]
        return dict(self._mock.control("PUT", "/faults", json=body))

    def clear(self) -> dict[str, Any]:
        """Back to the faults the server started with (none, by default)."""
        return dict(self._mock.control("DELETE", "/faults"))


class SessionClock:
    """The session's time: the server's clock, moved or frozen for this session only."""

    def __init__(self, mock: MockServer) -> None:
        self._mock = mock

    def state(self) -> dict[str, Any]:
        """The control plane's ``Clock``: ``now``, ``server_now``, ``offset_seconds``,
        ``frozen``."""
        return dict(self._mock.control("GET", "/clock"))

    def now(self) -> datetime:
        """The session's current time (UTC)."""
        return parse_rfc3339(self.state()["now"])

    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the session's time forward (or back, when negative); returns the new now."""
        amount = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
        return _now_of(self._mock.control("POST", "/clock/advance", json={"seconds": amount}))

    def set(self, when: datetime | str, *, frozen: bool = False) -> datetime:
        """Put the session at ``when``; ``frozen`` stops it there until moved again."""
        body = {"now": _timestamp(when), "frozen": frozen}
        return _now_of(self._mock.control("PUT", "/clock", json=body))

    def reset(self) -> datetime:
        """Back to the server's clock."""
        return _now_of(self._mock.control("DELETE", "/clock"))


def _journal_filters(
    operation: str | None,
    method: str | None,
    path: str | None,
    status: int | None,
    since: datetime | str | None,
    until: datetime | str | None,
    request_id: str | None,
    body: Mapping[str, Any] | None,
) -> dict[str, str]:
    given = {
        "operation": operation,
        "method": method.upper() if method else None,
        "path": path,
        "status": None if status is None else str(status),
        "since": None if since is None else _timestamp(since),
        "until": None if until is None else _timestamp(until),
        "request_id": request_id,
    }
    params = {name: value for name, value in given.items() if value is not None}
    for field, value in (body or {}).items():
        params[f"body[{field}]"] = _as_text(value)
    return params


def _as_text(value: Any) -> str:
    # JSON's spelling for the scalars whose Python str() differs from it.
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _error_fault(status: int, spec: float | tuple[float, int]) -> dict[str, Any]:
    if isinstance(spec, tuple):
        rate, retry_after = spec
        return {"status": status, "rate": rate, "retry_after": retry_after}
    return {"status": status, "rate": spec}


def _timestamp(when: datetime | str) -> str:
    if isinstance(when, str):
        return when
    if when.tzinfo is None:
        raise ValueError(f"{when!r} has no time zone; use an aware datetime (tzinfo=UTC)")
    return rfc3339(when.astimezone(UTC).timestamp())


def _now_of(clock: Mapping[str, Any]) -> datetime:
    return parse_rfc3339(str(clock["now"]))
