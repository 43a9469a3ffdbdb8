"""Track videos through the API before a scenario: one, or thousands concurrently.

Seeding goes through the public API (not the store) so that the memory measured after
it is what real clients would cause. The identifiers come from a block of ids that the
load scripts never use, so seeded videos and ``post_new``'s never collide.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from harness.procs import HOST

AUTH = {"Authorization": "Bearer ca_test_full"}
TIKTOK_SEED_BASE = 7_100_000_000_000_000_000  # post_new.lua uses 7.3e18 and up
INSTAGRAM_SEED_BASE = 2_900_000_000_000_000_000  # post_new.lua uses 3.1e18 and up
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def http_client_module() -> ModuleType:
    """httpx2 (the project's test dependency) if importable, else httpx."""
    for name in ("httpx2", "httpx"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise RuntimeError(
        "seeding needs httpx2 or httpx: install the test extras, "
        "e.g. `.venv/bin/pip install -q '.[test]'`"
    )


def shortcode(pk: int) -> str:
    """Instagram's shortcode of a media pk: big-endian base 64, URL-safe alphabet."""
    chars = []
    while pk:
        pk, digit = divmod(pk, 64)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def seed_identifier(n: int) -> tuple[str, str]:
    """The n-th seeded post as (platform, identifier), rotating the URL forms."""
    form = n % 4
    if form == 0:
        return "tiktok", f"https://www.tiktok.com/@seed{n}/video/{TIKTOK_SEED_BASE + n}"
    if form == 1:
        return "tiktok", str(TIKTOK_SEED_BASE + n)
    if form == 2:
        return "instagram", str(INSTAGRAM_SEED_BASE + n)
    return "instagram", f"https://www.instagram.com/p/{shortcode(INSTAGRAM_SEED_BASE + n)}/"


def track_one(port: int, platform: str, identifier: str) -> tuple[int, dict[str, Any]]:
    """POST one video with the standard library (no client needed); (status, JSON body)."""
    body = json.dumps({"platform": platform, "identifier": identifier})
    conn = http.client.HTTPConnection(HOST, port, timeout=10.0)
    try:
        conn.request("POST", "/v2/videos", body, {**AUTH, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


@dataclass(frozen=True)
class SeedResult:
    count: int
    seconds: float
    statuses: Counter[int]
    checkpoints: list[tuple[int, float | None]]  # (videos tracked, server RSS MiB then)


async def _seed(
    base_url: str,
    count: int,
    concurrency: int,
    checkpoint_every: int,
    measure: Callable[[], float | None],
) -> SeedResult:
    httpx: Any = http_client_module()
    statuses: Counter[int] = Counter()
    checkpoints: list[tuple[int, float | None]] = []
    next_n = 0
    done = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, headers=AUTH, limits=limits) as client:

        async def worker() -> None:
            nonlocal next_n, done
            # Workers share one counter: on one event loop the read-and-increment cannot
            # interleave, so every n is posted exactly once.
            while next_n < count:
                n, next_n = next_n, next_n + 1
                platform, identifier = seed_identifier(n)
                response = await client.post(
                    "/v2/videos", json={"platform": platform, "identifier": identifier}
                )
                statuses[response.status_code] += 1
                done += 1
                if done % checkpoint_every == 0:
                    checkpoints.append((done, measure()))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return SeedResult(count, time.perf_counter() - started, statuses, checkpoints)


def seed_videos(
    base_url: str,
    count: int,
    measure: Callable[[], float | None],
    concurrency: int = 16,
    checkpoint_every: int = 10_000,
    timeout: float = 900.0,
) -> SeedResult:
    """Track ``count`` distinct videos with ``concurrency`` requests in flight."""
    coroutine = _seed(base_url, count, concurrency, checkpoint_every, measure)
    return asyncio.run(asyncio.wait_for(coroutine, timeout))
