"""The app's last resort: an error outside the pipeline is still a problem+json 500."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from mockserver.app import app_for
from mockserver.context import Services


def run(app: object, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="broken layer"):
        asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return sent


def scope() -> Scope:
    return {"type": "http", "method": "GET", "path": "/v2/health", "headers": [], "state": {}}


def test_an_error_before_the_answer_is_a_500_problem(base_services: Services) -> None:
    app = app_for(base_services)

    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"]["request_id"] = "r-1"
        raise RuntimeError("broken layer")

    app._app = broken  # type: ignore[method-assign]
    start, body = run(app, scope())
    assert start["status"] == 500
    assert (b"content-type", b"application/problem+json") in start["headers"]
    assert (b"x-request-id", b"r-1") in start["headers"]
    assert b'"code":"INTERNAL_ERROR"' in body["body"]


def test_an_error_after_the_answer_began_sends_nothing_more(base_services: Services) -> None:
    app = app_for(base_services)

    async def half(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("broken layer")

    app._app = half  # type: ignore[method-assign]

    async def strict_send_run() -> list[Message]:
        sent: list[Message] = []
        started = False

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if started:  # as a server does: one start per response
                    raise RuntimeError("response already started")
                started = True
            sent.append(message)

        with pytest.raises(RuntimeError, match="broken layer"):
            await app(scope(), receive, send)
        return sent

    sent = asyncio.run(strict_send_run())
    assert [m["type"] for m in sent] == ["http.response.start"]
