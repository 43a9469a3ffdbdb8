"""CORS: Starlette's middleware for requests with an ``Origin``; ``Vary`` for the rest.

Most requests (servers, CLIs, test suites) send no ``Origin``; for them CORS only adds
``Vary: Origin``. Starlette builds a ``Headers`` view, a ``functools.partial`` and a
``MutableHeaders`` per request to find that out (~10 µs of a ~115 µs request), so the
edge (:mod:`mockserver.middleware.edge`) sends those requests past it and adds the one
header with :func:`vary_origin`. Requests with an ``Origin`` (browsers, preflights) take
Starlette's own code unchanged.
"""

from __future__ import annotations

__all__ = ["vary_origin"]

VARY = b"vary"
Headers = list[tuple[bytes, bytes]]


def vary_origin(headers: Headers) -> None:
    """Add ``Origin`` to the response's ``Vary``, as Starlette's ``MutableHeaders`` does.

    The ``Vary`` values joined, then ``Origin``, in the place of the first ``Vary``
    header (appended when there is none); ASGI header names are lower case, so names are
    compared as they are.
    """
    found = [i for i, (name, _) in enumerate(headers) if name == VARY]
    vary = b", ".join([*(headers[i][1] for i in found), b"Origin"])
    if not found:
        headers.append((VARY, vary))
        return
    headers[found[0]] = (VARY, vary)
    for index in reversed(found[1:]):
        del headers[index]
