"""The CORS fast path answers exactly what Starlette's CORSMiddleware answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from mockserver.middleware.cors import CORS

OPTIONS: dict[str, Any] = {
    "allow_origins": ["*"],
    "allow_methods": ["GET", "POST"],
    "allow_headers": ["Authorization"],
    "expose_headers": ["X-Request-ID"],
    "max_age": 600,
}


def app_sending(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def run(middleware: Any, request_headers: list[tuple[bytes, bytes]], method: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/", "headers": request_headers}
    asyncio.run(middleware(scope, receive, send))
    return sent


@pytest.mark.parametrize(
    "response_headers",
    [
        [],
        [(b"content-type", b"application/json")],
        [(b"vary", b"Accept"), (b"etag", b'"x"')],
        [(b"Vary", b"Accept"), (b"x", b"1"), (b"vary", b"Cookie")],
    ],
)
@pytest.mark.parametrize(
    ("request_headers", "method"),
    [
        ([], "GET"),
        ([(b"authorization", b"Bearer k")], "POST"),
        ([(b"origin", b"http://a.test")], "GET"),
        (
            [(b"origin", b"http://a.test"), (b"access-control-request-method", b"POST")],
            "OPTIONS",
        ),
    ],
)
def test_same_answer_as_starlette(
    response_headers: list[tuple[bytes, bytes]],
    request_headers: list[tuple[bytes, bytes]],
    method: str,
) -> None:
    app = app_sending(response_headers)
    ours = run(CORS(app, **OPTIONS), request_headers, method)
    theirs = run(CORSMiddleware(app, **OPTIONS), request_headers, method)
    assert ours == theirs
