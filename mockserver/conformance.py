"""Does a response say what the document says? The check tests and the server share.

:func:`check` lists every way one response departs from ``openapi.yaml``: an
undocumented status, a missing or invalid documented header, a wrong media type, a
body that fails its schema (formats included). The test suite runs it on every
response; ``--validate-responses`` runs it in the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator

from mockserver.problems import PROBLEM_JSON
from mockserver.spec import Spec

_PROBLEM_STATUSES = {404, 405}  # route-level answers that belong to no operation


class Conformance:
    """Checks responses against one loaded document; validators compiled lazily, once."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._validators: dict[int, Validator] = {}
        self._problem = spec.schema("Problem")

    def _validator(self, schema: Mapping[str, Any]) -> Validator:
        found = self._validators.get(id(schema))
        if found is None:
            found = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            self._validators[id(schema)] = found
        return found

    def check(
        self, method: str, path: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[str]:
        """Every departure from the document; an empty list when the response conforms."""
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        found = self._spec.match(path)
        operation = found[0].operations.get(method.upper()) if found else None
        if operation is None:
            outside_api = not path.startswith(self._spec.base_path + "/")
            if outside_api or (method == "OPTIONS" and status < 300):
                # Assets and CORS preflights are not API operations; their errors still
                # are problem details.
                if status >= 400:
                    return self._body(self._problem, media, PROBLEM_JSON, body)
                return []
            if status not in _PROBLEM_STATUSES:
                return [f"{status} for {method} {path}, which the document does not declare"]
            if status >= 400:
                return self._body(self._problem, media, PROBLEM_JSON, body)
            return []
        spec = operation.responses.get(status)
        if spec is None:
            return [f"{method} {path}: status {status} is not documented"]
        problems: list[str] = []
        lowered = {k.lower(): v for k, v in headers.items()}
        for name, schema in spec.headers.items():
            value = lowered.get(name.lower())
            if value is None:
                if name.lower() in spec.required_headers:
                    problems.append(f"{status}: required header {name} is missing")
                continue
            parsed: Any = value
            if schema.get("type") == "integer":
                try:
                    parsed = int(value)
                except ValueError:
                    problems.append(f"{status}: header {name}={value!r} is not an integer")
                    continue
            problems += [
                f"{status}: header {name}: {e.message}"
                for e in self._validator(schema).iter_errors(parsed)
            ]
        if not spec.content:
            if body:
                problems.append(f"{status}: a body was sent where none is documented")
            return problems
        if media not in spec.content:
            documented = ", ".join(spec.content)
            return [*problems, f"{status}: content type {media!r} is not documented ({documented})"]
        return problems + self._body(spec.content[media], media, media, body)

    def _body(self, schema: Mapping[str, Any], media: str, expected: str, body: bytes) -> list[str]:
        if media != expected:
            return [f"content type {media!r}, expected {expected!r}"]
        if not (media.endswith("json") and body):
            return []
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return [f"the body is not JSON: {exc}"]
        return [
            f"body at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in self._validator(schema).iter_errors(document)
        ]
