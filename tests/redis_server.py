"""A real ``redis-server`` for the tests, on a free loopback port (not a test module).

No fake: the Redis store is tested against the server it runs on in production. When
it is missing, it is installed from Debian's package as the benchmark installs wrk (as
root with apt-get), so the README's one test command works on a fresh machine;
elsewhere the failure says how to install it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from bench.harness.packages import PackageUnavailable, ensure_command

START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; ``stop`` and ``start`` again keep the port (and, with
    ``durable``, the data: an append-only file in ``folder``)."""

    def __init__(self, folder: Path, *, durable: bool = False) -> None:
        try:
            binary = ensure_command("redis-server", "redis-server")
        except PackageUnavailable as exc:
            pytest.fail(f"the Redis store is tested against a real redis-server: {exc}")
        self.binary = binary
        self.folder = folder
        self.durable = durable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # Durable: every write in the append-only file before Redis answers it, so a
        # restart keeps every acknowledged write.
        persistence = ["yes", "--appendfsync", "always"] if self.durable else ["no"]
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                *persistence,
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / f"redis-{self.port}.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        """Bounded polling until PING answers (and any data is loaded)."""
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while True:
                assert self.process is not None
                if self.process.poll() is not None:
                    pytest.fail(f"redis-server exited with {self.process.returncode}: {self.log()}")
                try:
                    if client.ping():
                        return
                except redis.exceptions.RedisError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not answer within {START_TIMEOUT} s")
                time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        """Stop the server and wait for it (its data stays on disk when durable)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server flushes and exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        found = self.folder / f"redis-{self.port}.log"
        return found.read_text(errors="replace")[-2000:] if found.exists() else ""

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)


@contextmanager
def running_redis(folder: Path, *, durable: bool = False) -> Iterator[RedisServer]:
    """A started server, stopped on the way out whatever happens."""
    server = RedisServer(folder, durable=durable)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def delete_prefix(server: RedisServer, prefix: str) -> None:
    """Delete every key under ``prefix:`` (SCAN + DEL), as the mock's own reset does."""
    with server.client() as client:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
