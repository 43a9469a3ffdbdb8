"""Builders of tracked-video states for the unit tests (not a test module).

Posts are made from ids that carry their own publication time (CONTRACT 8): a TikTok id
holds Unix seconds in its upper 32 bits, an Instagram pk Unix milliseconds (minus an
epoch) above bit 23. ``video`` builds the state the server stores, through the same
``new_video`` the track handler uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from mockserver.generation import ContentGenerator
from mockserver.identifiers import ResolvedPost, resolve
from mockserver.resources.videos import new_video
from mockserver.resources.videos import video_id as derived_id
from mockserver.simulation import VideoState

HOUR = 3600.0
DAY = 86_400.0
NOW_DT = datetime(2026, 6, 14, 9, 30, tzinfo=UTC)
NOW = NOW_DT.timestamp()
ORG_ID = "5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01"
INSTAGRAM_EPOCH_MS = 1314220021721


def tiktok_post(created: float, n: int = 1, username: str | None = None) -> ResolvedPost:
    """A TikTok post published at ``created`` (whole seconds); ``n`` tells posts apart."""
    item = (int(created) << 32) | (n & 0xFFFFFFFF)
    if username is None:
        return resolve("tiktok", str(item))
    return resolve("tiktok", f"https://www.tiktok.com/@{username}/video/{item}")


def instagram_post(created: float, n: int = 1) -> ResolvedPost:
    """An Instagram post published at ``created`` (whole milliseconds)."""
    pk = ((int(created * 1000) - INSTAGRAM_EPOCH_MS) << 23) | (n & 0x7FFFFF)
    return resolve("instagram", str(pk))


def find_post(
    generator: ContentGenerator,
    platform: str = "tiktok",
    created: float = NOW - 2 * HOUR,
    *,
    unavailable: bool = False,
    media_type: str | None = None,
    username: str | None = None,
    start: int = 1,
) -> ResolvedPost:
    """The first post (from ``start`` on) published at ``created`` whose content fits."""
    for n in range(start, start + 5000):
        if platform == "tiktok":
            post = tiktok_post(created, n, username)
        else:
            post = instagram_post(created, n)
        content = generator.content(post)
        if content.is_unavailable != unavailable:
            continue
        if media_type is not None and content.media_type != media_type:
            continue
        return post
    raise AssertionError("no such post among 5000")


def video(
    video_id: str | None = None,
    *,
    post: ResolvedPost | None = None,
    added_at: float = NOW,
    active: bool = True,
    interval_hours: int = 24,
    delay: float = 0.0,
    metadata: Mapping[str, str] | None = None,
    organization_id: str = ORG_ID,
) -> VideoState:
    """A freshly tracked video; ``video_id`` overrides the derived id (store tests)."""
    request: dict[str, Any] = {"is_active": active, "scrape_interval_hours": interval_hours}
    if metadata is not None:
        request["metadata"] = dict(metadata)
    post = post or tiktok_post(added_at - 30 * DAY)
    identifier = video_id or derived_id(organization_id, post.platform, post.external_id)
    return new_video(identifier, post, request, added_at, delay)


def write_yaml(path: Path, content: dict[str, Any] | list[Any] | str | bytes) -> Path:
    """Write ``content`` to ``path``: bytes and text as they are, anything else as YAML."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path
