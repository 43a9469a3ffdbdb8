"""Time, in one place: the real clock, a frozen one, and RFC 3339 formatting.

Everything that stamps or compares time asks a :class:`Clock`, so a frozen clock makes
every timestamp, rate-limit window and idempotency expiry repeat exactly.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from functools import lru_cache


class Clock:
    """Simulated Unix seconds: frozen at ``frozen`` when given, else the real time at
    start plus the real seconds since, times ``time_scale`` (3600: an hour a second)."""

    def __init__(self, frozen: datetime | None = None, time_scale: float = 1.0) -> None:
        self._frozen = frozen.timestamp() if frozen is not None else None
        self._scale = time_scale
        self._origin = time.time()
        self._origin_monotonic = time.monotonic()

    def now(self) -> float:
        if self._frozen is not None:
            return self._frozen
        if self._scale == 1.0:
            return time.time()
        return self._origin + (time.monotonic() - self._origin_monotonic) * self._scale


class ManualClock(Clock):
    """A clock that moves only when told to: for tests and time control."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self._now = start.timestamp()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def rfc3339(timestamp: float) -> str:
    """``2026-06-14T09:30:00Z``: UTC, whole seconds, a ``Z``; cached, for recurring times."""
    return _rfc3339(int(timestamp))


def rfc3339_once(timestamp: float) -> str:
    """:func:`rfc3339` without the cache, for a time that seldom recurs.

    A post's publication time is its own: cached, every new post would add an entry
    that is never hit and, once the cache is full, evict one that is.
    """
    return _format(int(timestamp))


# Rendering a video formats five timestamps, mostly the same few (tracking and refresh
# times); a cache hit costs a fraction of formatting.
@lru_cache(maxsize=65_536)
def _rfc3339(seconds: int) -> str:
    return _format(seconds)


def _format(seconds: int) -> str:
    if 0 <= seconds < _YEAR_10000:
        # A miss (a new post's own publication time, say) formats from a table: strftime
        # cost ~3 µs. The date changes once a day; the time of day is two look-ups.
        days, rest = divmod(seconds, _DAY)
        day = _DATES.get(days)
        if day is None:
            if len(_DATES) >= _DATES_KEPT:
                _DATES.clear()
            day = _DATES[days] = date.fromordinal(_EPOCH_ORDINAL + days).isoformat()
        return day + _HOURS_MINUTES[rest // 60] + _SECONDS[rest % 60]
    # Before 1970 or after 9999, where isoformat() and strftime("%Y") may disagree.
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_DAY = 86_400
_YEAR_10000 = 253_402_300_800
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DATES: dict[int, str] = {}
_DATES_KEPT = 4096  # a few years of days; cleared when full, so memory stays bounded
_HOURS_MINUTES = tuple(f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SECONDS = tuple(f"{s:02d}Z" for s in range(60))


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (``Z`` or offset) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; add Z or an offset")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of the supported range of dates") from None
