"""``/journal``: which API requests a session received, filtered and counted."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from mockserver.control.call import ControlCall, data
from mockserver.control.clock import parse_timestamp
from mockserver.journal import JournalEntry
from mockserver.problems import FieldError, validation_problem
from mockserver.responses import Reply

_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """The filters of ``GET /journal`` and ``/journal/count``; all must match."""

    operation: str | None = None
    method: str | None = None  # upper case
    path: str | None = None
    status: int | None = None
    since: float | None = None  # Unix seconds, inclusive
    until: float | None = None
    request_id: str | None = None
    body: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> JournalQuery:
        """The query of validated parameters; a 422 for a time that is not RFC 3339."""
        errors: list[FieldError] = []
        bounds: dict[str, float | None] = {"since": None, "until": None}
        for name in bounds:
            if name in params:
                try:
                    bounds[name] = parse_timestamp(params[name])
                except ValueError as exc:
                    errors.append({"field": name, "message": str(exc)})
        if errors:
            raise validation_problem(errors)
        method = params.get("method")
        return cls(
            operation=params.get("operation"),
            method=method.upper() if method is not None else None,
            path=params.get("path"),
            status=params.get("status"),
            since=bounds["since"],
            until=bounds["until"],
            request_id=params.get("request_id"),
            body=params.get("body") or {},
        )

    def matches(self, entry: JournalEntry) -> bool:
        """True when ``entry`` passes every filter given."""
        if self.operation is not None and entry.operation_id != self.operation:
            return False
        if self.method is not None and entry.method.upper() != self.method:
            return False
        if self.path is not None and entry.path != self.path:
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.request_id is not None and entry.request_id != self.request_id:
            return False
        # Bounds apply to the time as the entry shows it: whole seconds.
        second = math.floor(entry.time)
        if self.since is not None and second < self.since:
            return False
        if self.until is not None and second > self.until:
            return False
        return not self.body or self._body_matches(entry)

    def _body_matches(self, entry: JournalEntry) -> bool:
        if entry.body_truncated or not entry.body:
            return False
        try:
            body = orjson.loads(entry.body)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(body, dict):
            return False
        return all(_as_text(body.get(name, _MISSING)) == value for name, value in self.body.items())

    def select(self, entries: Sequence[JournalEntry]) -> list[JournalEntry]:
        """The matching entries, oldest first."""
        return [entry for entry in entries if self.matches(entry)]


def _as_text(value: Any) -> str | None:
    """A body value as a filter compares it: a string as itself, anything else as JSON."""
    if value is _MISSING:
        return None
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


async def list_journal(call: ControlCall) -> Reply:
    """The most recent ``limit`` matching entries, oldest first, and how many match."""
    query = JournalQuery.from_params(call.params)
    store = await call.store()
    found = query.select(await store.journal())
    limit: int = call.params["limit"]
    return Reply(200, {"data": [e.to_json() for e in found[-limit:]], "total": len(found)})


async def count_journal(call: ControlCall) -> Reply:
    """How many entries match."""
    query = JournalQuery.from_params(call.params)
    store = await call.store()
    return data({"count": len(query.select(await store.journal()))})


async def clear_journal(call: ControlCall) -> Reply:
    """Forget the session's journal."""
    store = await call.store()
    await store.clear_journal()
    return Reply(204)
