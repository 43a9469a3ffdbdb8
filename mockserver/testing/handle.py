"""The handle on one session of a running mock, and the errors of ``mockserver.testing``.

A :class:`MockServer` is a handle on one *session* of a running mock: its own videos,
idempotency keys, rate windows, journal, faults and clock. Every control operation is
an HTTP request to the control plane (``/__mock/...``) with the admin key, sent by the
same client the test uses, so an in-process app and a real socket behave the same.

Exceptions (one tree, all :class:`MockServerError`):

- ``MockServerError``: the control plane refused a request (``status``, ``problem``,
  ``detail``, ``errors`` carry its problem+json), or no HTTP client is installed;
- ``MockServerStartupError``: a server did not start (bad settings, a socket that never
  answered ``/v2/health`` in time).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote, urlsplit

from mockserver.keys import load_keys
from mockserver.settings import default_fixtures_path
from mockserver.testing.parts import Faults, Journal, SessionClock

INSTALL_HINT = 'pip install "mockserver[pytest]"'

if TYPE_CHECKING:
    import httpx2 as httpx
else:  # the same preference as starlette.testclient: httpx2, then httpx
    try:
        import httpx2 as httpx
    except ModuleNotFoundError:
        try:
            import httpx
        except ModuleNotFoundError:
            raise ModuleNotFoundError(
                "mockserver.testing needs an HTTP client (httpx2 or httpx); "
                f"install it with: {INSTALL_HINT}"
            ) from None

DEFAULT_ADMIN_KEY = "mock-admin"


class MockServerError(Exception):
    """The mock refused a control request; the attributes carry its problem+json."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        problem: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.problem: Mapping[str, Any] = problem or {}
        self.detail: str | None = self.problem.get("detail")
        self.errors: list[Any] = list(self.problem.get("errors") or [])


class MockServerStartupError(MockServerError):
    """A mock server could not be started."""


# --- persona keys -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Keys:
    """The persona API keys of the fixtures' ``keys.yaml`` (plain text, for requests).

    ``full``, ``readonly``, ``inactive``, ``other``, ``ratelimited`` and ``quota`` name the
    bundled personas (``ca_test_<name>``); ``all`` lists every key of the file with its
    name, for custom fixtures.
    """

    all: tuple[tuple[str, str], ...]

    @classmethod
    def from_fixtures(cls, fixtures: Path | None = None) -> Keys:
        """Read ``keys.yaml`` of ``fixtures`` (default: the bundled folder)."""
        keyring = load_keys((fixtures or default_fixtures_path()) / "keys.yaml")
        return cls(keyring.personas)

    def persona(self, name: str) -> str:
        """The key ``ca_test_<name>``; LookupError when the fixtures do not define it."""
        wanted = f"ca_test_{name}"
        if any(key == wanted for key, _ in self.all):
            return wanted
        listed = ", ".join(key for key, _ in self.all)
        raise LookupError(f"the fixtures' keys.yaml has no key {wanted!r}; it has: {listed}")

    @property
    def full(self) -> str:
        """Acme Media, every scope."""
        return self.persona("full")

    @property
    def readonly(self) -> str:
        """Acme Media, ``read`` only."""
        return self.persona("readonly")

    @property
    def inactive(self) -> str:
        """A revoked key: everything is 403."""
        return self.persona("inactive")

    @property
    def other(self) -> str:
        """Globex: never sees Acme's videos."""
        return self.persona("other")

    @property
    def ratelimited(self) -> str:
        """5 requests per 60 s."""
        return self.persona("ratelimited")

    @property
    def quota(self) -> str:
        """Initech: at most 3 tracked videos."""
        return self.persona("quota")


# --- the handle ---------------------------------------------------------------------------


