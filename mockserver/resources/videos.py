"""The videos resource: track, read, list, update, untrack.

A video's id is a UUIDv5 of (organization, platform, external_id), so every URL form of
one post lands on one record, and ids repeat across restarts. What a video shows is
rendered from its state at the request's time (:mod:`mockserver.simulation`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from mockserver.context import Call, Handler
from mockserver.identifiers import IdentifierError, ResolvedPost, resolve
from mockserver.listing import ListQuery, indexed, page_from_index, paginate
from mockserver.problems import Problem, validation_problem
from mockserver.responses import Reply
from mockserver.simulation import VideoState, new_schedule, next_version, reschedule
from mockserver.store import QuotaExceeded
from mockserver.validation import Explainer


def video_id(organization_id: str, platform: str, external_id: str) -> str:
    """The deterministic id of a post tracked by an organization: a UUIDv5."""
    digest = hashlib.sha1(_namespace(organization_id) + f"{platform}:{external_id}".encode())
    # uuid.UUID(bytes=..., version=5) then str(): the same text, formatted without
    # building a UUID object (~1.5 µs of every track).
    value = int.from_bytes(digest.digest()[:16]) & _CLEAR_VERSION | _SET_VERSION_5
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# RFC 4122: version 5 in bits 76-79, the variant 10 in bits 62-63.
_CLEAR_VERSION = ~((0xF000 << 64) | (0xC000 << 48))
_SET_VERSION_5 = (5 << 76) | (0x8000 << 48)


@lru_cache(maxsize=1024)
def _namespace(organization_id: str) -> bytes:
    return uuid.UUID(organization_id).bytes


def new_video(
    identifier: str,
    post: ResolvedPost,
    request: Mapping[str, Any],
    added_at: float,
    first_refresh_delay: float,
) -> VideoState:
    """The state of a newly tracked video (CONTRACT 7.1 defaults applied)."""
    active = bool(request.get("is_active", True))
    interval = int(request.get("scrape_interval_hours", 24))
    return VideoState(
        id=identifier,
        post=post,
        # Publication can never follow tracking: ids of the future are clamped.
        created_at=min(post.created_at.timestamp(), added_at),
        added_at=added_at,
        updated_at=added_at,
        is_active=active,
        scrape_interval_hours=interval,
        metadata=dict(request.get("metadata") or {}),
        schedule=(new_schedule(added_at, active, interval, first_refresh_delay),),
        version=next_version(),
    )


async def track_video(call: Call) -> Reply:
    """POST /videos: 201 + Location for a new video, 200 with the record if tracked."""
    services, organization = call.services, _organization(call)
    try:
        post = resolve(call.body["platform"], call.body["identifier"])
    except IdentifierError as exc:
        # The schema already admits only resolvable identifiers; this guards the rule
        # should the two ever drift apart.
        raise validation_problem([{"field": "identifier", "message": exc.message}]) from None
    now = call.clock.now()
    identifier = video_id(organization.id, post.platform, post.external_id)
    existing = await call.store.get_video(organization.id, identifier)
    if existing is None:
        delay = services.settings.first_refresh_delay
        video = new_video(identifier, post, call.body, now, delay)
        try:
            existing, created = await call.store.insert_video(
                organization.id, video, organization.video_quota
            )
        except QuotaExceeded as exc:
            raise Problem(
                403,
                f"{organization.name} tracks {exc.quota} videos, its quota; untrack one first.",
                code="QUOTA_EXCEEDED",
            ) from None
        if created:
            location = f"{services.spec.base_path}/videos/{identifier}"
            # Rendered once for its 201: its content is not worth a place in the cache.
            body = {"data": services.simulator.render(existing, now, keep=False)}
            return Reply(201, body, headers={"Location": location})
    return Reply(200, {"data": services.simulator.render(existing, now)})


async def get_video(call: Call) -> Reply:
    """GET /videos/{video_id}: the organization's video, or 404 (never 403)."""
    video = await _find(call)
    body, tag = call.services.simulator.render_body(video, call.clock.now())
    return Reply(200, body, headers={"ETag": tag})


