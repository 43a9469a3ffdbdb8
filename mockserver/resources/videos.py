"""The videos resource: track a video (POST /videos) and read it back.

A video's id is a UUIDv5 of (organization, platform, external_id), so every URL form of
one post lands on one record, and ids repeat across restarts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from mockserver.clock import rfc3339
from mockserver.context import Call, Handler, Services
from mockserver.identifiers import IdentifierError, ResolvedPost, resolve
from mockserver.problems import Problem, validation_problem
from mockserver.responses import Reply
from mockserver.store import QuotaExceeded
from mockserver.validation import Explainer


def video_id(organization_id: str, platform: str, external_id: str) -> str:
    """The deterministic id of a post tracked by an organization."""
    return str(uuid.uuid5(uuid.UUID(organization_id), f"{platform}:{external_id}"))


def cover_url(services: Services, platform: str, external_id: str) -> str:
    """The placeholder cover the mock serves itself (no key, works offline)."""
    return f"{services.settings.base_url}/_assets/covers/{platform}/{external_id}.svg"


def build_video(
    services: Services,
    organization_id: str,
    post: ResolvedPost,
    request: Mapping[str, Any],
    now: float,
) -> dict[str, Any]:
    """A new VideoResponse, refreshed once at ``now`` when active (CONTRACT 7.2)."""
    added_at = rfc3339(now)
    identifier = video_id(organization_id, post.platform, post.external_id)
    # Publication can never follow tracking: ids of the future (or a clock set in the
    # past) are clamped to the tracking time.
    created = min(post.created_at.timestamp(), now)
    active = request.get("is_active", True)
    video: dict[str, Any] = {
        "id": identifier,
        "external_id": post.external_id,
        "type": "video",
        "platform": post.platform,
        "shortcode": post.shortcode,
        "is_active": active,
        "scrape_interval_hours": int(request.get("scrape_interval_hours", 24)),
        "metadata": dict(request.get("metadata") or {}),
        "added_at": added_at,
        "updated_at": added_at,
        "first_scrape_time": None,
        "last_scrape_time": None,
        "description": None,
        "create_time": rfc3339(created),
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
        "account_username": post.username,
        "platform_account_id": None,
        "platform_data": {},
    }
    if active:
        _refresh(services, video, post, now - created, added_at)
    return video


def _refresh(
    services: Services, video: dict[str, Any], post: ResolvedPost, age: float, at: str
) -> None:
    """Apply one simulated scrape: content and counts as the platform shows them."""
    content = services.generator.content(post)
    metrics = services.generator.metrics(post, content, age)
    video["first_scrape_time"] = video["first_scrape_time"] or at
    video["last_scrape_time"] = at
    video["is_unavailable"] = content.is_unavailable
    video["description"] = content.description
    video["media_type"] = content.media_type
    video["duration"] = content.duration
    video["cover_image_url_original"] = content.cover_image_url_original
    video["video_url_original"] = content.video_url_original
    if not content.is_unavailable:
        video["cover_image_url"] = cover_url(services, post.platform, post.external_id)
        if content.video_url_original is not None:
            video["video_url"] = (
                f"https://media.creatoraudit.com/videos/{post.platform}/{post.external_id}.mp4"
            )
    video["account_username"] = content.account_username
    video["platform_account_id"] = content.platform_account_id
    video["platform_data"] = content.platform_data
    video.update(
        view_count=metrics.view_count,
        like_count=metrics.like_count,
        comment_count=metrics.comment_count,
        share_count=metrics.share_count,
        play_count=metrics.play_count,
        saved_count=metrics.saved_count,
        total_views=metrics.total_views,
        total_plays=metrics.total_plays,
    )


async def track_video(call: Call) -> Reply:
    """POST /videos: 201 + Location for a new video, 200 with the record if tracked."""
    assert call.key is not None
    services = call.services
    organization = call.key.organization
    try:
        post = resolve(call.body["platform"], call.body["identifier"])
    except IdentifierError as exc:
        # The schema already admits only resolvable identifiers; this guards the rule
        # should the two ever drift apart.
        raise validation_problem([{"field": "identifier", "message": exc.message}]) from None
    identifier = video_id(organization.id, post.platform, post.external_id)
    existing = await services.store.get_video(organization.id, identifier)
    if existing is not None:
        return Reply(200, {"data": existing})
    video = build_video(services, organization.id, post, call.body, services.clock.now())
    try:
        stored, created = await services.store.insert_video(
            organization.id, video, organization.video_quota
        )
    except QuotaExceeded as exc:
        raise Problem(
            403,
            f"{organization.name} tracks {exc.quota} videos, its quota; untrack one first.",
            code="QUOTA_EXCEEDED",
        ) from None
    if not created:
        return Reply(200, {"data": stored})
    location = f"{services.spec.base_path}/videos/{identifier}"
    return Reply(201, {"data": stored}, headers={"Location": location})


async def get_video(call: Call) -> Reply:
    """GET /videos/{video_id}: the organization's video, or 404 (never 403)."""
    assert call.key is not None
    wanted = call.params["video_id"].lower()
    video = await call.services.store.get_video(call.key.organization.id, wanted)
    if video is None:
        raise Problem(404, f"No video with id {wanted} is tracked by this organization.")
    return Reply(200, {"data": video})


def explain_identifier(body: Mapping[str, Any], field: str) -> str | None:
    """Why an identifier was refused, in the resolver's words."""
    platform, identifier = body.get("platform"), body.get(field)
    if platform not in ("instagram", "tiktok") or not isinstance(identifier, str):
        return None
    try:
        resolve(platform, identifier)
    except IdentifierError as exc:
        return exc.message
    return None


HANDLERS: dict[str, Handler] = {"trackVideo": track_video, "getVideo": get_video}
EXPLAINERS: dict[str, Explainer] = {"identifier": explain_identifier}
