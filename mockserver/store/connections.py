"""Connections to Redis: one asyncio client (and pool) per running event loop.

A redis.asyncio connection belongs to the event loop that opened it. A server has one
loop, but Starlette's TestClient (outside a ``with`` block) runs every request on a new
loop, where a pool opened on an earlier one would fail; so each loop gets its own
client, built on first use and closed when that loop shuts down.

Every failure to reach Redis in time becomes :class:`StoreUnavailable`: a connection
refused or lost, a timeout, Redis still loading its data after a restart. Connecting
and each command time out after a second; a command is retried at most once, and only
on a fresh connection when a pooled one turned out lost (Redis restarted meanwhile),
so an answer comes within about two seconds, never a hang.

The hot path (:meth:`Client.execute`) sends every command of a loop on one pipelined
connection (:mod:`.pipelining`) rather than through the client's generic command
machinery (a task per timed send, events, metrics, pool locking), which cost more than
the round trip to Redis itself, on each of the half-dozen commands a request makes.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import AsyncGenerator
from types import TracebackType
from typing import Any

import redis.asyncio
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from mockserver.store.base import StoreUnavailable
from mockserver.store.pipelining import Link, pack
from mockserver.store.scripts import ALL

SOCKET_TIMEOUT = 1.0  # seconds, per command: Redis answers in well under a millisecond
CONNECT_TIMEOUT = 1.0
# Errors that mean "Redis cannot be used right now" rather than a bug of ours.
_UNREACHABLE = (
    redis.exceptions.ConnectionError,  # refused, reset, LOADING after a restart
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,  # a replica, or a primary demoted meanwhile
    redis.exceptions.OutOfMemoryError,
    OSError,
)


class Client:
    """One loop's connection pool (redis-py's), and the commands and scripts sent
    through its pipelined link."""

    def __init__(self, url: str) -> None:
        self._pool = redis.asyncio.ConnectionPool.from_url(
            url,
            # The links time their commands out (one timer each): redis-py's per-read
            # timeout starts a task per send.
            socket_timeout=None,
            socket_connect_timeout=CONNECT_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        self._link: Link | None = None
        self._linking = asyncio.Lock()
        self._shas = {name: hashlib.sha1(lua.encode()).hexdigest() for name, lua in ALL.items()}

    async def execute(self, *args: Any) -> Any:
        """Send one command, return Redis' reply (an error reply is raised)."""
        command = pack(args)
        link = self._link
        for fresh in (False, True):
            if link is None or link.lost is not None or fresh:
                link = await self._relink(link)
            try:
                return await link.call(command)
            except redis.exceptions.ConnectionError:
                if fresh:
                    raise
                # Lost while idle (Redis restarted?): once more, on a new connection.
                # (Not after a timeout, a TimeoutError: the command may have run.)
        raise AssertionError("unreachable")  # pragma: no cover

    async def run(self, script: str, keys: list[str], args: list[Any]) -> Any:
        """Run one of :mod:`.scripts` by name (sent again if Redis forgot it)."""
        sha = self._shas[script]
        try:
            return await self.execute("EVALSHA", sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            await self.execute("SCRIPT", "LOAD", ALL[script])
            return await self.execute("EVALSHA", sha, len(keys), *keys, *args)

    async def _relink(self, failed: Link | None) -> Link:
        """The current link, replacing ``failed`` (the one the caller saw) if needed."""
        async with self._linking:
            link = self._link
            if link is not None and link is not failed and link.lost is None:
                return link  # another request replaced it meanwhile
            self._link = None
            if link is not None:
                await self._close(link)
            try:
                acquiring = self._pool.get_connection()  # type: ignore[no-untyped-call]
            except TypeError:  # older redis-py wants a command name, which it never uses
                acquiring = self._pool.get_connection("PING")  # type: ignore[no-untyped-call]
            connection = await acquiring
            self._link = Link(connection, SOCKET_TIMEOUT)
            return self._link

    async def _close(self, link: Link) -> None:
        await link.close()
        await self._pool.release(link.connection)

    async def aclose(self) -> None:
        if self._link is not None:
            await self._close(self._link)
            self._link = None
        await self._pool.disconnect()


class Unreachable:
    """``with Unreachable(store):`` turns a failure to reach Redis into StoreUnavailable."""

    __slots__ = ("_store",)

    def __init__(self, store: str) -> None:
        self._store = store

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is not None and isinstance(error, _UNREACHABLE):
            why = str(error) or type(error).__name__
            raise StoreUnavailable(self._store, f"unreachable ({why})") from error


class Connections:
    """The clients of one Redis URL, one per running event loop, made lazily."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Weak keys let a loop that never connected go; the entries of loops that did
        # are removed when the loop shuts down (see _lifetime) or is found closed.
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Client, AsyncGenerator[None, None]]
        ] = weakref.WeakKeyDictionary()

    async def client(self) -> Client:
        """The running loop's client."""
        entry = self._clients.get(asyncio.get_running_loop())
        if entry is not None:
            return entry[0]
        return await self._open()

    async def _open(self) -> Client:
        loop = asyncio.get_running_loop()
        for other in [each for each in self._clients if each.is_closed()]:
            # Closed without shutting its async generators down (not asyncio.run):
            # its sockets go with the garbage.
            del self._clients[other]
        client = Client(self.url)
        lifetime = self._lifetime(loop, client)
        await anext(lifetime)
        self._clients[loop] = (client, lifetime)
        return client

    async def _lifetime(
        self, loop: asyncio.AbstractEventLoop, client: Client
    ) -> AsyncGenerator[None, None]:
        """Parked on its loop until the loop shuts down, then closes the client.

        ``asyncio.run`` (and so uvicorn, anyio and TestClient) closes every async
        generator of a loop before closing the loop: the only hook a loop offers to
        release what belongs to it while it still runs.
        """
        try:
            yield
        finally:
            entry = self._clients.get(loop)
            if entry is not None and entry[0] is client:
                del self._clients[loop]
            await client.aclose()

    async def close(self) -> None:
        """Close the running loop's client (others close with their loops)."""
        entry = self._clients.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[1].aclose()


def glob_escape(text: str) -> str:
    """``text`` matched literally by SCAN's MATCH pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


async def delete_matching(client: Client, pattern: str) -> int:
    """Delete every key matching ``pattern`` (SCAN, then DEL in batches); how many."""
    deleted, cursor = 0, b"0"
    while True:
        cursor, keys = await client.execute("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)
        if keys:
            deleted += await client.execute("DEL", *keys)
        if cursor == b"0":
            return deleted
