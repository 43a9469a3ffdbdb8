"""Reading control requests: the query's names and deepObject fields, and JSON bodies."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.control.clock import parse_timestamp
from mockserver.control.document import ControlDocument, build
from mockserver.control.inbound import MISSING, parse_json, split_query
from mockserver.keys import KeyRing
from mockserver.problems import FieldError, Problem
from mockserver.spec import Spec
from tests.unit.test_control_document import bundled_fitting


@pytest.fixture(scope="module")
def control(spec: Spec, keyring: KeyRing) -> ControlDocument:
    return build(bundled_fitting(spec, keyring))


def split(control: ControlDocument, query: str) -> tuple[Any, Any, list[FieldError]]:
    errors: list[FieldError] = []
    plain, deep = split_query(query, control.spec.operations["listJournal"], errors)
    return plain, deep, errors


def test_plain_and_deep_parameters(control: ControlDocument) -> None:
    plain, deep, errors = split(
        control, "status=201&body%5Bidentifier%5D=https%3A%2F%2Fx&body[platform]=tiktok&limit="
    )
    assert plain == {"status": ["201"], "limit": [""]}
    assert deep == {"body": {"identifier": "https://x", "platform": "tiktok"}}
    assert errors == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("colour=red", "colour", "unknown query parameter"),
        ("body=x", "body", "body[FIELD]=VALUE"),
        ("body[a][b]=x", "body[a][b]", "unknown query parameter"),
        ("other[a]=x", "other[a]", "unknown query parameter"),
        ("status=1&status=2", "status", "more than once"),
        ("body[a]=1&body[a]=1", "body[a]", "more than once"),
    ],
)
def test_refused_names(control: ControlDocument, query: str, field: str, message: str) -> None:
    _, _, errors = split(control, query)
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]


def test_no_body_is_missing() -> None:
    assert parse_json(b"", None) is MISSING
    assert parse_json(b"", "text/plain") is MISSING


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1}', {"a": 1}),
        (b"[1, 2]", [1, 2]),
        (b'{"n": 1e400}', {"n": float("inf")}),
    ],
)
def test_json_bodies(raw: bytes, expected: Any) -> None:
    assert parse_json(raw, "application/json; charset=UTF-8") == expected


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{", "application/json", 400),
        (b'{"n": NaN}', "application/json", 400),
        (b'{"n": Infinity}', "application/json", 400),
        (b"\xff", "application/json", 400),
        (b"{}", "text/json", 415),
        (b"{}", "application/json; charset=utf-16", 415),
        (b"{}", None, 415),
    ],
)
def test_refused_bodies(raw: bytes, content_type: str | None, status: int) -> None:
    with pytest.raises(Problem) as caught:
        parse_json(raw, content_type)
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2026-06-14T09:30:00Z", 1_781_429_400.0),
        ("2026-06-14T11:30:00+02:00", 1_781_429_400.0),
        ("2026-06-14T09:30:00.250Z", 1_781_429_400.25),
        ("0001-01-01T00:00:00+23:59", -62_135_683_140.0),
    ],
)
def test_rfc3339(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "2026-06-14",
        "2026-06-14T09:30:00",
        "2026-06-14 09:30:00Z",
        "2026-06-14t09:30:00z",
        "2026-06-14T09:30:60Z",
        "2026-02-29T00:00:00Z",
        "2026-06-14T09:30:00+24:00",
        "20260614T093000Z",
        " 2026-06-14T09:30:00Z",
    ],
)
def test_not_rfc3339(text: str) -> None:
    with pytest.raises(ValueError, match=r"RFC 3339|calendar"):
        parse_timestamp(text)
