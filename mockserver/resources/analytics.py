"""Batch reads over history: POST /videos/metrics and POST /videos/deltas.

Both answer from the same simulated history as the videos themselves: a count at any
past time is what the last refresh before it saw, so a 7-day delta is exactly the
difference of ``view_count`` seven days apart. Before a video's first refresh, its
first refreshed count stands in (only observed growth is reported).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from mockserver.context import Call, Handler
from mockserver.generation import Metrics
from mockserver.problems import validation_problem
from mockserver.responses import Reply
from mockserver.simulation import Simulator, VideoState, first_refresh

DAY = 86_400.0
PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90}


def observed(simulator: Simulator, video: VideoState, t: float, now: float) -> Metrics | None:
    """The counts seen at ``t``, the first refresh's standing in before it."""
    counts = simulator.counts_at(video, t)
    if counts is None:
        first = first_refresh(video.schedule, now)
        if first is None:
            return None
        counts = simulator.counts_at(video, first)
    return counts


async def _videos(call: Call) -> tuple[list[VideoState], list[str]]:
    """The requested videos of the organization (each once) and the ids not found."""
    assert call.key is not None
    organization_id = call.key.organization.id
    found: list[VideoState] = []
    missing: list[str] = []
    for wanted in dict.fromkeys(i.lower() for i in call.body["video_ids"]):
        video = await call.store.get_video(organization_id, wanted)
        if video is None:
            missing.append(wanted)
        else:
            found.append(video)
    return found, missing


def _gain(end: int | None, start: int | None) -> int | None:
    if end is None or start is None:
        return None
    return max(0, end - start)


async def video_metrics(call: Call) -> Reply:
    """Per video, what was gained over the period."""
    now = call.clock.now()
    period: str = call.body.get("period", "30d")
    if period == "custom":
        start_date = date.fromisoformat(call.body["start_date"])
        end_date = date.fromisoformat(call.body["end_date"])
        if start_date > end_date:
            raise validation_problem(
                [{"field": "start_date", "message": "must not be after end_date"}]
            )
    else:
        end_date = datetime.fromtimestamp(now, UTC).date()
        start_date = end_date - timedelta(days=PERIOD_DAYS[period] - 1)
    start = datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC).timestamp()
    end = min(now, start + ((end_date - start_date).days + 1) * DAY)
    videos, missing = await _videos(call)
    simulator = call.services.simulator
    data: dict[str, Any] = {}
    for video in videos:
        before = observed(simulator, video, start, now) if end >= start else None
        after = observed(simulator, video, end, now) if end >= start else None
        gained = {
            field: _gain(
                getattr(after, field) if after else None,
                getattr(before, field) if before else None,
            )
            for field in ("view_count", "play_count", "like_count", "comment_count", "share_count")
        }
        views = gained["view_count"] or 0
        likes, comments, shares = (
            gained["like_count"] or 0,
            gained["comment_count"] or 0,
            gained["share_count"] or 0,
        )
        data[video.id] = {
            "views": views,
            "plays": gained["play_count"],
            "likes": likes,
            "comments": comments,
            "shares": shares,
            "engagement": round((likes + comments + shares) / views, 6) if views else 0.0,
        }
    meta = {
        "period": period,
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat(),
        "days": (end_date - start_date).days + 1,
        "not_found": missing,
    }
    return Reply(200, {"data": data, "meta": meta})


async def video_deltas(call: Call) -> Reply:
    """Per video and window, the change of view_count between now and N days ago."""
    now = call.clock.now()
    windows = sorted(set(call.body["windows"]))
    videos, missing = await _videos(call)
    simulator = call.services.simulator
    data: dict[str, Any] = {}
    for video in videos:
        current = simulator.counts_at(video, now)
        deltas: dict[str, int | None] = {}
        for days in windows:
            past = observed(simulator, video, now - days * DAY, now)
            deltas[f"{days}d"] = _gain(
                current.view_count if current else None, past.view_count if past else None
            )
        data[video.id] = deltas
    meta = {"windows": windows, "video_count": len(videos), "not_found": missing}
    return Reply(200, {"data": data, "meta": meta})


HANDLERS: dict[str, Handler] = {
    "getVideoMetrics": video_metrics,
    "getVideoDeltas": video_deltas,
}
