"""Unit tests for mockserver.problems: RFC 9457 bodies (CONTRACT section 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mockserver.problems import FieldError, Problem, problem_body, validation_problem
from mockserver.spec import Spec

FIELD_ORDER = ["type", "title", "status", "detail", "code", "instance", "request_id"]

# CONTRACT section 2, the table: status -> default code.
CONTRACT_CODES = {
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


def body_of(problem: Problem, instance: str = "/v2/videos", request_id: str = "rid-1") -> Any:
    return json.loads(problem_body(problem, instance, request_id))


def test_fields_and_order() -> None:
    body = body_of(Problem(404, "There is no resource at /v2/nope."), "/v2/nope", "abc-123")
    assert list(body) == FIELD_ORDER
    assert body == {
        "type": "urn:creatoraudit:error:not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "There is no resource at /v2/nope.",
        "code": "NOT_FOUND",
        "instance": "/v2/nope",
        "request_id": "abc-123",
    }


@pytest.mark.parametrize(("status", "code"), sorted(CONTRACT_CODES.items()))
def test_default_code_per_status(status: int, code: str) -> None:
    problem = Problem(status, "something happened")
    assert problem.code == code
    body = body_of(problem)
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == "urn:creatoraudit:error:" + code.lower().replace("_", "-")


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("INSUFFICIENT_SCOPE", "insufficient-scope"),
        ("QUOTA_EXCEEDED", "quota-exceeded"),
        ("FORBIDDEN", "forbidden"),
    ],
)
def test_403_codes_chosen_by_the_raiser(code: str, slug: str) -> None:
    body = body_of(Problem(403, "no", code=code))
    assert body["code"] == code
    assert body["type"] == f"urn:creatoraudit:error:{slug}"
    assert body["title"] == "Forbidden"


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (405, "Method Not Allowed"),
        (406, "Not Acceptable"),
        (409, "Conflict"),
        (415, "Unsupported Media Type"),
        (422, "Unprocessable Entity"),
        (429, "Too Many Requests"),
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
    ],
)
def test_title_is_the_reason_phrase(status: int, title: str) -> None:
    assert body_of(Problem(status, "x"))["title"] == title


def test_errors_absent_unless_given() -> None:
    assert "errors" not in body_of(Problem(400, "bad JSON"))
    assert "errors" not in body_of(Problem(422, "no list"))
    errors: list[FieldError] = [{"field": "platform", "message": "is required"}]
    body = body_of(Problem(422, "x", errors=errors))
    assert list(body) == [*FIELD_ORDER, "errors"]
    assert body["errors"] == errors


def test_problem_is_an_exception_with_its_detail() -> None:
    problem = Problem(429, "slow down", headers={"Retry-After": "3"})
    assert isinstance(problem, Exception)
    assert str(problem) == "slow down"
    assert problem.headers == {"Retry-After": "3"}


def test_validation_problem_with_one_error() -> None:
    problem = validation_problem([{"field": "platform", "message": "is required"}])
    assert problem.status == 422
    assert problem.code == "VALIDATION_ERROR"
    assert "1 validation problem;" in problem.detail
    assert "platform: is required" in problem.detail


def test_validation_problem_counts_and_keeps_every_error() -> None:
    errors: list[FieldError] = [
        {"field": "scrape_interval_hours", "message": "must be an integer, got string"},
        {"field": "extra", "message": "unknown field"},
        {"field": "metadata.k", "message": "must be a string, got integer"},
    ]
    problem = validation_problem(errors)
    assert "3 validation problems" in problem.detail
    assert "first: scrape_interval_hours: must be an integer, got string" in problem.detail
    body = body_of(problem)
    assert body["errors"] == errors
    assert body["type"] == "urn:creatoraudit:error:validation-error"
    assert body["title"] == "Unprocessable Entity"


def test_bodies_match_the_documents_schemas(spec: Spec) -> None:
    problem_schema = Draft202012Validator(spec.schema("Problem"))
    validation_schema = Draft202012Validator(spec.schema("ValidationProblem"))
    for status in CONTRACT_CODES:
        assert not list(problem_schema.iter_errors(body_of(Problem(status, "d"))))
    body = body_of(validation_problem([{"field": "a.b", "message": "is required"}]))
    assert not list(validation_schema.iter_errors(body))
    assert list(validation_schema.iter_errors(body_of(Problem(422, "no errors"))))
