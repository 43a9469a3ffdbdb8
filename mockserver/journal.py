"""The request journal: what each API request sent and what it got back.

An entry keeps raw parts (header pairs, body bytes) and is rendered to JSON only when
the control plane is asked for it, so recording costs a few attribute stores per
request. The API key is redacted when the entry is made: it never reaches the store.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import orjson

from mockserver.clock import rfc3339

# Bodies are kept up to this size; a longer one is cut and marked truncated.
MAX_BODY_KEPT = 64 * 1024
_REDACTED_HEADERS = frozenset({"authorization", "cookie", "x-mock-admin-key"})


class JournalEntry(NamedTuple):
    """One request and its outcome, as recorded.

    A NamedTuple, not a frozen dataclass: it is made on every request, and a tuple is
    built in a fraction of the time of a frozen dataclass's field-by-field init.
    """

    sequence: int  # per session, from 1: the same number the fault draw used
    time: float  # the session's simulated time when the request arrived
    request_id: str
    method: str
    path: str
    query: str  # the raw query string
    headers: tuple[tuple[str, str], ...]  # lower-case names, secrets redacted
    body: bytes
    body_truncated: bool
    status: int
    operation_id: str | None
    errors: tuple[Any, ...]  # the 422's field errors, or the problem's detail
    fault: str | None  # "latency", "drop", "error", "upstream_down"
    preference_applied: str | None

    def to_json(self) -> dict[str, Any]:
        """The control plane's ``JournalEntry``."""
        parsed: Any = None
        text: str | None = None
        if self.body:
            try:
                parsed = orjson.loads(self.body)
            except orjson.JSONDecodeError:
                text = self.body.decode("utf-8", "replace")
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(self.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        return {
            "sequence": self.sequence,
            "time": rfc3339(self.time),
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
            "query": query,
            "headers": dict(self.headers),
            "body": parsed,
            "body_text": text,
            "body_truncated": self.body_truncated,
            "status": self.status,
            "operation_id": self.operation_id,
            "errors": list(self.errors),
            "fault": self.fault,
            "preference_applied": self.preference_applied,
        }


def redact(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Header pairs as text, with credentials replaced: an Authorization header keeps its
    scheme and a long key's last four characters (``Bearer [redacted]…full``), enough
    to tell personas apart; cookies, admin keys and short secrets are replaced whole."""
    # The pipeline's decoded headers (lower-case names, the first of repeated ones), so
    # recording decodes nothing again. That dict was filled from the last header to the
    # first: reversed, it is in the order the client sent.
    if _REDACTED_HEADERS.isdisjoint(headers):
        return tuple(reversed(headers.items()))
    return tuple(
        (name, _redacted(name, value) if name in _REDACTED_HEADERS else value)
        for name, value in reversed(headers.items())
    )


def _redacted(name: str, value: str) -> str:
    scheme, _, secret = value.partition(" ")
    # Like a card's last four digits: only long keys show any of themselves.
    shown = name == "authorization" and len(secret) >= 12
    return f"{scheme} [redacted]…{secret[-4:]}" if shown else "[redacted]"
