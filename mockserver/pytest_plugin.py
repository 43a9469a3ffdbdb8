"""The pytest plugin (entry point ``pytest11``): a ``mockserver`` fixture for any suite.

::

    def test_lists_videos(mockserver):
        response = mockserver.client.get(
            "/v2/videos", headers={"Authorization": f"Bearer {mockserver.keys.full}"}
        )
        assert response.status_code == 200

Each test gets its own session (named after its node id and deleted at teardown), so
tests sharing one server never see each other's videos, journal, faults or clock. The
app is built once per pytest run for each distinct set of settings. The marker
``@pytest.mark.mockserver(socket=True, seed=1, empty=True, ...)`` overrides
:class:`~mockserver.settings.Settings` for one test (or a module, via ``pytestmark``);
the ``mockserver_settings`` fixture does it for a whole folder; ``--mockserver-socket``
serves every test over a real socket.

Every pytest run imports this module once the package is installed, so it imports no
server machinery or HTTP client of its own until a test asks for the fixture (a missing
client then fails that test, naming the extra to install, not the whole run).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.settings import Settings

if TYPE_CHECKING:
    from mockserver.testing import MockServer, RunningServer

MARKER = "mockserver"
SOCKET_OPTION = "--mockserver-socket"
# Settings the plugin owns: sockets bind 127.0.0.1 on a free port.
_MANAGED = {"host": "the plugin serves on 127.0.0.1", "port": "the plugin picks a free port"}
_SETTINGS = tuple(f.name for f in dataclasses.fields(Settings))
_KNOWN = ("socket", *sorted(set(_SETTINGS) - set(_MANAGED)))
_SESSION_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HASH_LENGTH = 10  # hex digits of the node id's digest that make a name unique
_MAX_SESSION = 64


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption(
        SOCKET_OPTION,
        action="store_true",
        default=False,
        help="serve the mockserver fixture over a real socket (uvicorn on 127.0.0.1) "
        "instead of in-process",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(socket=False, **settings): run this test's mockserver fixture with "
        "these Settings overrides (seed=1, empty=True, frozen_time=..., ...); socket=True "
        "serves it over a real socket",
    )


class ServerPool:
    """The servers of one pytest run: one per (mode, settings), stopped at the end."""

    def __init__(self) -> None:
        self._servers: dict[tuple[bool, Settings], RunningServer] = {}

    def get(self, settings: Settings, *, socket: bool) -> RunningServer:
        """The running server for ``settings``, started on first use."""
        key = (socket, settings)
        server = self._servers.get(key)
        if server is None:
            from mockserver.testing import InProcessServer, SocketServer

            server = SocketServer(settings) if socket else InProcessServer(settings)
            self._servers[key] = server
        return server

    def close(self) -> None:
        """Stop every server (each once, even when one fails to stop)."""
        servers, self._servers = list(self._servers.values()), {}
        errors: list[BaseException] = []
        for server in servers:
            try:
                server.close()
            except Exception as exc:  # stop the others first, then report
                errors.append(exc)
        if errors:
            raise errors[0]


@pytest.fixture(scope="session")
def mockserver_pool() -> Iterator[ServerPool]:
    """The run's mock servers, shared by every test that uses ``mockserver``."""
    pool = ServerPool()
    yield pool
    pool.close()


@pytest.fixture
def mockserver_settings() -> dict[str, Any]:
    """Settings overrides for every ``mockserver`` fixture in scope (default: none).

    Override it in a ``conftest.py`` (``return {"empty": True}``); a test's marker wins
    over it.
    """
    return {}


@pytest.fixture
def mockserver(
    request: pytest.FixtureRequest,
    mockserver_pool: ServerPool,
    mockserver_settings: dict[str, Any],
) -> Iterator[MockServer]:
    """A handle on this test's own session of a shared mock (see ``mockserver.testing``)."""
    try:  # fails, naming the extra to install, without an HTTP client
        importlib.import_module("mockserver.testing")
    except ModuleNotFoundError as exc:
        pytest.fail(f"the mockserver fixture: {exc}", pytrace=False)
    overrides = dict(mockserver_settings)
    # Closest marker last, so a function's marker beats its class's and module's.
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes keyword arguments only, got {marker.args!r}",
                pytrace=False,
            )
        overrides.update(marker.kwargs)
    socket = bool(overrides.pop("socket", request.config.getoption(SOCKET_OPTION)))
    try:
        settings = settings_from(overrides)
    except ValueError as exc:
        pytest.fail(f"{request.node.nodeid}: {exc}", pytrace=False)
    server = mockserver_pool.get(settings, socket=socket)
    handle = server.open(session_name(request.node.nodeid))
    yield handle
    handle.close()


def settings_from(overrides: Mapping[str, Any]) -> Settings:
    """The plugin's Settings: quiet logs, then ``overrides`` (field names of Settings).

    ValueError naming every unknown or plugin-managed key, and the known ones.
    """
    problems = [f"{name!r} is managed: {_MANAGED[name]}" for name in overrides if name in _MANAGED]
    unknown = sorted(name for name in overrides if name not in _SETTINGS and name != "socket")
    if unknown:
        problems.append(
            f"unknown {MARKER} setting(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(_KNOWN)}"
        )
    if problems:
        raise ValueError("; ".join(problems))
    values: dict[str, Any] = {"log_level": "warning", **overrides}
    values.pop("socket", None)
    # The spellings a marker is most likely to use for the non-scalar settings.
    if isinstance(values.get("frozen_time"), str):
        from mockserver.clock import parse_rfc3339

        values["frozen_time"] = parse_rfc3339(values["frozen_time"])
    elif values.get("frozen_time") is not None and not isinstance(values["frozen_time"], datetime):
        raise ValueError("frozen_time must be an aware datetime or an RFC 3339 string")
    for name in ("spec", "fixtures"):
        if isinstance(values.get(name), str):
            values[name] = Path(values[name])
    if isinstance(values.get("cors_origins"), list):
        values["cors_origins"] = tuple(values["cors_origins"])
    return Settings(**values)


def session_name(nodeid: str) -> str:
    """A session name for a test: readable, unique per node id, and valid for the header
    (``^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$``).

    The test's own name (after the last ``::``) is kept as far as it fits; a digest of
    the whole node id tells apart tests whose readable parts collide.
    """
    digest = hashlib.blake2b(nodeid.encode("utf-8"), digest_size=8).hexdigest()[:_HASH_LENGTH]
    readable = _SESSION_UNSAFE.sub("-", nodeid.rpartition("::")[2])
    room = _MAX_SESSION - _HASH_LENGTH - 1
    readable = readable[:room].lstrip("._-").rstrip("-")
    return f"{readable}-{digest}" if readable else f"t{digest}"
