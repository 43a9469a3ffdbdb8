"""Steering one request with ``Prefer`` (RFC 7240), the convention Prism's users know.

``code=NNN`` answers a status the operation documents, ``example=NAME`` a named example
of the document, ``dynamic=true`` a body generated from the schema, ``delay=MS`` waits
first. A forced status, example or generated body does not run the operation. Other
preferences (``return=minimal``, ``respond-async``, ...) are ignored, as the RFC asks;
a preference given twice counts once, the first time (RFC 7240, section 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.responses import JSON, etag
from mockserver.spec import Operation, ResponseSpec, Spec
from mockserver.synth import Synthesizer

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PREFERENCE = re.compile(
    rf"\s*({_TOKEN})(?:\s*=\s*({_TOKEN}|\"(?:[^\"\\]|\\.)*\"))?\s*(?:;[^,]*)?\s*"
)
_KNOWN = ("code", "example", "dynamic", "delay")


@dataclass(frozen=True, slots=True)
class Preferences:
    """The honoured preferences of one request."""

    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    delay_ms: int = 0

    @property
    def forces(self) -> bool:
        """True when the operation must not run: the answer is made up."""
        return self.code is not None or self.example is not None or self.dynamic

    def applied(self) -> str:
        """The ``Preference-Applied`` value: what this request honoured."""
        parts = []
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.example is not None:
            parts.append(f"example={self.example}")
        if self.dynamic:
            parts.append("dynamic=true")
        if self.delay_ms:
            parts.append(f"delay={self.delay_ms}")
        return ", ".join(parts)


NONE = Preferences()


@dataclass(frozen=True, slots=True)
class Example:
    status: int
    media_type: str
    value: Any


class Steering:
    """Parses ``Prefer`` and makes up the answers it asks for; built once at start."""

    def __init__(self, spec: Spec, synthesizer: Synthesizer, max_delay_ms: int) -> None:
        self._synthesizer = synthesizer
        self._max_delay_ms = max_delay_ms
        self._base_path = spec.base_path
        # Named examples per operation (names are unique within an operation).
        self._examples: dict[str, dict[str, Example]] = {
            op.operation_id: _examples(spec, op) for op in spec.operations.values()
        }

    def parse(self, header: str | None, operation: Operation) -> Preferences:
        """The request's preferences; a 422 (field ``Prefer``) when they cannot be honoured."""
        if not header:
            return NONE
        values: dict[str, str] = {}
        position = 0
        while position < len(header):
            found = _PREFERENCE.match(header, position)
            if found is None or found.end() == position:
                _refuse(f"is not a valid Prefer header near {header[position:][:40]!r}")
            assert found is not None
            name, value = found[1].lower(), found[2]
            if value is None and header.startswith("=", found.end()):
                _refuse(f"{name}= has no valid value (a token or a quoted string)")
            if name in _KNOWN and name not in values:
                if value is None:
                    _refuse(f"{name} needs a value, e.g. {name}={_HINTS[name]}")
                values[name] = value.strip('"')
            position = found.end()
            if position < len(header):
                if header[position] != ",":
                    _refuse(f"is not a valid Prefer header near {header[position:][:40]!r}")
                position += 1
        return self._check(values, operation) if values else NONE

    def _check(self, values: Mapping[str, str], operation: Operation) -> Preferences:
        documented = sorted(operation.responses)
        code: int | None = None
        if "code" in values:
            text = values["code"]
            code = int(text) if text.isdigit() and len(text) == 3 else None
            if code is None or code not in operation.responses:
                listed = ", ".join(map(str, documented))
                _refuse(f"code={text}: this operation documents only {listed}")
        example = values.get("example")
        if example is not None:
            known = self._examples[operation.operation_id]
            chosen = known.get(example)
            if chosen is None:
                names = ", ".join(sorted(known)) or "none"
                _refuse(f"example={example}: this operation's named examples are: {names}")
            assert chosen is not None
            if code is not None and chosen.status != code:
                _refuse(f"example={example} is a {chosen.status} example, not a {code} one")
        dynamic = False
        if "dynamic" in values:
            if values["dynamic"].lower() not in ("true", "false"):
                _refuse("dynamic must be true or false")
            dynamic = values["dynamic"].lower() == "true"
            if dynamic and example is not None:
                _refuse("dynamic=true and example= ask for two different bodies; pick one")
        delay = 0
        if "delay" in values:
            text = values["delay"]
            delay = int(text) if text.isdigit() and len(text) <= 9 else -1
            if not 0 <= delay <= self._max_delay_ms:
                _refuse(f"delay must be whole milliseconds from 0 to {self._max_delay_ms}")
        return Preferences(code, example, dynamic, delay)

    def answer(
        self,
        operation: Operation,
        preferences: Preferences,
        *,
        path: str,
        request_id: str,
        extra: Mapping[str, str],
    ) -> tuple[int, bytes, dict[str, str], str]:
        """The made-up response: (status, body, headers, media type)."""
        status = preferences.code or operation.success.status
        spec = operation.responses[status]
        body, media_type = b"", JSON
        if preferences.example is not None:
            chosen = self._examples[operation.operation_id][preferences.example]
            status, media_type = chosen.status, chosen.media_type
            spec = operation.responses[status]
            body = _encode(chosen.value)
        elif spec.content:
            media_type = next(iter(spec.content))
            if media_type == PROBLEM_JSON and not preferences.dynamic:
                detail = f"Forced by Prefer: code={status}."
                errors = [{"field": "Prefer", "message": detail}] if status == 422 else None
                forced = Problem(status, detail, errors=errors)  # type: ignore[arg-type]
                body = problem_body(forced, path, request_id)
            else:
                body = self._made_up(operation, status, media_type, preferences, request_id)
        headers = {**extra, "Preference-Applied": preferences.applied()}
        headers.update(self._required_headers(spec, body))
        return status, body, headers, media_type

    def _made_up(
        self,
        operation: Operation,
        status: int,
        media_type: str,
        preferences: Preferences,
        request_id: str,
    ) -> bytes:
        if not preferences.dynamic:
            for example in self._examples[operation.operation_id].values():
                if example.status == status and example.media_type == media_type:
                    return _encode(example.value)
        schema = operation.responses[status].content[media_type]
        key = f"prefer:{operation.operation_id}:{status}:{request_id}"
        return _encode(self._synthesizer.generate(schema, key))

    def _required_headers(self, spec: ResponseSpec, body: bytes) -> dict[str, str]:
        """Values for the headers the document requires and nothing else provides."""
        found: dict[str, str] = {}
        lower = {name.lower(): name for name in spec.required_headers}
        if "retry-after" in lower:
            found["Retry-After"] = "1"
        if "etag" in lower:
            found["ETag"] = etag(body)
        if "location" in lower:
            found["Location"] = f"{self._base_path}/videos/{_data_id(body)}"
        if "www-authenticate" in lower:
            found["WWW-Authenticate"] = str(
                spec.headers[lower["www-authenticate"]].get("const", "Bearer")
            )
        return found


_HINTS = {"code": "503", "example": "NAME", "dynamic": "true", "delay": "250"}


def _refuse(message: str) -> None:
    raise Problem(
        422,
        f"The Prefer header cannot be honoured: {message}.",
        errors=[{"field": "Prefer", "message": message}],
    )


def _encode(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return orjson.dumps(value)


def _data_id(body: bytes) -> str:
    try:
        value = orjson.loads(body)["data"]["id"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return "00000000-0000-4000-8000-000000000000"
    return str(value)


def _examples(spec: Spec, operation: Operation) -> dict[str, Example]:
    """The named response examples of an operation, from the raw document."""
    raw = spec.document["paths"][operation.path][operation.method.lower()]
    found: dict[str, Example] = {}
    for status_text, response in raw.get("responses", {}).items():
        for media_type, content in (spec.resolve(response).get("content") or {}).items():
            for name, example in (content.get("examples") or {}).items():
                example = spec.resolve(example)
                if "value" in example:
                    found.setdefault(name, Example(int(status_text), media_type, example["value"]))
    return found
