"""A private redis-server for the Redis rows: a free loopback port, no persistence.

Each Redis row gets its own key prefix on it (``--store-prefix``), so one row's videos
never weigh on another's. The server is Debian's ``redis-server``; without it the Redis
rows are left out with a note (``apt-get install redis-server``).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from harness.packages import PackageUnavailable, ensure_command
from harness.procs import HOST, free_port

START_TIMEOUT = 10.0


class RedisUnavailable(RuntimeError):
    """redis-server is not installed or did not start."""


def _pong(port: int) -> bool:
    """Whether a raw PING on ``port`` answers +PONG (no client library needed)."""
    try:
        with socket.create_connection((HOST, port), timeout=1.0) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server, yield its URL, stop it (and forget its data) on the way out."""
    try:
        binary = ensure_command("redis-server", "redis-server")
    except PackageUnavailable as exc:
        raise RedisUnavailable(str(exc)) from None
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    argv = [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*argv, "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _pong(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RedisUnavailable(f"redis-server did not answer on port {port}")
            time.sleep(0.01)
        yield f"redis://{HOST}:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
