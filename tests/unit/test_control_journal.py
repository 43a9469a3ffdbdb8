"""The journal filters of the control plane, on hand-made entries."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.control.journal import JournalQuery
from mockserver.journal import JournalEntry
from mockserver.problems import Problem

T0 = 1_781_429_400.0  # 2026-06-14T09:30:00Z


def entry(**fields: Any) -> JournalEntry:
    values: dict[str, Any] = {
        "sequence": 1,
        "time": T0,
        "request_id": "r1",
        "method": "POST",
        "path": "/v2/videos",
        "query": "",
        "headers": (),
        "body": b'{"platform": "tiktok", "identifier": "123", "is_active": false, "n": 6}',
        "body_truncated": False,
        "status": 201,
        "operation_id": "trackVideo",
        "errors": (),
        "fault": None,
        "preference_applied": None,
        **fields,
    }
    return JournalEntry(**values)


def query(**params: Any) -> JournalQuery:
    return JournalQuery.from_params(params)


@pytest.mark.parametrize(
    ("params", "matches"),
    [
        ({}, True),
        ({"operation": "trackVideo"}, True),
        ({"operation": "listVideos"}, False),
        ({"method": "post"}, True),
        ({"method": "GET"}, False),
        ({"path": "/v2/videos"}, True),
        ({"path": "/v2/videos/"}, False),
        ({"status": 201}, True),
        ({"status": 200}, False),
        ({"request_id": "r1"}, True),
        ({"request_id": "r2"}, False),
        ({"body": {"platform": "tiktok"}}, True),
        ({"body": {"platform": "tiktok", "identifier": "123"}}, True),
        ({"body": {"platform": "tiktok", "identifier": "124"}}, False),
        ({"body": {"is_active": "false"}}, True),
        ({"body": {"is_active": "False"}}, False),
        ({"body": {"n": "6"}}, True),
        ({"body": {"absent": "null"}}, False),
        ({"since": "2026-06-14T09:30:00Z"}, True),
        ({"since": "2026-06-14T09:30:01Z"}, False),
        ({"until": "2026-06-14T09:30:00Z"}, True),
        ({"until": "2026-06-14T09:29:59.999Z"}, False),
        ({"since": "2026-06-14T10:30:00+01:00", "until": "2026-06-14T05:30:00-04:00"}, True),
        ({"since": "2026-06-14T09:31:00Z", "until": "2026-06-14T09:29:00Z"}, False),
    ],
)
def test_each_filter(params: dict[str, Any], matches: bool) -> None:
    assert query(**params).matches(entry()) is matches


def test_time_bounds_apply_to_the_whole_second_shown() -> None:
    late = entry(time=T0 + 0.75)  # shown as 09:30:00Z
    assert query(until="2026-06-14T09:30:00Z").matches(late)


@pytest.mark.parametrize(
    "body", [b"", b"not json", b'["a", "list"]', b'{"platform": "tik', b'"tiktok"']
)
def test_a_body_filter_needs_a_json_object_body(body: bytes) -> None:
    assert not query(body={"platform": "tiktok"}).matches(entry(body=body))


def test_a_truncated_body_never_matches_a_body_filter() -> None:
    assert not query(body={"platform": "tiktok"}).matches(entry(body_truncated=True))


def test_select_keeps_order() -> None:
    entries = [entry(sequence=n, status=200 + n % 2) for n in range(1, 7)]
    assert [e.sequence for e in query(status=201).select(entries)] == [1, 3, 5]


@pytest.mark.parametrize(
    "text", ["yesterday", "2026-06-14", "2026-06-14T09:30:00", "2026-13-01T00:00:00Z"]
)
def test_bad_times_are_422_naming_the_parameter(text: str) -> None:
    with pytest.raises(Problem) as caught:
        query(since=text, until=text)
    assert caught.value.status == 422
    assert [e["field"] for e in caught.value.errors or []] == ["since", "until"]
