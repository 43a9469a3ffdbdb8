"""The results table (plain text and Markdown), the memory notes and the target verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.wrk import WrkResult

COLUMNS = (
    "server",
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "non-2xx/3xx",
    "socket err",
    "peak RSS MiB",
    "start s",
    "base req/s",
    "x baseline",
    "target",
    "note",
)
NUMERIC = {"req/s", "p50 ms", "p99 ms", "non-2xx/3xx", "socket err", "peak RSS MiB"}
NUMERIC |= {"start s", "base req/s", "x baseline"}


@dataclass
class Row:
    server: str  # baseline | mock | prism | prism -d
    scenario: str
    result: WrkResult | None = None  # None: not measured, ``note`` says why
    peak_rss_mib: float | None = None
    start_s: float | None = None
    base_rps: float | None = None  # req/s of the baseline slices paired with this row's
    ratio: float | None = None  # req/s over ``base_rps`` (the baseline row: 1.0)
    target: str = ""
    verdict: str = ""  # "met", "MISSED" or "" when the row has no target
    note: str = ""

    def cells(self) -> list[str]:
        r = self.result
        target = f"{self.target} {self.verdict}".strip()
        return [
            self.server,
            self.scenario,
            f"{r.requests_per_s:.0f}" if r else "n/a",
            f"{r.p50_ms:.2f}" if r else "",
            f"{r.p99_ms:.2f}" if r else "",
            str(r.non_2xx_3xx) if r else "",
            str(r.socket_errors) if r else "",
            _num(self.peak_rss_mib, 1),
            _num(self.start_s, 2),
            _num(self.base_rps, 0),
            _num(self.ratio, 2),
            target,
            self.note,
        ]


@dataclass(frozen=True)
class Verdict:
    what: str
    target: str
    measured: str
    met: bool | None  # None: not measured in this run

    @property
    def label(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]


def _num(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def plain_table(rows: Sequence[Row]) -> str:
    grid = [list(COLUMNS), *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in grid) for i in range(len(COLUMNS))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if COLUMNS[i] in NUMERIC else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(grid[0]), rule, *(line(cells) for cells in grid[1:])])


def markdown_table(rows: Sequence[Row]) -> str:
    align = ["---:" if c in NUMERIC else "---" for c in COLUMNS]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(align) + "|"]
    for row in rows:
        cells = [c.replace("|", "\\|") for c in row.cells()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict_lines(verdicts: Sequence[Verdict], markdown: bool) -> str:
    if markdown:
        lines = ["| target | wanted | measured | verdict |", "|---|---|---|---|"]
        lines += [f"| {v.what} | {v.target} | {v.measured} | {v.label} |" for v in verdicts]
        return "\n".join(lines)
    width = max((len(v.what) for v in verdicts), default=0)
    return "\n".join(
        f"{v.what.ljust(width)}  {v.target:<16} {v.measured:<40} {v.label}" for v in verdicts
    )
