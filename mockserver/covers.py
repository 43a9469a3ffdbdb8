"""Placeholder cover images the mock serves itself, so screens render offline.

``GET /_assets/covers/{platform}/{external_id}.svg`` (no key, outside ``/v2``): a 9:16
SVG whose colours and pattern follow from the post, the same bytes every time.
"""

from __future__ import annotations

import hashlib
import re

from starlette.requests import Request
from starlette.responses import Response

from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.responses import etag, matches

ROUTE = "/_assets/covers/{platform}/{name}"
_NAME = re.compile(r"[1-9][0-9]{0,18}\.svg")
_LABELS = {"instagram": "Instagram", "tiktok": "TikTok"}


def render(platform: str, external_id: str) -> bytes:
    """The SVG of one post's cover."""
    digest = hashlib.blake2b(f"{platform}:{external_id}".encode(), digest_size=8).digest()
    hue = digest[0] * 360 // 256
    hue2 = (hue + 40 + digest[1] % 80) % 360
    cx, cy, r = 100 + digest[2] % 340, 150 + digest[3] * 3, 120 + digest[4] % 160
    label = _LABELS[platform]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="540" height="960" viewBox="0 0 540 960">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},70%,55%)"/>'
        f'<stop offset="1" stop-color="hsl({hue2},75%,35%)"/>'
        "</linearGradient></defs>"
        '<rect width="540" height="960" fill="url(#g)"/>'
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="hsl({hue2},80%,75%)" opacity="0.35"/>'
        '<polygon points="230,430 230,530 320,480" fill="#fff" opacity="0.85"/>'
        '<text x="270" y="880" font-family="system-ui,sans-serif" font-size="30" '
        f'fill="#fff" text-anchor="middle" opacity="0.9">{label} · {external_id[-6:]}</text>'
        "</svg>"
    ).encode()


async def endpoint(request: Request) -> Response:
    platform = request.path_params["platform"]
    name = request.path_params["name"]
    if platform not in _LABELS or not _NAME.fullmatch(name):
        problem = Problem(404, f"There is no cover image at {request.url.path}.")
        body = problem_body(problem, request.url.path, request.state.request_id)
        return Response(body, 404, media_type=PROBLEM_JSON)
    body = render(platform, name.removesuffix(".svg"))
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": "public, max-age=86400"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="image/svg+xml")
