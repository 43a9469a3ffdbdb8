"""The edge answers what Starlette's CORSMiddleware answers, plus the request's id."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from mockserver.middleware.edge import Edge
from mockserver.middleware.request_id import RequestIds

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


def with_id(messages: list[Message], request_id: bytes) -> list[Message]:
    """``messages`` as the old request-id middleware left them: any id replaced by ours."""
    start, *rest = messages
    headers = [h for h in start["headers"] if h[0] != b"x-request-id"]
    return [{**start, "headers": [*headers, (b"x-request-id", request_id)]}, *rest]


@pytest.mark.parametrize(
    "response_headers",
    [
        [],
        [(b"content-type", b"application/json")],
        [(b"vary", b"Accept"), (b"etag", b'"x"')],
        [(b"Vary", b"Accept"), (b"x", b"1"), (b"vary", b"Cookie")],
        [(b"x-request-id", b"inner"), (b"etag", b'"x"')],
    ],
)
@pytest.mark.parametrize(
    ("request_headers", "method"),
    [
        ([], "GET"),
        ([(b"authorization", b"Bearer k"), (b"x-request-id", b"req-7")], "POST"),
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
    ids = RequestIds(pattern=re.compile(r"req-\d+"), seed=1)
    ours = run(Edge(app, CORSMiddleware(app, **OPTIONS), ids), request_headers, method)
    theirs = run(CORSMiddleware(app, **OPTIONS), request_headers, method)
    sent = dict(request_headers).get(b"x-request-id")
    expected_id = sent or RequestIds(pattern=re.compile("-"), seed=1).new_id().encode()
    assert ours == with_id(theirs, expected_id)


def test_an_id_that_breaks_the_pattern_is_replaced() -> None:
    ids = RequestIds(pattern=re.compile(r"req-\d+"), seed=1)
    assert ids.choose(b"req-12") == "req-12"
    replaced = ids.choose(b"not an id\n")
    assert replaced != "not an id\n"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", replaced
    )
