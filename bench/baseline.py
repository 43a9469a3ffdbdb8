"""The baseline of the benchmark: a bare Starlette app on uvicorn, one constant route.

It runs under exactly the worker settings ``mockserver serve`` uses (one worker,
``log_level="warning"``, no access log, uvicorn's default ``loop``/``http`` choice), so
the ratio mock/baseline isolates what the mock's own code costs per request: routing,
auth, validation, generation, JSON encoding. Run: ``python bench/baseline.py --port N``.

With ``--floor`` it serves the *floor* of ``post_new`` instead, under the same settings: a
raw ASGI app, as the mock is below its edge (no router, no request or response objects),
that reads the body of ``POST /v2/videos`` and answers what the mock's 201 looks like on
the wire: the contract's six extra headers and a body of a 201's size, all constant. Its
share of the baseline is what uvicorn and h11 charge for the shape of that exchange; the
rest of the gap to the mock is the mock's own work.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

# Pre-encoded once: the baseline must not measure JSON encoding, only the framework.
BODY = b'{"status":"ok"}'

# A new video's 201 is 1.5-1.7 KB of JSON; uvicorn and h11 care about its size, not its
# content. The headers are those of a real 201 (README: "Track a video"), values included.
FLOOR_BODY = b'{"data":{"id":"9588f91b-3461-53d5-95e4-1e17cf0a7bee","text":"%s"}}' % (b"x" * 1560)
FLOOR_HEADERS = [
    (b"location", b"/v2/videos/9588f91b-3461-53d5-95e4-1e17cf0a7bee"),
    (b"x-ratelimit-limit", b"600"),
    (b"x-ratelimit-remaining", b"599"),
    (b"x-ratelimit-reset", b"1795724760"),
    (b"content-type", b"application/json"),
    (b"content-length", str(len(FLOOR_BODY)).encode()),
    (b"vary", b"Origin"),
    (b"x-request-id", b"942fb392-3a25-4a08-a8f2-4030ee064b8e"),
]


async def index(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


async def floor_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return  # lifespan: nothing to start
    if scope["method"] != "POST":  # the harness's readiness check
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": BODY})
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": FLOOR_HEADERS})
    await send({"type": "http.response.body", "body": FLOOR_BODY})


app = Starlette(routes=[Route("/", index)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--floor", action="store_true", help="serve post_new's constant floor instead"
    )
    args = parser.parse_args(argv)
    # Same knobs as mockserver.cli.serve at --log-level warning: loop and http stay "auto".
    served = floor_app if args.floor else app
    uvicorn.run(served, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
