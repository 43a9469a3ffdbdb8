"""The store interface and the records it trades in.

Every method is a single atomic step (check-and-set), so a shared backend can give
the same guarantees across processes as the memory one gives inside one.

Exceptions: :class:`QuotaExceeded` (an insert over the organization's quota),
:class:`TooManySessions` (a new session past the cap) and :class:`StoreUnavailable` (the
backing store cannot be reached or did not answer in time; the request answers 503).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, Protocol

from mockserver.faults import NO_FAULTS, FaultPlan
from mockserver.journal import JournalEntry
from mockserver.simulation import VideoState


class RateWindow(NamedTuple):
    """The state of a key's fixed rate-limit window after counting one request.

    A named tuple, not a frozen dataclass: one is built per authenticated request, and
    a frozen dataclass sets each field through ``object.__setattr__`` (~1 µs more).
    """

    limit: int
    remaining: int
    reset: int  # Unix seconds at which the window ends
    allowed: bool

    @staticmethod
    def start_of(now: float, window_seconds: int) -> int:
        """Unix seconds at which the fixed window holding ``now`` began."""
        return int(now // window_seconds) * window_seconds

    @classmethod
    def after(cls, count: int, limit: int, start: int, window_seconds: int) -> RateWindow:
        """The window that began at ``start``, after its ``count``-th request."""
        return cls(limit, max(limit - count, 0), start + window_seconds, count <= limit)


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


# Seconds a client should wait when the state store is lost: a restarted Redis answers
# again within about that, and a connection attempt fails within a second.
STORE_RETRY_AFTER = 1


class StoreUnavailable(Exception):
    """The backing store cannot be reached or did not answer in time.

    Raised by any Store or Backend method of a networked backend; nothing was written
    when it is raised, unless the store says otherwise. The request answers 503.
    """

    def __init__(self, store: str, reason: str) -> None:
        super().__init__(f"store {store} {reason}")
        self.store = store  # the backend's name, e.g. "redis"
        self.reason = reason  # e.g. "unreachable (Connection refused)"


class QuotaExceeded(Exception):
    """The organization already tracks as many videos as its quota allows."""

    def __init__(self, quota: int) -> None:
        super().__init__(f"quota of {quota} videos reached")
        self.quota = quota


@dataclass(frozen=True, slots=True)
class SessionControl:
    """What the control plane sets for one session: its faults and its clock.

    The session's time is ``frozen_at`` when set, else the server's clock plus ``offset``.
    """

    faults: FaultPlan = NO_FAULTS
    offset: float = 0.0
    frozen_at: float | None = None

    def now(self, base: float) -> float:
        return self.frozen_at if self.frozen_at is not None else base + self.offset


class Store(Protocol):
    """What the server needs from its state: one session's, per organization.

    A backend hands out one Store per session (:class:`Backend`); sessions share nothing.
    """

    name: str
    session: str

    async def claim_preload(self) -> bool:
        """True exactly once per session (across processes): the caller loads the dataset,
        then calls :meth:`finish_preload`. Until then, other callers wait (bounded)
        rather than see a half-loaded session; a claim never finished (the caller took
        the session over with a dataset of its own) counts as loaded when its request
        is over, or after a few seconds elsewhere."""

    async def finish_preload(self) -> None:
        """The dataset claimed by :meth:`claim_preload` is loaded: waiters go on."""

    async def reset(self) -> None:
        """Forget videos, idempotency records and rate windows (not journal or control);
        the session's next request loads the dataset again."""

    async def next_sequence(self) -> int:
        """The next request number of this session, from 1."""

    async def get_control(self) -> SessionControl:
        """The session's faults and clock (the run's defaults until set)."""

    async def set_control(self, control: SessionControl) -> None:
        """Replace the session's faults and clock."""

    async def record(self, entry: JournalEntry, limit: int) -> None:
        """Append to the journal, keeping only the ``limit`` most recent entries."""

    async def journal(self) -> Sequence[JournalEntry]:
        """The kept journal entries, oldest first."""

    async def clear_journal(self) -> None:
        """Forget the journal."""

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

    async def page_videos(
        self,
        organization_id: str,
        after: tuple[float, str] | None,
        limit: int,
        *,
        descending: bool,
    ) -> Sequence[VideoState]:
        """Up to ``limit`` videos in (added_at, id) order (reversed when ``descending``),
        strictly after the key ``after`` in that order; from the first when None.

        One consistent read costing O(log n + limit): the default listing order's page.
        """

    async def count_videos(self, organization_id: str, until: float) -> int:
        """How many of the organization's videos were added at or before ``until``."""

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


class TooManySessions(Exception):
    """A new session was asked for while ``limit`` sessions exist."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} sessions may exist at once")
        self.limit = limit


class Backend(Protocol):
    """Where sessions live: hands out each session's Store."""

    name: str

    async def session(self, name: str) -> Store:
        """The session's store, created on first use (TooManySessions past the cap)."""

    async def sessions(self) -> Sequence[str]:
        """The names of the sessions that exist, sorted."""

    async def drop(self, name: str) -> bool:
        """Forget a session entirely; False when there was none."""

    async def ping(self) -> None:
        """Raise when the backing store cannot be reached."""

    async def close(self) -> None:
        """Release connections."""
