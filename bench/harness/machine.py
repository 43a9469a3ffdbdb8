"""The facts of the machine a table was measured on, printed with every report."""

from __future__ import annotations

import importlib.util
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def uvicorn_flavour() -> str:
    """What uvicorn's ``loop="auto"``/``http="auto"`` resolve to in this environment."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn {metadata.version('uvicorn')} (loop {loop}, http {http})"


def wrk_version(wrk: str) -> str:
    # wrk has no --version: -v prints its version line (and usage) and exits non-zero.
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews every row."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except (OSError, IndexError):
        return "?"


def machine_facts(wrk: str) -> str:
    cpus = len(os.sched_getaffinity(0))
    return (
        f"{cpus} CPUs (nproc), {cpu_model()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {uvicorn_flavour()}, {wrk_version(wrk)}"
    )
