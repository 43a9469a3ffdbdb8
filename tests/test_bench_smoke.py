"""Smoke test of the benchmark harness (bench/run.py): one short scenario, end to end.

It checks that the harness starts the baseline and the mock, drives them with wrk, stops
them and prints its table; it asserts no timings, which on a shared CI machine would be
noise. The harness installs wrk itself (Debian's package) when it is missing, so the test
is skipped only where that is impossible.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness.packages import can_install

ROOT = Path(__file__).resolve().parent.parent


def _wrk_obtainable() -> bool:
    # As the harness decides: installed, or installable with apt-get as root.
    return shutil.which("wrk") is not None or can_install()


@pytest.mark.skipif(
    not _wrk_obtainable(),
    reason="wrk is not installed and cannot be installed here (needs apt-get as root)",
)
def test_harness_measures_one_scenario() -> None:
    command = [
        sys.executable,
        "bench/run.py",
        "--duration",
        "1",
        "--scenarios",
        "unauthorized",
        "--no-prism",
    ]
    # Bounded: a few seconds normally; the margin covers installing wrk on a fresh machine.
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    for server in ("baseline", "mock"):
        row = re.search(rf"^{server}\s.*?\s(\d+)\s+\d+\.\d+\s+\d+\.\d+\s", result.stdout, re.M)
        assert row is not None, f"no {server} row with a numeric req/s in:\n{result.stdout}"
    assert re.search(r"^mock\s+unauthorized\s+\d+\s", result.stdout, re.M), result.stdout
