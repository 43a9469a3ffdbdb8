"""Drive a mock from tests: run it in-process or on a socket, and steer it per session.

Outside pytest::

    with InProcessServer(Settings(empty=True)) as server, server.open("demo") as mock:
        mock.client.get("/v2/videos", headers={"Authorization": f"Bearer {mock.keys.full}"})
        assert mock.journal.count(operation="listVideos") == 1

- :mod:`~mockserver.testing.handle`: :class:`MockServer`, the handle on one session, its
  :class:`Keys` and the errors (:class:`MockServerError`, :class:`MockServerStartupError`);
- :mod:`~mockserver.testing.parts`: the handle's :class:`Journal`, :class:`Faults` and
  :class:`SessionClock`;
- :mod:`~mockserver.testing.servers`: :class:`InProcessServer` and :class:`SocketServer`,
  which serve a mock and open handles on it.
"""

from mockserver.testing.handle import (
    DEFAULT_ADMIN_KEY,
    INSTALL_HINT,
    Keys,
    MockServer,
    MockServerError,
    MockServerStartupError,
)
from mockserver.testing.parts import Faults, Journal, SessionClock
from mockserver.testing.servers import (
    IN_PROCESS_ORIGIN,
    STARTUP_TIMEOUT,
    InProcessServer,
    RunningServer,
    SocketServer,
)

__all__ = [
    "DEFAULT_ADMIN_KEY",
    "INSTALL_HINT",
    "IN_PROCESS_ORIGIN",
    "STARTUP_TIMEOUT",
    "Faults",
    "InProcessServer",
    "Journal",
    "Keys",
    "MockServer",
    "MockServerError",
    "MockServerStartupError",
    "RunningServer",
    "SessionClock",
    "SocketServer",
]
