"""Turning a handler's answer into bytes: JSON encoding, ETags and 304s."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

JSON = "application/json"


@dataclass(slots=True)
class Reply:
    """What a handler returns: a status, a body and extra headers.

    ``body`` is a JSON-serializable object for ``application/json``, or ``bytes``/``str``
    already rendered for any other media type; ``None`` means no body.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON

    def encode(self) -> bytes:
        """The body's bytes."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return orjson.dumps(self.body)


def etag(body: bytes) -> str:
    """A strong entity tag: a short hash of the exact body bytes."""
    digest = hashlib.blake2b(body, digest_size=16).digest()
    return '"' + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") + '"'


def matches(if_none_match: str, tag: str) -> bool:
    """RFC 9110 If-None-Match: a list of tags (weak comparison) or ``*``."""
    value = if_none_match.strip()
    if value == "*":
        return True
    for candidate in value.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == tag:
            return True
    return False
