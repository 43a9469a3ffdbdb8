"""Server processes: start on a free loopback port, time the start, sample memory, stop.

Every server runs in its own session (process group), so stopping it reaches the whole
tree: ``npx`` -> ``sh`` -> ``node`` for Prism, the Python process for the others. The
:class:`Fleet` remembers everything it started and stops it all on the way out, whether
the run ended, failed or was interrupted.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

HOST = "127.0.0.1"  # loopback only: the harness never targets another address
POLL_SECONDS = 0.01  # readiness polling step: the start time's resolution


class StartError(RuntimeError):
    """A server exited or did not answer its health check in time."""


def free_port() -> int:
    """A port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_status(port: int, path: str, headers: Mapping[str, str] | None = None) -> int | None:
    """The status of one GET, or None when nothing answers (yet)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=1.0)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


@dataclass
class Server:
    """One started server process and what was measured about its start."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    start_seconds: float = 0.0
    idle_rss_mib: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str = "") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def log_tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""


@dataclass
class Fleet:
    """Starts servers one at a time and guarantees they are all stopped at the end."""

    cwd: Path
    servers: list[Server] = field(default_factory=list)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-")))

    def start(
        self,
        name: str,
        argv: Sequence[str],
        port: int,
        health_path: str,
        timeout: float,
    ) -> Server:
        """Spawn ``argv`` and poll ``health_path`` until 200; the time between is the start."""
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            spawned = time.perf_counter()
            process = subprocess.Popen(
                list(argv),
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one signal stops the tree
            )
        server = Server(name, port, process, log_path)
        self.servers.append(server)
        deadline = spawned + timeout
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise StartError(
                    f"{name} exited with code {process.returncode}:\n{server.log_tail()}"
                )
            if http_status(port, health_path) == 200:
                server.start_seconds = time.perf_counter() - spawned
                server.idle_rss_mib = tree_rss_mib(server.pid)
                return server
            time.sleep(POLL_SECONDS)
        self.stop(server)
        raise StartError(f"{name} did not answer GET {health_path} within {timeout:.0f} s")

    def stop(self, server: Server, grace: float = 5.0) -> None:
        """SIGTERM to the group, SIGKILL after ``grace`` seconds; idempotent."""
        process = server.process
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=grace)
        # Children of a wrapper (npx's node) may outlive it: sweep the group either way.
        _signal_group(process.pid, signal.SIGKILL)
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in list(self.servers):
            self.stop(server)

    def __enter__(self) -> Fleet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_all()
        # The logs only matter while a server runs (a failed start quotes their tail).
        shutil.rmtree(self.log_dir, ignore_errors=True)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


# --- memory -------------------------------------------------------------------------------


def _status_kib(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    """Direct children, from /proc/<pid>/task/*/children (needs no full /proc scan)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError):
                found += [
                    int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                ]
    return found


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue += _children(current)
    return pids


def tree_rss_mib(pid: int) -> float | None:
    """Resident memory of the process tree now, in MiB (one process for the Python servers)."""
    sizes = [_status_kib(p, "VmRSS") for p in tree_pids(pid)]
    known = [s for s in sizes if s is not None]
    return sum(known) / 1024 if known else None


def reset_peak(pid: int) -> bool:
    """Reset the kernel's VmHWM of ``pid`` (``5`` > clear_refs, Linux >= 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib(pid: int) -> float | None:
    kib = _status_kib(pid, "VmHWM")
    return kib / 1024 if kib is not None else None


@contextlib.contextmanager
def sample_peak_rss(pid: int, interval: float = 0.05) -> Iterator[list[float]]:
    """Poll the tree's RSS while the block runs; the list holds the peak (MiB) afterwards.

    Polling catches a multi-process tree (Prism); for one process the kernel's VmHWM,
    reset just before, is exact and also covers spikes between two polls.
    """
    peak: list[float] = [0.0]
    stop = threading.Event()
    hwm_reset = reset_peak(pid)

    def poll() -> None:
        while not stop.is_set():
            current = tree_rss_mib(pid)
            if current is not None:
                peak[0] = max(peak[0], current)
            stop.wait(interval)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        yield peak
    finally:
        stop.set()
        poller.join()
        hwm = peak_mib(pid) if hwm_reset else None
        if hwm is not None:
            peak[0] = max(peak[0], hwm)
