"""Placeholder cover images the mock serves itself, so screens render offline.

``GET /_assets/covers/{platform}/{external_id}.svg`` (no key, outside ``/v2``): a 9:16
SVG whose colours and pattern follow from the post, the same bytes every time.
"""

from __future__ import annotations

import hashlib
import re

from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.responses import Outgoing, etag, matches

PREFIX = "/_assets/covers/"
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


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer ``GET {PREFIX}{platform}/{external_id}.svg``; anything else there is a 404."""
    path: str = scope["path"]
    platform, _, name = path.removeprefix(PREFIX).partition("/")
    if platform not in _LABELS or not _NAME.fullmatch(name) or scope["method"] != "GET":
        problem = Problem(404, f"There is no cover image at {path}.")
        body = problem_body(problem, path, scope["state"]["request_id"])
        await Outgoing(body, 404, media_type=PROBLEM_JSON)(scope, receive, send)
        return
    body = render(platform, name.removesuffix(".svg"))
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": "public, max-age=86400"}
    if_none_match = Headers(scope=scope).get("if-none-match")
    if if_none_match and matches(if_none_match, tag):
        await Outgoing(b"", 304, headers)(scope, receive, send)
        return
    await Outgoing(body, 200, headers, "image/svg+xml")(scope, receive, send)
