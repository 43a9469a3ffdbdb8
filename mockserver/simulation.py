"""The living dataset: when a tracked video is refreshed, and what it shows at any time.

Nothing here runs in the background. A video keeps its refresh *schedule* (segments:
"from ``start`` on, refreshed at ``anchor + k * interval``"); what it shows at time ``t``
is derived on demand from the time of its last refresh before ``t``, so counts are a pure
function of (seed, post, refresh time), history can be asked about (deltas, metrics)
as easily as the present, and a fake clock makes every run repeat.
"""

from __future__ import annotations

import math
import os
import random
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from mockserver.clock import rfc3339, rfc3339_once
from mockserver.fixtures import Pin
from mockserver.generation import ContentGenerator, Metrics, VideoContent
from mockserver.identifiers import ResolvedPost
from mockserver.responses import etag

HOUR = 3600.0
# Content is derived per post; this many posts' content stays cached (LRU), so hot
# videos cost a dict lookup while memory stays bounded however many are tracked.
CONTENT_CACHE_SIZE = 8192
# Rendered JSON per (video, version): a page of 50 is then 50 lookups, not 50 renders.
RENDER_CACHE_SIZE = 4096


class _Rendered:
    """A cached rendering of one version of a video, and its ETag once a GET asked."""

    __slots__ = ("fragment", "tag")

    def __init__(self, fragment: orjson.Fragment) -> None:
        self.fragment = fragment
        self.tag: str | None = None


# A named tuple, not a frozen dataclass: every new video builds one, in one tuple.__new__
# rather than a setattr per field.
class Segment(NamedTuple):
    """From ``start`` on, refreshes happen at ``anchor + k * interval`` (k >= 0).

    ``anchor`` None: not refreshed at all (inactive).
    """

    start: float
    anchor: float | None
    interval: float


@dataclass(slots=True)
class VideoState:
    """What the store keeps of a tracked video: only what cannot be derived."""

    id: str
    post: ResolvedPost
    created_at: float  # publication time, clamped to added_at
    added_at: float
    updated_at: float
    is_active: bool
    scrape_interval_hours: int
    metadata: dict[str, str]
    schedule: tuple[Segment, ...]
    version: int = 0  # a fresh next_version() on creation and every change


# Versions key each process's render cache, and with a shared store a state made by
# another replica arrives with that replica's version: a per-process counter would let
# two replicas give one number to two states of one video. A random 62-bit number per
# change never collides in practice. A private generator: tests reseed the global one,
# and a forked child must not repeat its parent's numbers.
_versions = random.Random()
os.register_at_fork(after_in_child=_versions.seed)


def next_version() -> int:
    """A number no other state of any process has had: keys the rendered-JSON cache."""
    return _versions.getrandbits(62) + 1


def new_schedule(added_at: float, active: bool, interval_hours: int, delay: float) -> Segment:
    """The first segment: an active video's first refresh comes ``delay`` after tracking."""
    return Segment(added_at, added_at + delay if active else None, interval_hours * HOUR)


def last_refresh(schedule: tuple[Segment, ...], t: float) -> float | None:
    """When the video was last refreshed at or before ``t`` (None: never)."""
    if len(schedule) == 1:
        # Most videos never change their schedule; with no next segment the general
        # loop below reduces to this (nothing ends the segment, steps >= 0).
        segment = schedule[0]
        anchor = segment.anchor
        if segment.start > t or anchor is None or anchor > t:
            return None
        return anchor + math.floor((t - anchor) / segment.interval) * segment.interval
    last: float | None = None
    for index, segment in enumerate(schedule):
        if segment.start > t:
            break
        if segment.anchor is None or segment.anchor > t:
            continue
        end = schedule[index + 1].start if index + 1 < len(schedule) else math.inf
        until = min(t, end)
        steps = math.floor((until - segment.anchor) / segment.interval)
        candidate = segment.anchor + steps * segment.interval
        if candidate > end:
            candidate -= segment.interval
        # A refresh due exactly when the next segment begins still belongs to this one:
        # reschedule() counted it as the last refresh when it made that segment.
        if candidate >= segment.anchor:
            last = candidate
    return last


