"""Find (or install) wrk, run it for a bounded time, and parse its ``--latency`` report."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Relative, unlike its siblings: bench/run.py imports this module as ``harness.wrk`` and the
# tests (tests/test_bench_slices.py) as ``bench.harness.wrk``.
from .packages import PackageUnavailable, can_install, ensure_command


class WrkUnavailable(PackageUnavailable):
    """wrk is missing and cannot be installed here."""


def can_install_wrk() -> bool:
    """Whether :func:`ensure_wrk` could install wrk: Debian's apt-get, as root."""
    return can_install()


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's ``wrk`` package first when it is missing."""
    try:
        return ensure_command("wrk", "wrk")
    except PackageUnavailable as exc:
        raise WrkUnavailable(str(exc)) from None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int
    output: str
    # wrk's own run time ("N requests in 2.00s"), printed to 0.01 s only; 0.0 if unknown.
    seconds: float = 0.0


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET = re.compile(
    r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)


def parse(output: str) -> WrkResult:
    """The numbers of one ``wrk --latency`` report (absent counters are zero)."""
    rps, total = _RPS.search(output), _TOTAL.search(output)
    percentiles = {m[1]: float(m[2]) * _UNIT_MS[m[3]] for m in _PERCENTILE.finditer(output)}
    if rps is None or total is None or set(percentiles) != {"50", "99"}:
        raise ValueError(f"unexpected wrk output:\n{output}")
    non_2xx, socket_errors = _NON_2XX.search(output), _SOCKET.search(output)
    return WrkResult(
        requests=int(total[1]),
        requests_per_s=float(rps[1]),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        output=output,
        seconds=float(total[2]) * _UNIT_MS[total[3]] / 1000.0,
    )


def run_wrk(
    wrk: str,
    url: str,
    duration: int,
    connections: int,
    threads: int = 2,
    script: Path | None = None,
    script_args: Sequence[str] = (),
    headers: Sequence[str] = (),
) -> WrkResult:
    """Drive ``url`` for ``duration`` seconds; the subprocess is killed if it overruns."""
    argv = [
        wrk,
        "--latency",
        f"--threads={min(threads, connections)}",  # wrk needs connections >= threads
        f"--connections={connections}",
        f"--duration={duration}s",
    ]
    for header in headers:
        argv += ["--header", header]
    if script is not None:
        argv += ["--script", str(script)]
    argv.append(url)
    if script_args:
        argv += ["--", *script_args]
    # wrk stops itself after --duration; the margin covers connection set-up and the
    # report, and the timeout (which kills it) keeps a wedged run bounded.
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
