"""Serve a mock for tests: in this process (Starlette's TestClient) or on a socket
(uvicorn in a background thread); :meth:`RunningServer.open` hands out a
:class:`~mockserver.testing.MockServer` per session."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

# Needs an HTTP client: the package imports handle.py first, whose error names the extra.
from starlette.testclient import TestClient

from mockserver.errors import StartupError
from mockserver.settings import Settings
from mockserver.testing.handle import Keys, MockServer, MockServerStartupError

if TYPE_CHECKING:
    import httpx2 as httpx
else:  # the client handle.py chose (httpx2, then httpx)
    from mockserver.testing.handle import httpx

IN_PROCESS_ORIGIN = "http://testserver"
STARTUP_TIMEOUT = 10.0  # seconds a socket server gets to answer /v2/health


class RunningServer:
    """A mock app built once and served until :meth:`close`; :meth:`open` hands out a
    :class:`MockServer` per session. Subclasses choose in-process or a socket."""

    origin: str
    settings: Settings

    def __init__(self, settings: Settings) -> None:
        from mockserver.app import app_for, build_services  # the heavy imports, on demand

        try:
            self.services = build_services(settings)
        except StartupError as exc:
            raise MockServerStartupError(f"mockserver cannot start: {exc.render()}") from None
        self.settings = settings
        self.app = app_for(self.services)
        self.keys = Keys(self.services.keyring.personas)

    @property
    def url(self) -> str:
        """The API root: the origin and the document's base path (``/v2``)."""
        return self.origin + self.services.spec.base_path

    def open(self, session: str | None) -> MockServer:
        """A handle with a client of its own on ``session`` (None: the default session)."""
        mock = self.services.mock
        headers = {} if session is None else {mock.session_header: session}
        return MockServer(
            self._client(headers),
            url=self.url,
            keys=self.keys,
            session=session,
            admin_key=self.settings.admin_key,
            control_path=mock.control_path,
            session_header=mock.session_header,
        )

    def _client(self, headers: dict[str, str]) -> httpx.Client:
        raise NotImplementedError

    def close(self) -> None:
        """Stop serving (handles opened before stop working)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class InProcessServer(RunningServer):
    """The app called in this process through Starlette's TestClient: no socket, no
    thread per server (each client runs the app on its own event-loop thread)."""

    origin = IN_PROCESS_ORIGIN

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        if settings.public_url is None:
            # Absolute URLs the mock hands out (covers, /meta) must lead back to it.
            settings = dataclasses.replace(settings, public_url=IN_PROCESS_ORIGIN)
        super().__init__(settings)

    def _client(self, headers: dict[str, str]) -> httpx.Client:
        # Server errors come back as 500 responses, as they would over a socket.
        client = _EnteredTestClient(
            self.app, base_url=self.origin, headers=headers, raise_server_exceptions=False
        )
        # Entered, so one event loop serves all the client's requests (and lifespan runs).
        return client.__enter__()


class _EnteredTestClient(TestClient):
    """A TestClient that leaves its context (stops its event-loop thread) on close."""

    def close(self) -> None:
        if self.portal is not None:
            self.__exit__(None, None, None)
        super().close()


class SocketServer(RunningServer):
    """uvicorn on 127.0.0.1, on a free port, in a background thread of this process."""

    def __init__(
        self, settings: Settings | None = None, *, startup_timeout: float = STARTUP_TIMEOUT
    ) -> None:
        import uvicorn

        from mockserver.cli import bind_socket  # one place knows how to bind (IPPROTO_TCP)

        settings = dataclasses.replace(settings or Settings(), host="127.0.0.1", port=0)
        try:
            self._socket = bind_socket(settings)
        except StartupError as exc:
            raise MockServerStartupError(f"mockserver cannot start: {exc.render()}") from None
        port = self._socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"
        try:
            super().__init__(dataclasses.replace(settings, port=port))
            # log_config=None: a library must not reconfigure the test run's logging.
            config = uvicorn.Config(
                self.app,
                log_level=self.settings.log_level,
                log_config=None,
                access_log=False,
                lifespan="on",
            )
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(
                target=self._server.run,
                kwargs={"sockets": [self._socket]},
                name=f"mockserver-{port}",
                daemon=True,  # never keeps a test run alive
            )
            self._thread.start()
            self._wait_until_healthy(startup_timeout)
        except BaseException:
            self.close()
            raise

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return int(urlsplit(self.origin).port or 0)

    def _wait_until_healthy(self, timeout: float) -> None:
        health = self.url + "/health"
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(timeout=1.0) as probe:
            while time.monotonic() < deadline:
                if not self._thread.is_alive():
                    raise MockServerStartupError(
                        f"mockserver's uvicorn thread stopped while starting on {self.origin}; "
                        "see the log above"
                    )
                try:
                    if probe.get(health).status_code == 200:
                        return
                    last = "not 200"
                except httpx.TransportError as exc:
                    last = repr(exc)
                time.sleep(0.02)  # bounded polling: the deadline above ends it
        raise MockServerStartupError(
            f"mockserver did not answer GET {health} within {timeout:g} s ({last})"
        )

    def _client(self, headers: dict[str, str]) -> httpx.Client:
        return httpx.Client(base_url=self.origin, headers=headers, timeout=30.0)

    def close(self) -> None:
        """Stop uvicorn and wait for its thread (bounded)."""
        server = getattr(self, "_server", None)
        thread = getattr(self, "_thread", None)
        if server is not None and thread is not None and thread.is_alive():
            server.should_exit = True
            thread.join(timeout=10)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._socket.close()
