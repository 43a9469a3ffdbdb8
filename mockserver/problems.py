"""RFC 9457 problem details: the one way every error leaves the server.

Handlers and pipeline stages raise :class:`Problem`; :func:`render` turns it into an
``application/problem+json`` response. The ``type`` URN, ``title`` and ``code`` are
derived from the status and the code, so no caller can make them disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

import orjson

PROBLEM_JSON = "application/problem+json"

# The default code of each status the server sends; 403 has three codes, chosen by
# the raiser.
DEFAULT_CODES: Mapping[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "UPSTREAM_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


# RFC 9457 titles: the reason phrases the contract names, fixed here rather than taken
# from http.HTTPStatus, whose phrases change between Python versions (422, 413 in 3.13).
TITLES: Mapping[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class FieldError(TypedDict):
    """One violation in a 422: a dotted field path (or header/query name) and why."""

    field: str
    message: str


@dataclass(eq=False)
class Problem(Exception):
    """An error response waiting to be rendered."""

    status: int
    detail: str
    code: str | None = None
    errors: Sequence[FieldError] | None = None
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        super().__init__(self.detail)
        if self.code is None:
            self.code = DEFAULT_CODES[self.status]


def validation_problem(errors: Sequence[FieldError]) -> Problem:
    """A 422 listing every violation, with a detail that summarises them."""
    count = len(errors)
    noun = "problem" if count == 1 else "problems"
    first = errors[0]
    detail = (
        f"The request has {count} validation {noun}; first: {first['field']}: {first['message']}"
    )
    return Problem(422, detail, errors=errors)


def problem_body(problem: Problem, instance: str, request_id: str) -> bytes:
    """The JSON bytes of a problem, fields in the order RFC 9457 readers expect."""
    code = problem.code or DEFAULT_CODES[problem.status]
    body: dict[str, object] = {
        "type": "urn:creatoraudit:error:" + code.lower().replace("_", "-"),
        "title": TITLES[problem.status],
        "status": problem.status,
        "detail": problem.detail,
        "code": code,
        "instance": instance,
        "request_id": request_id,
    }
    if problem.errors is not None:
        body["errors"] = list(problem.errors)
    return orjson.dumps(body)
