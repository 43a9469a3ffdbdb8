"""Unit tests for mockserver.journal (redaction, rendering) and mockserver.sessions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockserver.errors import StartupError
from mockserver.journal import JournalEntry, redact
from mockserver.problems import Problem
from mockserver.sessions import Sessions, conventions
from mockserver.store import MemoryBackend

MOCK: dict[str, Any] = {
    "x-mockserver": {
        "session": {"header": "X-Mock-Session", "pattern": "^[a-z]{1,8}$", "default": "main"},
        "prefer": {"max_delay_ms": 100},
        "control_path": "/__mock/",
    }
}


def entry(**changes: Any) -> JournalEntry:
    fields: dict[str, Any] = {
        "sequence": 1,
        "time": 1_781_429_400.0,
        "request_id": "r",
        "method": "POST",
        "path": "/v2/videos",
        "query": "a=1&a=2&b=",
        "headers": (("content-type", "application/json"),),
        "body": b'{"x": 1}',
        "body_truncated": False,
        "status": 201,
        "operation_id": "trackVideo",
        "errors": (),
        "fault": None,
        "preference_applied": None,
    }
    fields.update(changes)
    return JournalEntry(**fields)


def test_credentials_are_redacted() -> None:
    headers = redact(
        {"authorization": "Bearer ca_test_full", "cookie": "session=abc", "accept": "*/*"}
    )
    assert headers == (  # reversed: the pipeline's dict holds them last to first
        ("accept", "*/*"),
        ("cookie", "[redacted]"),
        ("authorization", "Bearer [redacted]…full"),
    )
    assert redact({"authorization": "garbage"}) == (("authorization", "[redacted]"),)
    assert redact({"authorization": "Bearer short-key"}) == (("authorization", "[redacted]"),)
    assert redact({"accept": "*/*"}) == (("accept", "*/*"),)


def test_an_entry_renders_json_bodies_and_queries() -> None:
    rendered = entry().to_json()
    assert rendered["body"] == {"x": 1}
    assert rendered["body_text"] is None
    assert rendered["query"] == {"a": ["1", "2"], "b": [""]}
    assert rendered["time"] == "2026-06-14T09:30:00Z"


def test_an_entry_keeps_other_bodies_as_text() -> None:
    rendered = entry(body=b"not json \xff").to_json()
    assert rendered["body"] is None
    assert rendered["body_text"] == "not json \ufffd"
    assert entry(body=b"").to_json()["body"] is None


def test_conventions_are_read_from_the_document() -> None:
    found = conventions(MOCK)
    assert found.session_header == "X-Mock-Session"
    assert found.control_path == "/__mock"
    assert found.max_delay_ms == 100


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"x-mockserver": {"session": {}}},
        {"x-mockserver": {**MOCK["x-mockserver"], "prefer": {"max_delay_ms": "x"}}},
        {
            "x-mockserver": {
                **MOCK["x-mockserver"],
                "session": {"header": "H", "pattern": "[", "default": "a"},
            }
        },
        {
            "x-mockserver": {
                **MOCK["x-mockserver"],
                "session": {"header": "H", "pattern": "^[a-z]+$", "default": "A1"},
            }
        },
    ],
)
def test_bad_conventions_stop_the_start(document: dict[str, Any]) -> None:
    with pytest.raises(StartupError):
        conventions(document)


def test_session_names() -> None:
    sessions = Sessions(MemoryBackend(), conventions(MOCK))
    assert sessions.header == "x-mock-session"
    assert sessions.name(None) == "main"
    assert sessions.name("abc") == "abc"
    with pytest.raises(Problem) as caught:
        sessions.name("ABC")
    assert caught.value.status == 400


def test_sessions_are_created_once_and_capped() -> None:
    backend = MemoryBackend(max_sessions=2)
    sessions = Sessions(backend, conventions(MOCK))

    async def scenario() -> None:
        first = await sessions.store("a")
        assert await sessions.store("a") is first
        await sessions.store("b")
        with pytest.raises(Problem) as caught:
            await sessions.store("c")
        assert caught.value.status == 400
        assert await backend.drop("a")
        assert not await backend.drop("a")
        await sessions.store("c")
        assert await backend.sessions() == ["b", "c"]

    asyncio.run(scenario())


def test_a_session_preloads_once_until_reset() -> None:
    async def scenario() -> None:
        store = await MemoryBackend().session("s")
        assert await store.claim_preload()
        assert not await store.claim_preload()
        await store.reset()
        assert await store.claim_preload()
        assert [await store.next_sequence() for _ in range(3)] == [1, 2, 3]

    asyncio.run(scenario())


def test_the_memory_journal_keeps_the_most_recent() -> None:
    async def scenario() -> None:
        store = await MemoryBackend().session("s")
        for number in range(1, 6):
            await store.record(entry(sequence=number), 3)
        assert [e.sequence for e in await store.journal()] == [3, 4, 5]
        await store.clear_journal()
        assert list(await store.journal()) == []

    asyncio.run(scenario())
