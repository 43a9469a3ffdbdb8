"""The in-memory store: the default, for one process.

Each method runs without an ``await`` inside, so on one event loop every call is
atomic; that is what makes check-and-set safe here without locks.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict, deque
from collections.abc import Sequence

from mockserver.journal import JournalEntry
from mockserver.simulation import VideoState
from mockserver.store.base import (
    IdempotencyOutcome,
    IdempotencyState,
    QuotaExceeded,
    RateWindow,
    SessionControl,
    StoredResponse,
    TooManySessions,
)


def _order(video: VideoState) -> tuple[float, str]:
    return (video.added_at, video.id)


def _added_at(video: VideoState) -> float:
    return video.added_at


# Bounds the idempotency records kept beyond expiry-based eviction, so a flood of
# distinct keys cannot grow memory without limit.
MAX_IDEMPOTENCY_RECORDS = 100_000


class MemoryStore:
    """One session's state in dicts, per organization."""

    name = "memory"

    def __init__(self, session: str = "default", control: SessionControl | None = None) -> None:
        self.session = session
        self._preloaded = False
        self._sequence = 0
        self._control = control or SessionControl()
        self._journal: deque[JournalEntry] = deque()
        self.reset_state()

    def reset_state(self) -> None:
        """Forget videos, idempotency records and rate windows."""
        self._videos: dict[str, dict[str, VideoState]] = {}
        # Per organization, kept sorted by (added_at, id): the default listing order,
        # so a page of the newest videos is a slice, not a sort.
        self._ordered: dict[str, list[VideoState]] = {}
        self._windows: dict[str, tuple[int, int]] = {}  # bucket -> (window start, count)
        # In-flight claims and completed responses live apart: completed ones are
        # ordered by completion (hence by expiry), so eviction pops from the front.
        self._in_flight: dict[tuple[str, str], bytes] = {}
        self._completed: OrderedDict[tuple[str, str], tuple[bytes, StoredResponse, float]] = (
            OrderedDict()
        )

    async def claim_preload(self) -> bool:
        claimed, self._preloaded = not self._preloaded, True
        return claimed

    async def finish_preload(self) -> None:
        # Nobody waits here: a claim and the load that follows it share one process.
        return None

    async def reset(self) -> None:
        self.reset_state()
        self._preloaded = False

    async def next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    async def get_control(self) -> SessionControl:
        return self._control

    async def set_control(self, control: SessionControl) -> None:
        self._control = control

    async def record(self, entry: JournalEntry, limit: int) -> None:
        journal = self._journal
        journal.append(entry)
        while len(journal) > limit:
            journal.popleft()

    async def journal(self) -> Sequence[JournalEntry]:
        return tuple(self._journal)

    async def clear_journal(self) -> None:
        self._journal.clear()

    async def hit_rate_limit(
        self, bucket: str, limit: int, window_seconds: int, now: float
    ) -> RateWindow:
        start = RateWindow.start_of(now, window_seconds)
        current_start, count = self._windows.get(bucket, (start, 0))
        if current_start != start:
            count = 0
        count += 1
        self._windows[bucket] = (start, count)
        return RateWindow.after(count, limit, start, window_seconds)

    async def get_video(self, organization_id: str, video_id: str) -> VideoState | None:
        return self._videos.get(organization_id, {}).get(video_id)

    async def insert_video(
        self, organization_id: str, video: VideoState, quota: int | None
    ) -> tuple[VideoState, bool]:
        videos = self._videos.setdefault(organization_id, {})
        existing = videos.get(video.id)
        if existing is not None:
            return existing, False
        if quota is not None and len(videos) >= quota:
            raise QuotaExceeded(quota)
        videos[video.id] = video
        ordered = self._ordered.setdefault(organization_id, [])
        # A new video is usually the newest (real clock): append, instead of a binary
        # search calling _order ~17 times and a list insert that moves every entry.
        if not ordered or _order(ordered[-1]) < _order(video):
            ordered.append(video)
        else:
            bisect.insort(ordered, video, key=_order)
        return video, True

    async def save_video(self, organization_id: str, video: VideoState) -> bool:
        videos = self._videos.get(organization_id, {})
        if video.id not in videos:
            return False
        old = videos[video.id]
        videos[video.id] = video
        if old is not video:
            ordered = self._ordered[organization_id]
            ordered[bisect.bisect_left(ordered, _order(old), key=_order)] = video
        return True

    async def delete_video(self, organization_id: str, video_id: str) -> bool:
        video = self._videos.get(organization_id, {}).pop(video_id, None)
        if video is None:
            return False
        ordered = self._ordered[organization_id]
        del ordered[bisect.bisect_left(ordered, _order(video), key=_order)]
        return True

    async def list_videos(self, organization_id: str) -> Sequence[VideoState]:
        return self._ordered.get(organization_id, [])

    async def page_videos(
        self,
        organization_id: str,
        after: tuple[float, str] | None,
        limit: int,
        *,
        descending: bool,
    ) -> Sequence[VideoState]:
        ordered = self._ordered.get(organization_id, [])
        if descending:
            end = len(ordered) if after is None else bisect.bisect_left(ordered, after, key=_order)
            return ordered[max(end - limit, 0) : end][::-1]
        start = 0 if after is None else bisect.bisect_right(ordered, after, key=_order)
        return ordered[start : start + limit]

    async def count_videos(self, organization_id: str, until: float) -> int:
        ordered = self._ordered.get(organization_id, [])
        return bisect.bisect_right(ordered, until, key=_added_at)

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


class MemoryBackend:
    """Sessions in this process: the default backend."""

    name = "memory"

    def __init__(self, default_control: SessionControl | None = None, max_sessions: int = 1000):
        self._default_control = default_control or SessionControl()
        self._max_sessions = max_sessions
        self._sessions: dict[str, MemoryStore] = {}

    async def session(self, name: str) -> MemoryStore:
        store = self._sessions.get(name)
        if store is None:
            if len(self._sessions) >= self._max_sessions:
                raise TooManySessions(self._max_sessions)
            store = self._sessions[name] = MemoryStore(name, self._default_control)
        return store

    async def sessions(self) -> Sequence[str]:
        return sorted(self._sessions)

    async def drop(self, name: str) -> bool:
        return self._sessions.pop(name, None) is not None

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
