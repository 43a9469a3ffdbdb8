"""The response hook every test client uses: a response that breaks the document fails."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx

from mockserver.conformance import Conformance


def conforms_to(conformance: Conformance) -> Callable[[httpx.Response], None]:
    """An httpx response hook asserting each response matches ``openapi.yaml``."""

    def check(response: httpx.Response) -> None:
        response.read()
        request = response.request
        problems = conformance.check(
            request.method,
            request.url.path,
            response.status_code,
            response.headers,
            response.content,
        )
        assert not problems, f"{request.method} {request.url} broke openapi.yaml: {problems}"

    return check
