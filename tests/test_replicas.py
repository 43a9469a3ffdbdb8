"""Several real ``mockserver serve`` processes on one Redis: one mock, whichever answers.

Two replicas share the session's redis-server under one key prefix; each test works in
a session (``X-Mock-Session``) of its own. Their clocks are frozen, so rate windows
and timestamps do not depend on when the test runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.redis_server import RedisServer, delete_prefix, free_port

SCRIPT = Path(sys.executable).with_name("mockserver")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mockserver"]
FROZEN = "2026-06-14T09:30:00Z"
FULL = {"Authorization": "Bearer ca_test_full"}
PREFIX = "replicas"
TIKTOK = "https://www.tiktok.com/@scout2015/video/6718335390845095173"


class Mock:
    """One ``mockserver serve`` process and its base URL."""

    def __init__(self, folder: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
        # A port of our own: the banner shows the public URL, not where it listens.
        port = free_port()
        self.base = f"http://127.0.0.1:{port}/v2"
        command = [*COMMAND, "serve", "--port", str(port), "--log-level", "warning", *args]
        self.process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        seen = ""
        # Bounded: the banner comes once the app is built, or the process ends.
        for line in self.process.stdout:
            seen += line
            if "listening on http" in line:
                return
        _, err = self.process.communicate(timeout=30)
        pytest.fail(f"the mock did not start: {seen}{err}")

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=10, **options)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode


def store_args(server: RedisServer, prefix: str = PREFIX) -> list[str]:
    # One public URL, as behind a load balancer: the covers' absolute URLs agree.
    return [
        *("--store", server.url, "--store-prefix", prefix),
        *("--freeze-time", FROZEN, "--public-url", "http://mock.test"),
    ]


@pytest.fixture(scope="module")
def replicas(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Mock, Mock]]:
    folder = tmp_path_factory.mktemp("replicas")
    started: list[Mock] = []
    try:
        for _ in range(2):
            started.append(Mock(folder, *store_args(redis_server)))
        yield started[0], started[1]
    finally:
        for mock in started:
            mock.stop()
        delete_prefix(redis_server, PREFIX)


def in_session(name: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    return {**FULL, **(headers or {}), "X-Mock-Session": name}


def together(count: int, request: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``request(n)`` for n in 0..count-1, each on its own thread, released at once."""
    barrier = threading.Barrier(count)
    responses: list[httpx.Response | None] = [None] * count

    def one(n: int) -> None:
        barrier.wait(timeout=30)
        responses[n] = request(n)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses)
    return [r for r in responses if r is not None]


def test_what_one_replica_writes_the_other_serves(replicas: tuple[Mock, Mock]) -> None:
    a, b = replicas
    headers = in_session("crud")
    with a.client() as one, b.client() as two:
        body = {"platform": "tiktok", "identifier": TIKTOK, "metadata": {"via": "a"}}
        created = one.post("/videos", json=body, headers=headers)
        assert created.status_code == 201
        video = created.json()["data"]
        path = f"/videos/{video['id']}"
        assert two.get(path, headers=headers).json()["data"] == video
        # the preloaded dataset was loaded once, whichever replica came first
        first = two.get("/videos?limit=50&include_total=true", headers=headers).json()
        assert first["pagination"]["total_count"] == 47
        assert first["data"][0]["id"] == video["id"]  # newest first
        walked: list[str] = []
        cursor: str | None = None
        for turn in range(20):
            page = (
                (one, two)[turn % 2]
                .get(
                    "/videos",
                    params={"limit": 5, **({"cursor": cursor} if cursor else {})},
                    headers=headers,
                )
                .json()
            )
            walked += [v["id"] for v in page["data"]]
            cursor = page["pagination"]["next_cursor"]
            if cursor is None:
                break
        assert len(walked) == len(set(walked)) == 47
        patched = two.patch(path, json={"metadata": {"via": "b"}}, headers=headers)
        assert patched.json()["data"]["metadata"] == {"via": "b"}
        assert one.get(path, headers=headers).json()["data"]["metadata"] == {"via": "b"}
        assert two.delete(path, headers=headers).status_code == 204
        assert one.get(path, headers=headers).status_code == 404
        assert one.get("/health").json() == {"status": "ok", "store": "redis"}


