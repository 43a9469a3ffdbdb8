"""The in-memory store: the default, for one process.

Each method runs without an ``await`` inside, so on one event loop every call is
atomic; that is what makes check-and-set safe here without locks.
"""

from __future__ import annotations

from collections import OrderedDict

from mockserver.store.base import (
    IdempotencyOutcome,
    IdempotencyState,
    QuotaExceeded,
    RateWindow,
    StoredResponse,
    Video,
)

# Bounds the idempotency records kept beyond expiry-based eviction, so a flood of
# distinct keys cannot grow memory without limit.
MAX_IDEMPOTENCY_RECORDS = 100_000


class MemoryStore:
    """State in dicts, per organization."""

    name = "memory"

    def __init__(self) -> None:
        self._videos: dict[str, dict[str, Video]] = {}
        self._windows: dict[str, tuple[int, int]] = {}  # bucket -> (window start, count)
        # In-flight claims and completed responses live apart: completed ones are
        # ordered by completion (hence by expiry), so eviction pops from the front.
        self._in_flight: dict[tuple[str, str], bytes] = {}
        self._completed: OrderedDict[tuple[str, str], tuple[bytes, StoredResponse, float]] = (
            OrderedDict()
        )

    async def hit_rate_limit(
        self, bucket: str, limit: int, window_seconds: int, now: float
    ) -> RateWindow:
        start = int(now // window_seconds) * window_seconds
        current_start, count = self._windows.get(bucket, (start, 0))
        if current_start != start:
            count = 0
        count += 1
        self._windows[bucket] = (start, count)
        return RateWindow(
            limit=limit,
            remaining=max(limit - count, 0),
            reset=start + window_seconds,
            allowed=count <= limit,
        )

    async def get_video(self, organization_id: str, video_id: str) -> Video | None:
        return self._videos.get(organization_id, {}).get(video_id)

    async def insert_video(
        self, organization_id: str, video: Video, quota: int | None
    ) -> tuple[Video, bool]:
        videos = self._videos.setdefault(organization_id, {})
        existing = videos.get(video["id"])
        if existing is not None:
            return existing, False
        if quota is not None and len(videos) >= quota:
            raise QuotaExceeded(quota)
        videos[video["id"]] = video
        return video, True

    async def begin_idempotent(
        self, organization_id: str, key: str, fingerprint: bytes, now: float
    ) -> IdempotencyOutcome:
        self._evict(now)
        slot = (organization_id, key)
        completed = self._completed.get(slot)
        if completed is not None and completed[2] <= now:
            # Expired but not yet evicted (eviction only looks at the front).
            del self._completed[slot]
            completed = None
        if completed is not None:
            stored_fingerprint, response, _ = completed
            if stored_fingerprint != fingerprint:
                return IdempotencyOutcome(IdempotencyState.MISMATCH)
            return IdempotencyOutcome(IdempotencyState.REPLAY, response)
        in_flight = self._in_flight.get(slot)
        if in_flight is not None:
            if in_flight != fingerprint:
                return IdempotencyOutcome(IdempotencyState.MISMATCH)
            return IdempotencyOutcome(IdempotencyState.IN_FLIGHT)
        self._in_flight[slot] = fingerprint
        return IdempotencyOutcome(IdempotencyState.NEW)

    async def complete_idempotent(
        self, organization_id: str, key: str, response: StoredResponse, now: float, ttl: float
    ) -> None:
        fingerprint = self._in_flight.pop((organization_id, key), None)
        if fingerprint is not None:
            self._completed[(organization_id, key)] = (fingerprint, response, now + ttl)

    async def release_idempotent(self, organization_id: str, key: str) -> None:
        self._in_flight.pop((organization_id, key), None)

    def _evict(self, now: float) -> None:
        completed = self._completed
        while completed:
            _, _, expires = next(iter(completed.values()))
            if expires > now and len(completed) <= MAX_IDEMPOTENCY_RECORDS:
                break
            completed.popitem(last=False)
