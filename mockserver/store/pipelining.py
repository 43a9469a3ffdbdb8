"""One Redis connection shared by every request of an event loop, pipelined.

Commands sent in the same turn of the event loop (by the requests being served at
once) leave in one write, and their replies are read back in order by one reader: the
system calls and wake-ups per command drop with the load, while each command still
completes on its own. Redis answers the commands of a connection in the order sent, so
the n-th reply belongs to the n-th command; a command whose caller gave up (a timeout,
a cancelled request) keeps its place and its reply is dropped.

The connection is redis-py's (its pool connects it, its parser reads the replies); a
lost connection fails every command waiting on it with ConnectionError.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import redis.exceptions
from redis.asyncio.connection import AbstractConnection


def pack(args: tuple[Any, ...]) -> list[bytes]:
    """A command in RESP, the protocol's array of bulk strings, as pieces to write.

    A fraction of what redis-py's general packer costs, for the three types sent here.
    """
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            data = arg.encode()
        elif isinstance(arg, bytes):
            data = arg
        elif isinstance(arg, int) and not isinstance(arg, bool):
            data = b"%d" % arg
        else:
            raise TypeError(f"cannot send {type(arg).__name__} to Redis: {arg!r}")
        parts += (b"$%d\r\n" % len(data), data, b"\r\n")
    return parts


class Link:
    """A connected redis-py connection, its writer and its reader (two tasks).

    A command not answered within ``timeout`` seconds loses the link: its command and
    every one behind it fail with redis' TimeoutError (one timer per link, not one per
    command); any other loss fails them with ConnectionError.
    """

    def __init__(self, connection: AbstractConnection, timeout: float) -> None:
        self.connection = connection
        self.lost: BaseException | None = None
        self._timeout = timeout
        self._loop = asyncio.get_running_loop()
        self._waiting: deque[tuple[asyncio.Future[Any], float]] = deque()  # (reply, deadline)
        self._outgoing: list[bytes] = []
        self._ready = asyncio.Event()
        self._watch: asyncio.TimerHandle | None = None
        self._reader = asyncio.create_task(self._read())
        self._writer = asyncio.create_task(self._write())

    def call(self, command: list[bytes]) -> asyncio.Future[Any]:
        """Queue a packed command; the future gets its reply (or its error)."""
        if self.lost is not None:
            raise redis.exceptions.ConnectionError(f"connection lost: {self.lost}")
        future: asyncio.Future[Any] = self._loop.create_future()
        self._waiting.append((future, self._loop.time() + self._timeout))
        self._outgoing += command
        self._ready.set()  # the writer wakes next turn, after this turn's commands
        if self._watch is None:
            self._watch = self._loop.call_later(self._timeout, self._check)
        return future

    def _check(self) -> None:
        """The timer: lose the link when its oldest command is overdue, else wait on."""
        self._watch = None
        if not self._waiting or self.lost is not None:
            return
        overdue = self._waiting[0][1] - self._loop.time()
        if overdue <= 0:
            self.lose(TimeoutError(f"no answer within {self._timeout} s"))
        else:
            self._watch = self._loop.call_later(overdue, self._check)

    async def _write(self) -> None:
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                batch, self._outgoing = self._outgoing, []
                await self.connection.send_packed_command(batch, check_health=False)
        except Exception as error:  # whatever it was, the link is lost
            self.lose(error)

    async def _read(self) -> None:
        try:
            while True:
                try:
                    reply = await self.connection.read_response()
                except redis.exceptions.ResponseError as error:
                    reply = error  # an error reply, read whole: still in step
                future, _ = self._waiting.popleft()
                if not future.done():
                    if isinstance(reply, redis.exceptions.ResponseError):
                        future.set_exception(reply)
                    else:
                        future.set_result(reply)
        except Exception as error:  # whatever it was, the link is lost
            self.lose(error)

    def lose(self, error: BaseException) -> None:
        """Give up the connection: every waiting command fails with ConnectionError."""
        if self.lost is not None:
            return
        self.lost = error
        kind = (
            redis.exceptions.TimeoutError
            if isinstance(error, TimeoutError)
            else redis.exceptions.ConnectionError
        )
        while self._waiting:
            future, _ = self._waiting.popleft()
            if not future.done():
                future.set_exception(kind(f"connection lost: {error}"))
        if self._watch is not None:
            self._watch.cancel()
        for task in (self._reader, self._writer):
            if task is not asyncio.current_task():
                task.cancel()

    async def close(self) -> None:
        self.lose(ConnectionAbortedError("closed"))
        for task in (self._reader, self._writer):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.connection.disconnect(nowait=True)