class MockServer:
    """A handle on one session of a running mock, driven over HTTP.

    ``url`` is the API root (``.../v2``); ``client`` an httpx-style client whose base URL
    is the origin and which sends this session's header; ``transport`` routes a client
    of your own to the mock (in-process too) with the session header added.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        url: str,
        keys: Keys,
        session: str | None,
        admin_key: str = DEFAULT_ADMIN_KEY,
        control_path: str = "/__mock",
        session_header: str = "X-Mock-Session",
    ) -> None:
        self.client = client
        self.url = url.rstrip("/")
        self.keys = keys
        self.session = session
        self.session_header = session_header
        self.headers: dict[str, str] = {} if session is None else {session_header: session}
        self._admin = {"Authorization": f"Bearer {admin_key}"}
        self._control = control_path.rstrip("/")
        self.journal = Journal(self)
        self.faults = Faults(self)
        self.clock = SessionClock(self)
        self.transport: httpx.BaseTransport = _SessionTransport(client, self.headers)

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        session: str | None = None,
        admin_key: str = DEFAULT_ADMIN_KEY,
        fixtures: Path | None = None,
        timeout: float = 10.0,
    ) -> MockServer:
        """A handle on a mock already running at ``url`` (the API root, e.g.
        ``http://127.0.0.1:4010/v2``); ``session=None`` is the default session."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        headers = {} if session is None else {"X-Mock-Session": session}
        client = httpx.Client(base_url=origin, headers=headers, timeout=timeout)
        return cls(
            client,
            url=url,
            keys=Keys.from_fixtures(fixtures),
            session=session,
            admin_key=admin_key,
        )

    def reset(
        self, *, state: bool = True, journal: bool = True, faults: bool = True, clock: bool = True
    ) -> list[str]:
        """Reset parts of this session; returns the parts reset."""
        body = {"state": state, "journal": journal, "faults": faults, "clock": clock}
        data = self.control("POST", "/reset", json=body)
        return list(data["reset"])

    def load_dataset(self, videos: Iterable[Mapping[str, Any]], *, replace: bool = True) -> int:
        """Load videos shaped like the entries of ``fixtures/videos.yaml`` into this session
        (``replace``: instead of the bundled dataset); returns how many were loaded."""
        body = {"videos": [dict(v) for v in videos], "replace": replace}
        return int(self.control("POST", "/dataset", json=body)["loaded"])

    def sessions(self) -> list[str]:
        """The names of every session the server holds."""
        return [entry["name"] for entry in self.control("GET", "/sessions")]

    def delete_session(self) -> bool:
        """Delete this session on the server; False when it did not exist (no request
        ever reached it). The default session cannot be deleted this way."""
        if self.session is None:
            raise MockServerError("this handle uses the default session; there is none to delete")
        request = self.client.build_request(
            "DELETE", f"{self._control}/sessions/{quote(self.session, safe='')}"
        )
        # The sessions endpoints are not scoped to a session: send no session header, so
        # naming the session to delete cannot bring it into being first.
        request.headers.pop(self.session_header, None)
        request.headers.update(self._admin)
        response = self.client.send(request)
        if response.status_code == 404:
            return False
        _raise_for_problem(response)
        return True

    def close(self, *, delete_session: bool = True) -> None:
        """Delete the session (unless told not to) and close the client."""
        try:
            if delete_session and self.session is not None:
                self.delete_session()
        finally:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<MockServer {self.url} session={self.session!r}>"

    def control(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """One control-plane request (``path`` under ``/__mock``); its ``data``, or None
        for a 204. MockServerError when the control plane refuses it."""
        response = self.client.request(
            method,
            self._control + path,
            json=json,
            params=params,
            headers=self._admin,
        )
        _raise_for_problem(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()["data"]


class _SessionTransport(httpx.BaseTransport):
    """Sends a request of another client through the handle's client, adding the
    session header when the request has none: a consumer's own client reaches the mock
    in either mode with ``transport=mock.transport``."""

    def __init__(self, client: httpx.Client, headers: Mapping[str, str]) -> None:
        self._client = client
        self._headers = headers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for name, value in self._headers.items():
            request.headers.setdefault(name, value)
        sent = self._client.send(request, stream=True, follow_redirects=False)
        # A fresh response around the unread stream: the calling client decodes and
        # closes it as if it came from its own transport.
        return httpx.Response(
            sent.status_code, headers=sent.headers, stream=sent.stream, extensions=sent.extensions
        )


def _raise_for_problem(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    problem: Mapping[str, Any] = {}
    with contextlib.suppress(ValueError):
        parsed = response.json()
        if isinstance(parsed, Mapping):
            problem = parsed
    detail = problem.get("detail") or response.text[:200] or response.reason_phrase
    code = f" {problem['code']}" if problem.get("code") else ""
    lines = [f"{response.request.method} {response.request.url.path}: {response.status_code}"]
    lines[0] += f"{code}: {detail}"
    lines += [
        f"  {error.get('field')}: {error.get('message')}"
        for error in problem.get("errors") or []
        if isinstance(error, Mapping)
    ]
    raise MockServerError("\n".join(lines), status=response.status_code, problem=problem)
