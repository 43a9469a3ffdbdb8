"""Smoke test of the benchmark harness (bench/run.py): one short scenario, end to end.

It checks that the harness starts the baseline, post_new's floor and the mock, drives them
with wrk, stops them and prints its table, with the mock's paired baseline beside it; it asserts no
timings, which on a shared CI machine would be noise. The harness installs wrk itself
(Debian's package) when it is missing, so the test is skipped only where that is
impossible.
"""

from __future__ import annotations

import itertools
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
        "post_new",
        "--no-prism",
    ]
    # Bounded: a few seconds normally; the margin covers installing wrk on a fresh machine.
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _table(result.stdout)
    expected = (
        ("baseline", "GET / (constant JSON)"),
        ("floor", "post_new, constant 201"),
        ("mock", "post_new"),
    )
    for server, scenario in expected:
        row = rows.get((server, scenario))
        assert row is not None, f"no {server} {scenario} row in:\n{result.stdout}"
        assert re.fullmatch(r"\d+", row["req/s"]), f"{server}: req/s {row['req/s']!r}"
        assert re.fullmatch(r"\d+\.\d\d", row["p99 ms"]), f"{server}: p99 {row['p99 ms']!r}"
    mock = rows["mock", "post_new"]
    # The mock's ratio is over the baseline slices paired with it, shown beside it.
    assert re.fullmatch(r"\d+", mock["base req/s"]), f"base req/s {mock['base req/s']!r}"
    assert re.fullmatch(r"\d+\.\d\d", mock["x baseline"]), result.stdout
    base, rps = int(mock["base req/s"]), int(mock["req/s"])
    assert base > 0, result.stdout
    # Both req/s are rounded to whole requests and the ratio to 0.01.
    slack = 0.005 + (rps + 1) / base**2 + 1 / base
    assert float(mock["x baseline"]) == pytest.approx(rps / base, abs=slack), result.stdout


def _table(report: str) -> dict[tuple[str, str], dict[str, str]]:
    """The plain results table's rows by (server, scenario), each as column -> cell.

    The rule under the header gives each column's span (cells may contain spaces).
    """
    lines = report.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("---"))
    spans = [m.span() for m in re.finditer(r"-+", lines[at])]
    header = [lines[at - 1][a:b].strip() for a, b in spans]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for line in itertools.takewhile(str.strip, lines[at + 1 :]):
        cells = dict(zip(header, (line[a:b].strip() for a, b in spans), strict=True))
        rows[cells["server"], cells["scenario"]] = cells
    return rows