def test_one_post_tracked_through_both_at_once_is_one_video(replicas: tuple[Mock, Mock]) -> None:
    a, b = replicas
    headers = in_session("same-post")
    body = {"platform": "instagram", "identifier": "https://www.instagram.com/p/BqvsDleB3lV/"}

    def post(n: int) -> httpx.Response:
        with (a, b)[n % 2].client() as client:
            return client.post("/videos", json=body, headers=headers)

    responses = together(16, post)
    assert sorted(r.status_code for r in responses) == [200] * 15 + [201]
    assert len({r.json()["data"]["id"] for r in responses}) == 1


def test_one_idempotency_key_through_both_at_once_runs_once(replicas: tuple[Mock, Mock]) -> None:
    a, b = replicas
    headers = in_session("same-key", {"Idempotency-Key": "k-replicas"})
    body = {"platform": "tiktok", "identifier": "7301234567890123456"}

    def post(n: int) -> httpx.Response:
        with (a, b)[n % 2].client() as client:
            return client.post("/videos", json=body, headers=headers)

    responses = together(16, post)
    executed = [r for r in responses if "idempotency-replayed" not in r.headers]
    replayed = [r for r in responses if r.headers.get("idempotency-replayed") == "true"]
    assert [r.status_code for r in executed if r.status_code != 409] == [201]
    assert {r.status_code for r in replayed} <= {201}
    assert len(executed) + len(replayed) == 16
    with b.client() as client:
        listed = client.get("/videos?limit=200", headers=in_session("same-key")).json()["data"]
    assert sum(v["external_id"] == "7301234567890123456" for v in listed) == 1


def test_the_rate_limit_and_the_quota_count_every_replica(replicas: tuple[Mock, Mock]) -> None:
    a, b = replicas
    limited = {"Authorization": "Bearer ca_test_ratelimited", "X-Mock-Session": "limits"}
    with a.client() as one, b.client() as two:
        answers = [(one, two)[n % 2].get("/whoami", headers=limited) for n in range(7)]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 2
    assert [r.headers["x-ratelimit-remaining"] for r in answers] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
        "0",
    ]
    assert "retry-after" in answers[5].headers

    quota = {"Authorization": "Bearer ca_test_quota", "X-Mock-Session": "quota"}

    def post(n: int) -> httpx.Response:
        with (a, b)[n % 2].client() as client:
            body = {"platform": "tiktok", "identifier": str(7301234567890123000 + n)}
            return client.post("/videos", json=body, headers=quota)

    statuses = sorted(r.status_code for r in together(8, post))
    assert statuses == [201] * 3 + [403] * 5


def test_a_restarted_replica_finds_the_state_and_workers_share_it(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    prefix = "replicas-workers"
    headers = in_session("restart")
    first = Mock(tmp_path, *store_args(redis_server, prefix))
    try:
        with first.client() as client:
            body = {"platform": "tiktok", "identifier": TIKTOK}
            video = client.post("/videos", json=body, headers=headers).json()["data"]
    finally:
        assert first.stop() == 0
    workers = Mock(tmp_path, *store_args(redis_server, prefix), "--workers", "2")
    try:
        children = Path(f"/proc/{workers.process.pid}/task/{workers.process.pid}/children")
        # Every request on a connection of its own: the kernel spreads them over both.
        for _ in range(20):
            with workers.client() as client:
                found = client.get(f"/videos/{video['id']}", headers=headers)
                assert found.json()["data"] == video
        spawned = [
            Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children.read_text().split()
        ]
        # the workers (multiprocessing also starts a resource tracker)
        assert sum(b"spawn_main" in cmdline for cmdline in spawned) == 2
    finally:
        assert workers.stop() == 0
        delete_prefix(redis_server, prefix)


def test_several_workers_on_the_memory_store_refuse_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--workers", "2"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers='2': several workers need a shared store" in result.stderr
    assert result.stdout == ""
