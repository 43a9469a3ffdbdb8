"""The Redis store: every session's state in one Redis, shared by every replica.

Each method is one atomic step in Redis (a Lua script, or a single command), never a
read in Python followed by a write, so the guarantees of :mod:`.base` hold across
processes: one video per post, one execution per Idempotency-Key, rate limits and
quotas for the sum of all replicas. A 2xx means the write is in Redis: a method
returns only after Redis has answered.

Keys, all under ``PREFIX`` (``--store-prefix``) so neighbours can share one Redis::

    PREFIX:sessions                      set of session names (the cap counts them)
    PREFIX:s:SESSION:preload             dataset marker: loading <deadline> <token> | loaded
    PREFIX:s:SESSION:seq                 request counter
    PREFIX:s:SESSION:control             faults and clock (codec)
    PREFIX:s:SESSION:journal             list of entries (codec), newest last
    PREFIX:s:SESSION:d:v:ORG             hash: video id -> order key + video (codec)
    PREFIX:s:SESSION:d:o:ORG             sorted set: order key + id (the listing index)
    PREFIX:s:SESSION:d:i:ORG:KEY         hash: an Idempotency-Key's record
    PREFIX:s:SESSION:d:r:BUCKET:START    a rate window's count

``reset`` deletes the ``d:`` keys (and the marker) found by SCAN, never FLUSHDB.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockserver.store.base import SessionControl, TooManySessions
from mockserver.store.connections import Connections, Unreachable, delete_matching, glob_escape
from mockserver.store.redis_session import NAME, RedisStore

__all__ = ["RedisBackend", "RedisStore"]


class RedisBackend:
    """Sessions in one Redis, under ``prefix``: what every replica shares.

    Builds nothing at construction: connections open on first use, per event loop.
    """

    name = NAME

    def __init__(
        self,
        url: str,
        prefix: str = "mockserver",
        default_control: SessionControl | None = None,
        max_sessions: int = 1000,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self._connections = Connections(url)
        self._default_control = default_control or SessionControl()
        self._max_sessions = max_sessions
        self._registry = f"{prefix}:sessions"
        self._guard = Unreachable(NAME)
        # Sessions this process has registered: later requests skip the round trip
        # (claim_preload registers a session again if another replica dropped it).
        self._stores: dict[str, RedisStore] = {}

    async def session(self, name: str) -> RedisStore:
        store = self._stores.get(name)
        if store is not None:
            return store
        with self._guard:
            client = await self._connections.client()
            registered = await client.run(
                "register_session", [self._registry], [name, self._max_sessions]
            )
        if not registered:
            raise TooManySessions(self._max_sessions)
        return self._stores.setdefault(
            name, RedisStore(self._connections, self.prefix, name, self._default_control)
        )

    async def sessions(self) -> Sequence[str]:
        with self._guard:
            client = await self._connections.client()
            names = await client.execute("SMEMBERS", self._registry)
        return sorted(name.decode() for name in names)

    async def drop(self, name: str) -> bool:
        self._stores.pop(name, None)
        with self._guard:
            client = await self._connections.client()
            existed = await client.execute("SREM", self._registry, name)
            await delete_matching(client, glob_escape(f"{self.prefix}:s:{name}:") + "*")
        return bool(existed)

    async def ping(self) -> None:
        with self._guard:
            client = await self._connections.client()
            await client.execute("PING")

    async def close(self) -> None:
        await self._connections.close()
