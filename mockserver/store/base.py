"""The store interface and the records it trades in.

Every method is a single atomic step (check-and-set), so a shared backend can give
the same guarantees across processes as the memory one gives inside one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from mockserver.simulation import VideoState


@dataclass(frozen=True, slots=True)
class RateWindow:
    """The state of a key's fixed rate-limit window after counting one request."""

    limit: int
    remaining: int
    reset: int  # Unix seconds at which the window ends
    allowed: bool


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A completed 2xx response kept for idempotent replay, byte for byte."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class IdempotencyState(Enum):
    NEW = "new"  # the caller now owns the key and must complete or release it
    REPLAY = "replay"  # same request seen and completed: replay ``response``
    MISMATCH = "mismatch"  # same key, different request
    IN_FLIGHT = "in_flight"  # same key, first request not finished


@dataclass(frozen=True, slots=True)
class IdempotencyOutcome:
    state: IdempotencyState
    response: StoredResponse | None = None


class QuotaExceeded(Exception):
    """The organization already tracks as many videos as its quota allows."""

    def __init__(self, quota: int) -> None:
        super().__init__(f"quota of {quota} videos reached")
        self.quota = quota


class Store(Protocol):
    """What the server needs from its state, per organization."""

    name: str

    async def hit_rate_limit(
        self, bucket: str, limit: int, window_seconds: int, now: float
    ) -> RateWindow:
        """Count one request in ``bucket``'s current fixed window."""

    async def get_video(self, organization_id: str, video_id: str) -> VideoState | None:
        """The organization's video with this id, or None."""

    async def insert_video(
        self, organization_id: str, video: VideoState, quota: int | None
    ) -> tuple[VideoState, bool]:
        """Insert unless present: (the stored video, True if it was new).

        Raises QuotaExceeded when new and the organization is at ``quota``.
        """

    async def save_video(self, organization_id: str, video: VideoState) -> bool:
        """Replace a stored video by its id; False when it is no longer there."""

    async def delete_video(self, organization_id: str, video_id: str) -> bool:
        """Forget a video; False when there was none."""

    async def list_videos(self, organization_id: str) -> Sequence[VideoState]:
        """Every video of the organization, ordered by (added_at, id)."""

    async def begin_idempotent(
        self, organization_id: str, key: str, fingerprint: bytes, now: float
    ) -> IdempotencyOutcome:
        """Claim ``key`` for this request, or say why not."""

    async def complete_idempotent(
        self, organization_id: str, key: str, response: StoredResponse, now: float, ttl: float
    ) -> None:
        """Store the finished 2xx response for replay until ``now + ttl``."""

    async def release_idempotent(self, organization_id: str, key: str) -> None:
        """Forget a claimed key whose request did not succeed."""
