"""Unit tests for mockserver.validation against the real compiled operations.

CONTRACT section 2 (a 422 lists every violation, dotted field paths, header names) and 7.1
(the TrackVideoRequest rules; unknown fields rejected; strict types).
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.problems import FieldError, Problem
from mockserver.spec import Operation, Spec
from mockserver.validation import _coerce, check_body, check_parameters, raise_if_any

VALID = {"platform": "instagram", "identifier": "BqvsDleB3lV"}
UUID = "5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01"


@pytest.fixture(scope="module")
def track(spec: Spec) -> Operation:
    return spec.operations["trackVideo"]


@pytest.fixture(scope="module")
def get_video(spec: Spec) -> Operation:
    return spec.operations["getVideo"]


def body_errors(operation: Operation, body: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    check_body(operation, body, errors)
    return errors


def by_field(errors: list[FieldError]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(error["field"], []).append(error["message"])
    return {field: " | ".join(messages) for field, messages in found.items()}


def params(
    operation: Operation,
    path: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    errors: list[FieldError] = []
    values = check_parameters(operation, path or {}, query or {}, headers or {}, errors)
    return values, errors


# --- body ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        VALID,
        {"platform": "tiktok", "identifier": "6718335390845095173"},
        {
            **VALID,
            "metadata": {"campaign": "summer"},
            "is_active": False,
            "scrape_interval_hours": 6,
        },
        {**VALID, "scrape_interval_hours": 720},
        {**VALID, "scrape_interval_hours": 24.0},
        {**VALID, "metadata": {}},
        {**VALID, "metadata": {str(i): "v" for i in range(20)}},
        {**VALID, "metadata": {"k" * 255: "v" * 255}},
    ],
)
def test_valid_bodies_pass(track: Operation, body: dict[str, Any]) -> None:
    assert body_errors(track, body) == []


def test_missing_required_fields_each_listed(track: Operation) -> None:
    assert body_errors(track, {}) == [
        {"field": "platform", "message": "is required"},
        {"field": "identifier", "message": "is required"},
    ]


def test_every_violation_is_listed(track: Operation) -> None:
    body = {
        "platform": "youtube",
        "identifier": "",
        "metadata": {"k": 1},
        "is_active": "yes",
        "scrape_interval_hours": 1000,
        "extra": 1,
    }
    found = by_field(body_errors(track, body))
    assert set(found) == {
        "platform",
        "identifier",
        "metadata.k",
        "is_active",
        "scrape_interval_hours",
        "extra",
    }
    assert "instagram, tiktok" in found["platform"]
    assert "'youtube'" in found["platform"]
    assert "must be a string, got integer" in found["metadata.k"]
    assert "must be a boolean, got string" in found["is_active"]
    assert "must be between 6 and 720, got 1000" in found["scrape_interval_hours"]


def test_each_error_appears_once(track: Operation) -> None:
    errors = body_errors(track, {"platform": 5, "identifier": 7, "typo": 1, "typo2": 2})
    pairs = [(e["field"], e["message"]) for e in errors]
    assert len(pairs) == len(set(pairs))


def test_unknown_fields_named_individually(track: Operation) -> None:
    errors = body_errors(track, {**VALID, "platfrom": "x", "scrape_interval": 12})
    assert [e["field"] for e in errors] == ["platfrom", "scrape_interval"]
    for error in errors:
        assert error["message"].startswith("unknown field")
        assert "scrape_interval_hours" in error["message"]
        assert "platform" in error["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("24", "must be an integer, got string"),
        (24.5, "must be an integer, got number"),
        (True, "must be an integer, got boolean"),
        (False, "must be an integer, got boolean"),
        (None, "must be an integer, got null"),
        (5, "must be between 6 and 720, got 5"),
        (721, "must be between 6 and 720, got 721"),
        (-1, "must be between 6 and 720"),
    ],
)
def test_scrape_interval_is_strict(track: Operation, value: Any, message: str) -> None:
    errors = body_errors(track, {**VALID, "scrape_interval_hours": value})
    assert len(errors) == 1, errors
    assert errors[0]["field"] == "scrape_interval_hours"
    assert message in errors[0]["message"]


@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_is_active_must_be_a_boolean(track: Operation, value: Any) -> None:
    errors = body_errors(track, {**VALID, "is_active": value})
    assert [e["field"] for e in errors] == ["is_active"]
    assert errors[0]["message"].startswith("must be a boolean")


def test_metadata_rules(track: Operation) -> None:
    found = by_field(body_errors(track, {**VALID, "metadata": {"campaign": "x" * 256}}))
    assert "must be at most 255 characters long, got 256" in found["metadata.campaign"]

    found = by_field(body_errors(track, {**VALID, "metadata": {"k" * 256: "v"}}))
    assert "must be at most 255 characters long" in found["metadata"]
    assert "key 'kkk" in found["metadata"]

    found = by_field(body_errors(track, {**VALID, "metadata": {str(i): "v" for i in range(21)}}))
    assert "must have at most 20 keys, got 21" in found["metadata"]

    found = by_field(body_errors(track, {**VALID, "metadata": ["a"]}))
    assert "must be an object, got array" in found["metadata"]


def test_identifier_bounds(track: Operation) -> None:
    found = by_field(body_errors(track, {"platform": "tiktok", "identifier": "1" * 513}))
    assert "must be at most 512 characters long, got 513" in found["identifier"]
    found = by_field(body_errors(track, {"platform": "tiktok", "identifier": ""}))
    assert "identifier" in found


@pytest.mark.parametrize("body", [[], None, "x", 3])
def test_body_that_is_not_an_object(track: Operation, body: Any) -> None:
    errors = body_errors(track, body)
    assert len(errors) == 1
    assert errors[0]["field"] == "body"
    assert errors[0]["message"].startswith("must be an object, got ")


def test_operation_without_body_checks_nothing(get_video: Operation) -> None:
    assert body_errors(get_video, {"anything": 1}) == []


def test_raise_if_any() -> None:
    raise_if_any([])
    with pytest.raises(Problem) as caught:
        raise_if_any([{"field": "a", "message": "b"}, {"field": "c", "message": "d"}])
    assert caught.value.status == 422
    assert caught.value.errors is not None
    assert len(caught.value.errors) == 2


# --- parameters ----------------------------------------------------------------------


def test_path_parameter_accepted(get_video: Operation) -> None:
    values, errors = params(get_video, path={"video_id": UUID})
    assert errors == []
    assert values["video_id"] == UUID


def test_path_parameter_any_case(get_video: Operation) -> None:
    values, errors = params(get_video, path={"video_id": UUID.upper()})
    assert errors == []
    assert values["video_id"] == UUID.upper()


def test_missing_required_path_parameter(get_video: Operation) -> None:
    values, errors = params(get_video)
    assert errors == [{"field": "video_id", "message": "is required"}]
    assert "video_id" not in values


def test_path_parameter_not_a_uuid(get_video: Operation) -> None:
    values, errors = params(get_video, path={"video_id": "not-a-uuid"})
    assert [e["field"] for e in errors] == ["video_id"]
    assert "'not-a-uuid'" in errors[0]["message"]
    assert "video_id" not in values


def test_header_parameters_are_read_case_insensitively(track: Operation) -> None:
    values, errors = params(track, headers={"idempotency-key": "retry-1", "x-request-id": "r"})
    assert errors == []
    assert values["Idempotency-Key"] == "retry-1"
    assert values["X-Request-ID"] == "r"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("x" * 256, "must be at most 255 characters long, got 256"),
        ("has space", "invalid format"),
        ("caf\u00e9", "invalid format"),
        ("", "at least 1"),
    ],
)
def test_bad_idempotency_key_names_the_header(track: Operation, key: str, fragment: str) -> None:
    values, errors = params(track, headers={"idempotency-key": key})
    assert len(errors) == 1
    assert errors[0]["field"] == "Idempotency-Key"
    assert fragment in errors[0]["message"]
    assert "Idempotency-Key" not in values


def test_optional_header_absent_is_fine(track: Operation) -> None:
    values, errors = params(track)
    assert errors == []
    assert "Idempotency-Key" not in values


def test_parameter_and_body_errors_accumulate(track: Operation) -> None:
    errors: list[FieldError] = []
    check_parameters(track, {}, {}, {"idempotency-key": "a b"}, errors)
    check_body(track, {"platform": "x"}, errors)
    assert errors[0]["field"] == "Idempotency-Key"
    assert sorted(e["field"] for e in errors[1:]) == ["identifier", "platform"]


# --- _coerce -------------------------------------------------------------------------

INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5", 5), ("+5", 5), ("-3", -3), (" 7", 7), ("7 ", 7), ("0", 0), ("007", 7)],
)
def test_coerce_integer(raw: str, expected: int) -> None:
    value, problem = _coerce(raw, INTEGER)
    assert problem is None
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    "raw", ["", " ", "+", "-", "1e3", "1.5", "0x10", "1_000", "abc", "+-5", "\u0663", "\uff11"]
)
def test_coerce_integer_rejects(raw: str) -> None:
    value, problem = _coerce(raw, INTEGER)
    assert value is None
    assert problem == f"must be an integer, got {raw!r}"


def test_coerce_nullable_integer() -> None:
    assert _coerce("12", {"type": ["integer", "null"]}) == (12, None)


def test_coerce_huge_integer_is_a_message_not_a_crash() -> None:
    value, problem = _coerce("9" * 5000, INTEGER)
    assert problem is not None or isinstance(value, int)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.5", 1.5), ("-2", -2.0), ("1e3", 1000.0), ("+0.25", 0.25)]
)
def test_coerce_number(raw: str, expected: float) -> None:
    assert _coerce(raw, NUMBER) == (expected, None)


def test_coerce_number_rejects_text() -> None:
    value, problem = _coerce("abc", NUMBER)
    assert value is None
    assert problem == "must be a number, got 'abc'"


@pytest.mark.parametrize("raw", ["\u0663", "nan", "inf", "-Infinity", "1_000"])
def test_coerce_number_rejects_non_json_numbers(raw: str) -> None:
    value, problem = _coerce(raw, NUMBER)
    assert problem is not None, value


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("false", False)])
def test_coerce_boolean(raw: str, expected: bool) -> None:
    assert _coerce(raw, BOOLEAN) == (expected, None)


@pytest.mark.parametrize("raw", ["True", "1", "yes", "", "on"])
def test_coerce_boolean_rejects(raw: str) -> None:
    value, problem = _coerce(raw, BOOLEAN)
    assert value is None
    assert problem == f"must be true or false, got {raw!r}"


def test_coerce_string_is_unchanged() -> None:
    assert _coerce(" 12 ", {"type": "string"}) == (" 12 ", None)


def test_coerce_array_items() -> None:
    schema = {"type": "array", "items": INTEGER}
    assert _coerce(["1", "+2", " 3"], schema) == ([1, 2, 3], None)
    value, problem = _coerce(["1", "x"], schema)
    assert value is None
    assert problem == "must be an integer, got 'x'"
