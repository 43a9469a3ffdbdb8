"""The scenarios: what each one sends, its target, and the state it needs first.

Each mock scenario gets a fresh server, so one scenario's state (``post_new`` tracks tens
of thousands of videos) never weighs on another's numbers, and ``list_50`` always pages
through the same 10,000 videos.
"""

from __future__ import annotations

import http.client
import json
import statistics
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from harness.procs import HOST, Server, tree_rss_mib
from harness.seed import AUTH, SeedResult, seed_videos, track_one

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
AUTH_HEADER = "Authorization: " + AUTH["Authorization"]
# The one video the get/post-existing scenarios use (the contract's own TikTok example).
TRACKED = ("tiktok", "https://www.tiktok.com/@scout2015/video/6718335390845095173")
# Any well-formed id works for the 401: the key check comes before the lookup.
UNKNOWN_VIDEO = str(uuid.UUID(int=0x5EED_0000_0000_4000_8000_0000_0000_0001))


@dataclass(frozen=True)
class Scenario:
    name: str
    measures: str
    target_ratio: float | None  # minimum req/s as a share of the baseline's
    target_p99_ms: float | None = None

    @property
    def target(self) -> str:
        parts = [f">={self.target_ratio:.2f}"] if self.target_ratio is not None else []
        if self.target_p99_ms is not None:
            parts.append(f"p99<={self.target_p99_ms:g}ms")
        return ", ".join(parts)


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("post_new", "POST /v2/videos, a new post every request", 0.50, 10.0),
        Scenario("post_existing", "POST /v2/videos of an already tracked post (200)", None),
        Scenario("get_one", "GET /v2/videos/{id} of a tracked video", 0.60),
        Scenario("list_50", "GET /v2/videos?limit=50 over 10,000 tracked videos", 0.25),
        Scenario("unauthorized", "GET /v2/videos/{id} without a key (401)", 0.70),
    )
}


# The shared store's targets (issue 6), for its one-worker rows.
REDIS_TARGETS = {"post_new": 0.25}


@dataclass(frozen=True)
class Load:
    """What wrk sends: a path, headers, and optionally a Lua script with its arguments."""

    path: str
    headers: tuple[str, ...] = ()
    script: Path | None = None
    script_args: tuple[str, ...] = ()


class NotApplicable(Exception):
    """The scenario cannot be measured against this server; the message says why."""


@dataclass
class Memory:
    """The mock's start times and memory: idle per start, and around the seeding."""

    starts_s: list[float] = field(default_factory=list)
    idle_mib: list[float] = field(default_factory=list)
    seed_idle_mib: float | None = None  # the list_50 server's idle RSS, before seeding
    seed: SeedResult | None = None
    seeded_mib: float | None = None
    measured_100k_growth_mib: float | None = None
    notes: list[str] = field(default_factory=list)

    def record_start(self, server: Server) -> None:
        self.starts_s.append(server.start_seconds)
        if server.idle_rss_mib is not None:
            self.idle_mib.append(server.idle_rss_mib)

    @property
    def growth_mib(self) -> float | None:
        """RSS added by seeding ``seed.count`` videos."""
        if self.seed is None or self.seed_idle_mib is None or self.seeded_mib is None:
            return None
        return self.seeded_mib - self.seed_idle_mib

    @property
    def extrapolated_100k_mib(self) -> float | None:
        """RSS growth for 100,000 videos: the first checkpoint's jump, then its slope.

        The first requests also pay one-off costs (lazy imports, caches, arena growth),
        so scaling the whole growth by 100,000 / count would overstate the per-video cost;
        the slope between the first and the last checkpoint is the per-video part.
        """
        points = [(n, mib) for n, mib in self.seed.checkpoints if mib] if self.seed else []
        if self.seed_idle_mib is None or len(points) < 2:
            return None
        (n1, first), (n2, last) = points[0], points[-1]
        slope = (last - first) / (n2 - n1)
        return first - self.seed_idle_mib + slope * (100_000 - n1)

    def describe(self) -> list[str]:
        lines = []
        if self.idle_mib:
            idle = statistics.median(self.idle_mib)
            lines.append(
                f"- idle RSS after start, before load: median {idle:.1f} MiB over "
                f"{len(self.idle_mib)} mock starts (max {max(self.idle_mib):.1f})"
            )
        if self.seed is not None and self.growth_mib is not None:
            seed, growth = self.seed, self.growth_mib
            rate = seed.count / seed.seconds if seed.seconds else 0.0
            lines.append(
                f"- seeding {seed.count:,} videos (16 concurrent POSTs): {seed.seconds:.1f} s "
                f"({rate:.0f}/s), statuses {dict(sorted(seed.statuses.items()))}"
            )
            points = ", ".join(f"{n:,}: {mib:.1f}" for n, mib in seed.checkpoints if mib)
            lines.append(
                f"- RSS {self.seed_idle_mib:.1f} MiB before, {self.seeded_mib:.1f} MiB after: "
                f"+{growth:.1f} MiB, {growth * 1024 / seed.count:.2f} KiB per video "
                f"(RSS MiB after {points})"
            )
            if self.extrapolated_100k_mib is not None:
                lines.append(
                    f"- extrapolated to 100,000 videos (first checkpoint + slope to the last): "
                    f"+{self.extrapolated_100k_mib:.0f} MiB"
                )
        lines += [f"- {note}" for note in self.notes]
        return lines or ["- not measured (list_50 not run)"]


