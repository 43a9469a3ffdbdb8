"""One session's state in Redis: the Store of :class:`~mockserver.store.redis.RedisBackend`.

Each method is one atomic step in Redis (a Lua script of :mod:`.scripts`, or a single
command), never a read in Python followed by a write; the key layout is described in
:mod:`mockserver.store.redis`.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import time
from collections.abc import Sequence

from mockserver.journal import JournalEntry
from mockserver.simulation import VideoState
from mockserver.store import codec
from mockserver.store.base import (
    IdempotencyOutcome,
    IdempotencyState,
    QuotaExceeded,
    RateWindow,
    SessionControl,
    StoredResponse,
    StoreUnavailable,
)
from mockserver.store.connections import (
    Client,
    Connections,
    Unreachable,
    delete_matching,
    glob_escape,
)

NAME = "redis"
# A claimed dataset load blocks other requests of the session at most this long: the
# bundled dataset loads in tens of milliseconds.
PRELOAD_LEASE_MS = 5_000
PRELOAD_POLL_SECONDS = 0.02
# In-flight Idempotency-Key claims of a process that died are forgotten after this.
IN_FLIGHT_BACKSTOP_MS = 60_000
# Rate windows are judged by the simulated clock; the real TTL only collects old ones.
RATE_BACKSTOP_SECONDS = 86_400
_STATES = {state.value: state for state in IdempotencyState}


class RedisStore:
    """One session's state in Redis (see the module's key layout)."""

    name = NAME

    def __init__(
        self, connections: Connections, prefix: str, session: str, control: SessionControl
    ) -> None:
        self.session = session
        self._connections = connections
        self._registry = f"{prefix}:sessions"
        self._base = base = f"{prefix}:s:{session}:"
        self._state = f"{base}d:"
        self._marker = f"{base}preload"
        self._default_control = control
        self._guard = Unreachable(NAME)
        # Names this process's claims on the dataset marker; the task that claimed
        # last tells whether a claim still being loaded is this process's own.
        self._token = secrets.token_hex(8)
        self._claimer: asyncio.Task[object] | None = None

    async def _client(self) -> Client:
        with self._guard:
            return await self._connections.client()

    def _videos(self, organization_id: str) -> list[str]:
        return [f"{self._state}v:{organization_id}", f"{self._state}o:{organization_id}"]

    async def claim_preload(self) -> bool:
        client = await self._client()
        deadline = time.monotonic() + PRELOAD_LEASE_MS / 1000 + 1.0
        keys = [self._registry, self._marker]
        args = [self.session, self._token, PRELOAD_LEASE_MS]
        while True:
            with self._guard:
                found = await client.run("claim_preload", keys, args)
            if found[0] == 1:
                self._claimer = asyncio.current_task()
                return True
            if found[0] == 0:
                return False
            claimer = self._claimer
            if found[1].decode() == self._token and (claimer is None or claimer.done()):
                # Our own claim, whose request is over without finishing it: it took
                # the session over (a control-plane dataset), so it is loaded.
                await self.finish_preload()
                return False
            if time.monotonic() > deadline:
                raise StoreUnavailable(NAME, "busy: the session's dataset is still being loaded")
            await asyncio.sleep(PRELOAD_POLL_SECONDS)

    async def finish_preload(self) -> None:
        client = await self._client()
        with self._guard:
            await client.run("finish_preload", [self._marker], [self._token])

    async def reset(self) -> None:
        client = await self._client()
        with self._guard:
            await delete_matching(client, glob_escape(self._state) + "*")
            # Last: a request claiming the dataset meanwhile would load it into keys
            # the scan has still to delete.
            await client.execute("DEL", self._marker)

    async def next_sequence(self) -> int:
        client = await self._client()
        with self._guard:
            return int(await client.execute("INCR", f"{self._base}seq"))

    async def get_control(self) -> SessionControl:
        client = await self._client()
        with self._guard:
            raw = await client.execute("GET", f"{self._base}control")
        return self._default_control if raw is None else codec.decode_control(raw)

    async def set_control(self, control: SessionControl) -> None:
        client = await self._client()
        with self._guard:
            await client.execute("SET", f"{self._base}control", codec.encode_control(control))

    async def record(self, entry: JournalEntry, limit: int) -> None:
        client = await self._client()
        with self._guard:
            if limit <= 0:
                await client.execute("DEL", f"{self._base}journal")
                return
            await client.run("record", [f"{self._base}journal"], [codec.encode_entry(entry), limit])

    async def journal(self) -> Sequence[JournalEntry]:
        client = await self._client()
        with self._guard:
            raw = await client.execute("LRANGE", f"{self._base}journal", 0, -1)
        return tuple(codec.decode_entry(item) for item in raw)

    async def clear_journal(self) -> None:
        client = await self._client()
        with self._guard:
            await client.execute("DEL", f"{self._base}journal")

    async def hit_rate_limit(
        self, bucket: str, limit: int, window_seconds: int, now: float
    ) -> RateWindow:
        start = RateWindow.start_of(now, window_seconds)
        client = await self._client()
        key = f"{self._state}r:{bucket}:{start}"
        with self._guard:
            count = int(
                await client.run("hit_rate_limit", [key], [window_seconds + RATE_BACKSTOP_SECONDS])
            )
        return RateWindow.after(count, limit, start, window_seconds)

    async def get_video(self, organization_id: str, video_id: str) -> VideoState | None:
        client = await self._client()
        with self._guard:
            raw = await client.execute("HGET", f"{self._state}v:{organization_id}", video_id)
        return None if raw is None else codec.decode_video(raw)

    async def insert_video(
        self, organization_id: str, video: VideoState, quota: int | None
    ) -> tuple[VideoState, bool]:
        client = await self._client()
        args = [video.id, codec.encode_video(video), "" if quota is None else quota]
        with self._guard:
            found = await client.run("insert_video", self._videos(organization_id), args)
        if found[0] == 2:
            assert quota is not None
            raise QuotaExceeded(quota)
        if found[0] == 0:
            return codec.decode_video(found[1]), False
        return video, True

    async def save_video(self, organization_id: str, video: VideoState) -> bool:
        client = await self._client()
        args = [video.id, codec.encode_video(video)]
        with self._guard:
            return bool(await client.run("save_video", self._videos(organization_id), args))

    async def delete_video(self, organization_id: str, video_id: str) -> bool:
        client = await self._client()
        with self._guard:
            return bool(await client.run("delete_video", self._videos(organization_id), [video_id]))

    async def list_videos(self, organization_id: str) -> Sequence[VideoState]:
        return await self._range(organization_id, "-", "+", -1, descending=False)

    async def page_videos(
        self,
        organization_id: str,
        after: tuple[float, str] | None,
        limit: int,
        *,
        descending: bool,
    ) -> Sequence[VideoState]:
        if limit <= 0:
            return []
        first = "+" if descending else "-"
        if after is not None:
            first = "(" + codec.order_key(after[0]) + after[1]
        last = "-" if descending else "+"
        return await self._range(organization_id, first, last, limit, descending=descending)

    async def count_videos(self, organization_id: str, until: float) -> int:
        # Every member of a video added at or before ``until`` sorts below the order key
        # of the next larger number, whatever its id.
        bound = "(" + codec.order_key(math.nextafter(until, math.inf))
        client = await self._client()
        with self._guard:
            return int(
                await client.execute("ZLEXCOUNT", self._videos(organization_id)[1], "-", bound)
            )

    async def _range(
        self, organization_id: str, first: str, last: str, limit: int, *, descending: bool
    ) -> list[VideoState]:
        client = await self._client()
        args = [first, last, limit, "1" if descending else "0"]
        with self._guard:
            found = await client.run("page_videos", self._videos(organization_id), args)
        return codec.decode_videos(found)

    async def begin_idempotent(
        self, organization_id: str, key: str, fingerprint: bytes, now: float
    ) -> IdempotencyOutcome:
        client = await self._client()
        record = f"{self._state}i:{organization_id}:{key}"
        with self._guard:
            found = await client.run(
                "begin_idempotent", [record], [fingerprint, repr(now), IN_FLIGHT_BACKSTOP_MS]
            )
        state = _STATES[found[0].decode()]
        if state is IdempotencyState.REPLAY:
            return IdempotencyOutcome(state, codec.decode_response(found[1]))
        return IdempotencyOutcome(state)

    async def complete_idempotent(
        self, organization_id: str, key: str, response: StoredResponse, now: float, ttl: float
    ) -> None:
        client = await self._client()
        record = f"{self._state}i:{organization_id}:{key}"
        args = [codec.encode_response(response), repr(now + ttl), max(1, math.ceil(ttl * 1000))]
        with self._guard:
            await client.run("complete_idempotent", [record], args)

    async def release_idempotent(self, organization_id: str, key: str) -> None:
        client = await self._client()
        with self._guard:
            await client.run("release_idempotent", [f"{self._state}i:{organization_id}:{key}"], [])
