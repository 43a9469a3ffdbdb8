"""Paired slices: each row's load cut into short wrk runs, each one right after the baseline's.

This VM's speed drifts from second to second, so a baseline measured minutes before a row
says little about that row. The baseline therefore keeps running for the whole run, and
each row's ``--duration`` is cut into slices; before every slice on the row's server, one
slice of the same length goes to the baseline. A row's ratio is over the baseline slices
interleaved with it (its *paired baseline*), measured within seconds of its own.

wrk gives no histogram that could be merged, so a combined result's p50 is the median of
the slices' p50 and its p99 the highest of their p99 (conservative).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

# Relative, like wrk.py's: the tests import this module as ``bench.harness.slices``.
from .wrk import WrkResult


def plan(duration: int, slices: int) -> tuple[int, int]:
    """How many slices a row gets and how many whole seconds each (wrk takes whole seconds).

    ``min(slices, duration)`` slices of ``duration // count`` seconds: 10 s in 5 slices is
    5 x 2 s; 10 s in 3 slices is 3 x 3 s, so 9 s of load.
    """
    if duration < 1 or slices < 1:
        raise ValueError(f"duration and slices must be at least 1, not {duration}, {slices}")
    count = min(slices, duration)
    return count, duration // count


def slice_seconds(result: WrkResult) -> float:
    """How long a slice ran: its requests over its req/s.

    wrk prints req/s to 0.01 (a few parts per million here) but its run time only to
    0.01 s; that run time is used only when no request completed (req/s 0).
    """
    if result.requests > 0 and result.requests_per_s > 0:
        return result.requests / result.requests_per_s
    return result.seconds


def combine(slices: Sequence[WrkResult]) -> WrkResult:
    """One result for several slices of the same load.

    Requests and errors add up; req/s is all requests over all seconds; p50 is the median
    of the slices' p50 and p99 the highest of their p99 (wrk's percentiles do not merge).
    """
    if not slices:
        raise ValueError("no slices to combine")
    requests = sum(s.requests for s in slices)
    seconds = sum(slice_seconds(s) for s in slices)
    return WrkResult(
        requests=requests,
        requests_per_s=requests / seconds if seconds > 0 else 0.0,
        p50_ms=statistics.median([s.p50_ms for s in slices]),
        p99_ms=max(s.p99_ms for s in slices),
        non_2xx_3xx=sum(s.non_2xx_3xx for s in slices),
        socket_errors=sum(s.socket_errors for s in slices),
        output="\n".join(s.output for s in slices),
        seconds=seconds,
    )


def paired_ratio(row: WrkResult, baseline: WrkResult) -> float | None:
    """The row's req/s as a share of its paired baseline's; None if the baseline did nothing."""
    if baseline.requests_per_s <= 0:
        return None
    return row.requests_per_s / baseline.requests_per_s
