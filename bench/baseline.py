"""The baseline of the benchmark: a bare Starlette app on uvicorn, one constant route.

It runs under exactly the worker settings ``mockserver serve`` uses (one worker,
``log_level="warning"``, no access log, uvicorn's default ``loop``/``http`` choice), so
the ratio mock/baseline isolates what the mock's own code costs per request: routing,
auth, validation, generation, JSON encoding. Run: ``python bench/baseline.py --port N``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Pre-encoded once: the baseline must not measure JSON encoding, only the framework.
BODY = b'{"status":"ok"}'


async def index(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/", index)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # Same knobs as mockserver.cli.serve at --log-level warning: loop and http stay "auto".
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