def first_refresh(schedule: tuple[Segment, ...], t: float) -> float | None:
    """When the video was first refreshed, as known at ``t`` (None: not yet)."""
    for index, segment in enumerate(schedule):
        if segment.start > t:
            return None
        end = schedule[index + 1].start if index + 1 < len(schedule) else math.inf
        if segment.anchor is not None and segment.anchor <= t and segment.anchor <= end:
            return segment.anchor
    return None


def reschedule(state: VideoState, t: float, active: bool, interval_hours: int) -> None:
    """Apply a change of ``is_active`` or interval at ``t`` to the schedule.

    The next refresh follows the last one by the new interval (at once when that is
    already due, or when the video was never refreshed); deactivating freezes it.
    """
    interval = interval_hours * HOUR
    anchor: float | None = None
    if active:
        last = last_refresh(state.schedule, t)
        anchor = t if last is None else max(t, last + interval)
    state.schedule = (*state.schedule, Segment(t, anchor, interval))
    state.is_active = active
    state.scrape_interval_hours = interval_hours


class Simulator:
    """Renders videos at a given time from the generator (and pinned fixture content)."""

    def __init__(
        self,
        generator: ContentGenerator,
        base_url: str,
        pins: Mapping[tuple[str, str], Pin] | None = None,
    ) -> None:
        self._generator = generator
        self._covers = f"{base_url}/_assets/covers/"
        self._pins = pins or {}
        self._cache: OrderedDict[tuple[str, str, str | None], VideoContent] = OrderedDict()
        self._rendered: OrderedDict[tuple[Any, ...], _Rendered] = OrderedDict()

    def content(self, post: ResolvedPost, *, keep: bool = True) -> VideoContent:
        """The post's content, pinned fields applied; cached unless ``keep`` is False.

        ``keep=False`` is for a post seen once (the 201 of a new video): caching it would
        evict a post that is read again, and inserting plus evicting costs ~5 µs of a
        ~100 µs new-video POST (the dropped entry's strings are freed each time).
        """
        # The author's name from the URL shapes the content (username, account id), so
        # it is part of the key; pins are per post whatever the URL said.
        key = (post.platform, post.external_id, post.username)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        content = self._generator.content(post)
        pin = self._pins.get(key[:2])
        if pin is not None:
            mature = content.mature._replace(**pin.metrics)
            content = content._replace(**pin.content, mature=mature)
        if not keep:
            return content
        self._cache[key] = content
        if len(self._cache) > CONTENT_CACHE_SIZE:
            self._cache.popitem(last=False)
        return content

    def counts_at(self, state: VideoState, t: float) -> Metrics | None:
        """The counts the video shows at ``t``; None before its first refresh."""
        last = last_refresh(state.schedule, t)
        if last is None:
            return None
        content = self.content(state.post)
        return self._generator.metrics(state.post, content, last - state.created_at)

    def searchable(self, state: VideoState, t: float) -> tuple[str | None, str | None]:
        """(description, account_username) as :meth:`render` shows them at ``t``.

        What the list's ``q`` filter matches, without rendering the whole record.
        """
        if last_refresh(state.schedule, t) is None:
            return None, state.post.username
        content = self.content(state.post)
        return content.description, content.account_username

    def render_json(self, state: VideoState, t: float) -> orjson.Fragment:
        """:meth:`render`, as JSON bytes ready to embed, cached per version of the video."""
        return self._rendered_entry(state, t).fragment

    def render_body(self, state: VideoState, t: float) -> tuple[bytes, str]:
        """The body of a GET of this one video (``{"data": ...}``) and its ETag.

        The tag is hashed once per cached version, not on every GET (~3 µs of ~40).
        """
        entry = self._rendered_entry(state, t)
        body = orjson.dumps({"data": entry.fragment})
        if entry.tag is None:
            entry.tag = etag(body)
        return body, entry.tag

    def _rendered_entry(self, state: VideoState, t: float) -> _Rendered:
        # What a video shows changes only with its stored fields (every change bumps
        # ``version``) or with a refresh, so those key the cache.
        key = (
            state.id,
            state.version,
            last_refresh(state.schedule, t),
            first_refresh(state.schedule, t),
        )
        cached = self._rendered.get(key)
        if cached is None:
            cached = _Rendered(orjson.Fragment(orjson.dumps(self.render(state, t))))
            self._rendered[key] = cached
            if len(self._rendered) > RENDER_CACHE_SIZE:
                self._rendered.popitem(last=False)
        return cached

    def render(self, state: VideoState, t: float, *, keep: bool = True) -> dict[str, Any]:
        """The VideoResponse object of ``state`` as it is at ``t``, in document order.

        ``keep=False``: do not cache the post's content (see :meth:`content`).
        """
        post = state.post
        last = last_refresh(state.schedule, t)
        first = first_refresh(state.schedule, t)
        video = _SKELETON.copy()
        video["id"] = state.id
        video["external_id"] = post.external_id
        video["platform"] = post.platform
        video["shortcode"] = post.shortcode
        video["is_active"] = state.is_active
        video["scrape_interval_hours"] = state.scrape_interval_hours
        video["metadata"] = state.metadata
        video["added_at"] = rfc3339(state.added_at)
        video["updated_at"] = rfc3339(state.updated_at)
        video["create_time"] = rfc3339_once(state.created_at)
        if first is not None:
            video["first_scrape_time"] = rfc3339(first)
        if last is None:
            # Not refreshed yet: nothing scraped, only what the identifier told.
            video["account_username"] = post.username
            video["platform_data"] = {}
            return video
        video["last_scrape_time"] = rfc3339(last)
        content = self.content(post, keep=keep)
        metrics = self._generator.metrics(post, content, last - state.created_at)
        video["description"] = content.description
        video["media_type"] = content.media_type
        video["duration"] = content.duration
        video["is_unavailable"] = content.is_unavailable
        video["cover_image_url_original"] = content.cover_image_url_original
        video["video_url_original"] = content.video_url_original
        video["view_count"] = metrics.view_count
        video["like_count"] = metrics.like_count
        video["comment_count"] = metrics.comment_count
        video["share_count"] = metrics.share_count
        video["play_count"] = metrics.play_count
        video["saved_count"] = metrics.saved_count
        video["total_views"] = metrics.total_views
        video["total_plays"] = metrics.total_plays
        video["account_username"] = content.account_username
        video["platform_account_id"] = content.platform_account_id
        video["platform_data"] = content.platform_data
        if not content.is_unavailable:
            path = f"{post.platform}/{post.external_id}"
            video["cover_image_url"] = f"{self._covers}{path}.svg"
            if content.video_url_original is not None:
                video["video_url"] = f"https://media.creatoraudit.com/videos/{path}.mp4"
        return video


# Every VideoResponse field in document order, with what a video shows before anything
# is known. render() copies it and sets what it knows: a 33-key dict literal compiles to
# one insert (and a few resizes) per key, which cost about three times this copy.
_SKELETON: dict[str, Any] = {
    "id": None,
    "external_id": None,
    "type": "video",
    "platform": None,
    "shortcode": None,
    "is_active": None,
    "scrape_interval_hours": None,
    "metadata": None,
    "added_at": None,
    "updated_at": None,
    "first_scrape_time": None,
    "last_scrape_time": None,
    "description": None,
    "create_time": None,
    "media_type": None,
    "duration": None,
    "is_unavailable": False,
    "cover_image_url": None,
    "cover_image_url_original": None,
    "video_url": None,
    "video_url_original": None,
    "view_count": None,
    "like_count": None,
    "comment_count": None,
    "share_count": None,
    "play_count": None,
    "saved_count": None,
    "total_views": None,
    "total_plays": None,
    "account_id": None,
    "account_username": None,
    "platform_account_id": None,
    "platform_data": None,
}