async def update_video(call: Call) -> Reply:
    """PATCH /videos/{video_id}: change activity, interval and/or tags."""
    services = call.services
    video = await _find(call)
    now = call.clock.now()
    changes: Mapping[str, Any] = call.body
    active = changes.get("is_active", video.is_active)
    interval = int(changes.get("scrape_interval_hours", video.scrape_interval_hours))
    if active != video.is_active or interval != video.scrape_interval_hours:
        reschedule(video, now, active, interval)
    if "metadata" in changes:
        video.metadata = dict(changes["metadata"])
    video.updated_at = now
    video.version = next_version()
    if not await call.store.save_video(_organization(call).id, video):
        raise _not_found(video.id)  # untracked meanwhile
    return Reply(200, {"data": services.simulator.render(video, now)})


async def untrack_video(call: Call) -> Reply:
    """DELETE /videos/{video_id}: 204; afterwards the id is a 404."""
    wanted = call.params["video_id"].lower()
    if not await call.store.delete_video(_organization(call).id, wanted):
        raise _not_found(wanted)
    return Reply(204)


async def list_videos(call: Call) -> Reply:
    """GET /videos: a page of the organization's videos, with Link and cursor."""
    services, organization = call.services, _organization(call)
    params = call.params
    query = ListQuery.from_params(params)
    limit: int = params["limit"]
    after = None
    as_of = call.clock.now()
    if "cursor" in params:
        as_of, after = services.cursors.decode(params["cursor"], organization.id, query)
    include_total: bool = params["include_total"]
    if indexed(query):
        page = await page_from_index(
            call.store, organization.id, query, as_of, after, limit, include_total
        )
    else:
        videos = await call.store.list_videos(organization.id)
        page = paginate(videos, query, services.simulator, as_of, after, limit, include_total)
    next_cursor = None
    if page.next_key is not None:
        next_cursor = services.cursors.encode(organization.id, query, as_of, page.next_key)
    pagination: dict[str, Any] = {
        "next_cursor": next_cursor,
        "has_next": next_cursor is not None,
        "limit": limit,
    }
    if page.total is not None:
        pagination["total_count"] = page.total
    body = {
        "data": [services.simulator.render_json(v, as_of) for v in page.items],
        "pagination": pagination,
        "filters": query.echo(params.get("q")),
    }
    return Reply(200, body, headers={"Link": _links(call, query, limit, next_cursor)})


def _links(call: Call, query: ListQuery, limit: int, next_cursor: str | None) -> str:
    services = call.services
    base = f"{services.settings.base_url}{services.spec.base_path}/videos"
    params: dict[str, Any] = {"limit": limit}
    for name, value in query.echo(call.params.get("q")).items():
        params[name] = str(value).lower() if isinstance(value, bool) else value
    if call.params["include_total"]:
        params["include_total"] = "true"
    links = [f'<{base}?{urlencode(params)}>; rel="first"']
    if next_cursor is not None:
        links.append(f'<{base}?{urlencode({**params, "cursor": next_cursor})}>; rel="next"')
    return ", ".join(links)


async def _find(call: Call) -> VideoState:
    wanted = call.params["video_id"].lower()
    video = await call.store.get_video(_organization(call).id, wanted)
    if video is None:
        raise _not_found(wanted)
    return video


def _not_found(video_id: str) -> Problem:
    return Problem(404, f"No video with id {video_id} is tracked by this organization.")


def _organization(call: Call) -> Any:
    assert call.key is not None  # every videos operation needs a key
    return call.key.organization


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


HANDLERS: dict[str, Handler] = {
    "trackVideo": track_video,
    "getVideo": get_video,
    "listVideos": list_videos,
    "updateVideo": update_video,
    "untrackVideo": untrack_video,
}
EXPLAINERS: dict[str, Explainer] = {"identifier": explain_identifier}
