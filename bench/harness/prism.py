"""Stoplight Prism, the reference point: a generic mock built from the same openapi.yaml.

Prism answers from the document's examples (static) or generated data (``-d``); it
checks only that *some* credential is present, so its 401 row measures a header check,
not a key lookup. It serves the document's paths without the server URL's ``/v2``
prefix, so its paths are the mock's minus ``/v2``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from harness.procs import HOST

PACKAGE = "@stoplight/prism-cli@5"
INSTALL_TIMEOUT = 300  # first use downloads Prism into npx's cache
START_TIMEOUT = 60.0
HEALTH_PATH = "/health"
PREFIX = ""  # Prism ignores the servers' base path


def unavailable_reason() -> str | None:
    """Why Prism cannot run here, or None when node and npx are on PATH."""
    missing = [tool for tool in ("node", "npx") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found" if missing else None


def warm_cache(cwd: Path) -> str | None:
    """Download Prism once, so its start time is a start and not a download; error or None."""
    try:
        done = subprocess.run(
            ["npx", "--yes", PACKAGE, "--version"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return f"`npx {PACKAGE}` was not installed within {INSTALL_TIMEOUT} s"
    if done.returncode != 0:
        return f"`npx {PACKAGE} --version` failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return None


def argv(port: int, dynamic: bool, document: Path) -> list[str]:
    """Prism's mock command; ``-v warn`` so that, like the mock at ``--log-level warning``,
    it does not write several log lines per request (that would measure its logger)."""
    command = ["npx", "--yes", PACKAGE, "mock", "-p", str(port), "-h", HOST, "-v", "warn"]
    return [*command, *(["-d"] if dynamic else []), str(document)]