def fetch(port: int, path: str, with_key: bool = True) -> tuple[int, object]:
    """One GET: (status, the JSON body or None)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10.0)
    try:
        conn.request("GET", path, headers=AUTH if with_key else {})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, None


def _tracked_video_id(server: Server) -> str:
    status, body = track_one(server.port, *TRACKED)
    if status not in (200, 201):
        raise NotApplicable(f"tracking the sample video answered {status}")
    return str(body["data"]["id"])


# A new post on every request; also the load of post_new's floor (bench/baseline.py --floor).
POST_NEW = Load("/v2/videos", script=SCRIPTS / "post_new.lua", script_args=("0",))


def prepare(name: str, server: Server, seed_count: int, memory: Memory) -> Load:
    """Bring a fresh mock into the state ``name`` needs; the load to send then."""
    if name == "unauthorized":
        path = f"/v2/videos/{UNKNOWN_VIDEO}"
        status, _ = fetch(server.port, path, with_key=False)
        if status != 401:
            raise NotApplicable(f"expected 401 without a key, got {status}")
        return Load(path)
    if name == "get_one":
        return Load(f"/v2/videos/{_tracked_video_id(server)}", (AUTH_HEADER,))
    if name == "post_existing":
        _tracked_video_id(server)
        script_args = (TRACKED[1], TRACKED[0])
        return Load("/v2/videos", script=SCRIPTS / "post_existing.lua", script_args=script_args)
    if name == "post_new":
        return POST_NEW
    if name == "list_50":
        return _prepare_list(server, seed_count, memory)
    raise ValueError(f"unknown scenario {name}")


def _prepare_list(server: Server, seed_count: int, memory: Memory) -> Load:
    memory.seed_idle_mib = tree_rss_mib(server.pid)
    memory.seed = seed_videos(
        server.url(),
        seed_count,
        measure=lambda: tree_rss_mib(server.pid),
        checkpoint_every=max(1, seed_count // 10),
    )
    memory.seeded_mib = tree_rss_mib(server.pid)
    path = "/v2/videos?limit=50"
    status, body = fetch(server.port, path)
    if status in (404, 405):
        raise NotApplicable("n/a (endpoint missing)")
    if status != 200:
        raise NotApplicable(f"n/a (GET {path} answered {status})")
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) != 50:
        count = len(items) if isinstance(items, list) else "no"
        memory.notes.append(f"GET {path} returned {count} items, not 50")
    return Load(path, (AUTH_HEADER,))
