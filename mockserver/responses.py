"""Turning a handler's answer into bytes: JSON encoding, ETags and 304s."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

JSON = "application/json"
_NO_BODY = frozenset({204, 304})


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


class Outgoing:
    """A finished response, sent as two raw ASGI messages.

    Starlette's ``Response`` does the same with more machinery (mutable header objects,
    background tasks); this is the one type every mock response goes out as.
    """

    __slots__ = ("body", "headers", "media_type", "status_code")

    def __init__(
        self,
        body: bytes = b"",
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        self.body = body
        self.status_code = status_code
        self.headers = headers or {}
        self.media_type = media_type

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        names = _NAMES
        raw = []
        for name, value in self.headers.items():
            encoded = names.get(name)
            if encoded is None:
                encoded = name.lower().encode("latin-1")
                if len(names) < _NAMES_KEPT:
                    names[name] = encoded
            raw.append((encoded, value.encode("latin-1")))
        if self.status_code not in _NO_BODY:
            if self.media_type is not None:
                raw.append((b"content-type", _content_type(self.media_type)))
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        return raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = self.raw_headers()
        await send({"type": "http.response.start", "status": self.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


# Header names are a handful of constants ("Location", "ETag", the rate-limit trio...):
# their lower-case bytes are kept, not encoded again per response. Bounded all the same.
_NAMES: dict[str, bytes] = {}
_NAMES_KEPT = 256


@lru_cache(maxsize=64)
def _content_type(media_type: str) -> bytes:
    """The Content-Type value of ``media_type``: text gets its charset."""
    if media_type.startswith("text/") and "charset" not in media_type:
        media_type += "; charset=utf-8"
    return media_type.encode("latin-1")
