"""Benchmark the mock against a bare Starlette baseline (and Prism), with wrk, on loopback.

Run from the repository root::

    .venv/bin/python bench/run.py [--duration 10] [--slices 5] [--connections 32]
                                  [--scenarios ...] [--no-floor] [--no-prism] [--no-redis]
                                  [--workers 2]
                                  [--markdown] [--memory-100k] [--output FILE]

Every server listens on a free 127.0.0.1 port. The baseline (``bench/baseline.py``)
starts first and runs until every row is measured. Each other row gets a server started
afresh: ``post_new``'s floor (``bench/baseline.py --floor``), the mock once per scenario,
then the mock on a private redis-server (``--store redis://...``) with one worker and with
``--workers`` workers, then Prism (static and ``-d``) when node and npx are present. A
row's load is wrk ``--latency`` in ``--slices`` slices of fixed time, each right after a
slice of the same length on the baseline (``harness/slices.py``). The table gives
throughput, latency, errors, peak RSS, start time, and each row's throughput as a share
of the baseline slices paired with it.
bench/README.md explains it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType

from harness import prism
from harness.machine import load_average, machine_facts
from harness.procs import Fleet, Server, StartError, free_port, sample_peak_rss, tree_rss_mib
from harness.redis_server import RedisUnavailable, redis_server
from harness.report import Row, markdown_table, plain_table, verdict_lines
from harness.scenarios import (
    AUTH_HEADER,
    POST_NEW,
    REDIS_TARGETS,
    SCENARIOS,
    UNKNOWN_VIDEO,
    Load,
    Memory,
    NotApplicable,
    prepare,
)
from harness.seed import seed_videos
from harness.slices import combine, paired_ratio, plan
from harness.targets import verdicts
from harness.wrk import WrkResult, WrkUnavailable, ensure_wrk, run_wrk

ROOT = Path(__file__).resolve().parent.parent
MOCK_START_TIMEOUT = 30.0  # generous: the target is 1 s, but a slow start is a result too
BASELINE_LOAD = Load("/")


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def mock_command(port: int, *extra: str) -> list[str]:
    """The venv's ``mockserver`` script, or ``python -m mockserver`` without one."""
    script = Path(sys.executable).with_name("mockserver")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "mockserver"]
    serve = ["serve", "--port", str(port), "--rate-limit", "off", "--log-level", "warning"]
    return [*head, *serve, *extra]


def baseline_command(port: int, floor: bool = False) -> list[str]:
    """``bench/baseline.py`` on ``port``; with ``floor``, post_new's floor instead."""
    command = [sys.executable, str(ROOT / "bench" / "baseline.py"), "--port", str(port)]
    return [*command, "--floor"] if floor else command


@dataclass(frozen=True)
class Store:
    """Where a mock row keeps its state: memory (``url`` None) or a Redis."""

    url: str | None = None
    workers: int = 1

    @property
    def label(self) -> str:
        if self.url is None:
            return "mock"
        return "mock+redis" + (f" w{self.workers}" if self.workers > 1 else "")

    def args(self, scenario: str) -> list[str]:
        if self.url is None:
            return []
        # A prefix per row: the rows share the redis-server, never their videos.
        prefix = f"bench-{scenario}-w{self.workers}".replace("_", "-")
        return ["--store", self.url, "--store-prefix", prefix, "--workers", str(self.workers)]


MEMORY = Store()


class Bench:
    """One run: the servers it starts, the rows it measures, the notes it collects."""

    def __init__(self, args: argparse.Namespace, wrk: str, fleet: Fleet) -> None:
        self.args = args
        self.wrk = wrk
        self.fleet = fleet
        self.rows: list[Row] = []
        self.memory = Memory()
        self.slice_count, self.slice_s = plan(args.duration, args.slices)
        self.baseline: Server | None = None  # running from baseline_running() to its end
        self.baseline_slices: list[WrkResult] = []  # every baseline slice of the run
        self.notes: list[str] = []
        self.started = datetime.now(UTC)
        self.machine = machine_facts(wrk)
        self.load_before = load_average()
        self.load_after = ""

    def wrk_slice(self, server: Server, load: Load) -> WrkResult:
        """One slice of ``load`` on ``server``."""
        return run_wrk(
            self.wrk,
            server.url(load.path),
            self.slice_s,
            self.args.connections,
            self.args.threads,
            load.script,
            load.script_args,
            load.headers,
        )

    def drive(self, server: Server, load: Load, row: Row) -> None:
        """Load ``server`` in slices, each right after one on the baseline; fill ``row``."""
        if self.baseline is None:
            raise RuntimeError("the baseline is not running")
        paired: list[WrkResult] = []
        measured: list[WrkResult] = []
        with sample_peak_rss(server.pid) as peak:
            for _ in range(self.slice_count):
                base = self.wrk_slice(self.baseline, BASELINE_LOAD)
                self.baseline_slices.append(base)
                paired.append(base)
                measured.append(self.wrk_slice(server, load))
        result, baseline = combine(measured), combine(paired)
        row.result, row.peak_rss_mib, row.start_s = result, peak[0], server.start_seconds
        row.base_rps, row.ratio = baseline.requests_per_s, paired_ratio(result, baseline)

    def start(
        self, name: str, command: Callable[[int], list[str]], health: str, timeout: float
    ) -> Server:
        port = free_port()
        log(f"starting {name} on 127.0.0.1:{port}")
        return self.fleet.start(name, command(port), port, health, timeout)

    @contextlib.contextmanager
    def baseline_running(self) -> Iterator[None]:
        """Start the baseline, keep it running (idle between its slices), stop it at the end.

        Its row, first in the table, combines every baseline slice of the run.
        """
        server = self.start("baseline", baseline_command, "/", 30.0)
        row = Row("baseline", "GET / (constant JSON)", start_s=server.start_seconds)
        self.rows.append(row)
        self.baseline = server
        try:
            with sample_peak_rss(server.pid) as peak:
                yield
        finally:
            self.baseline = None
            self.fleet.stop(server)
        row.peak_rss_mib = peak[0]
        if self.baseline_slices:
            row.result, row.ratio = combine(self.baseline_slices), 1.0
        else:
            row.note = "not loaded: no row was measured"

    def run_floor(self) -> None:
        """post_new's load on its floor: the baseline's framework answering a constant 201."""
        server = self.start("floor", partial(baseline_command, floor=True), "/", 30.0)
        row = Row("floor", "post_new, constant 201", start_s=server.start_seconds)
        try:
            self.drive(server, POST_NEW, row)
        except Exception as exc:
            row.note = "failed, see notes"
            self.notes.append(f"floor: {type(exc).__name__}: {exc}")
        finally:
            self.fleet.stop(server)
        self.rows.append(row)

    def run_mock(self, name: str, store: Store = MEMORY) -> None:
        scenario = SCENARIOS[name]
        target_ratio, target_p99 = scenario.target_ratio, scenario.target_p99_ms
        if store is not MEMORY:
            # Issue 6's one target for the shared store: new-video POSTs, one worker.
            target_ratio = REDIS_TARGETS.get(name) if store.workers == 1 else None
            target_p99 = None
        row = Row(store.label, name, target=f">={target_ratio:.2f}" if target_ratio else "")
        if store is MEMORY:
            row.target = scenario.target
        command = partial(mock_command_for, store=store, scenario=name)
        label = f"{store.label.replace(' ', '-').replace('+', '-')}-{name}"
        try:
            server = self.start(label, command, "/v2/health", MOCK_START_TIMEOUT)
        except StartError as exc:
            self.notes.append(f"{store.label} for {name} did not start: {exc}")
            row.note = "mock did not start"
            self.rows.append(row)
            return
        # The start-up and memory targets are the memory store's: other rows only show.
        memory = self.memory if store is MEMORY else Memory()
        memory.record_start(server)
        try:
            self.drive(server, prepare(name, server, self.args.seed_count, memory), row)
        except NotApplicable as exc:
            row.note = str(exc)
        except Exception as exc:
            # One broken scenario (wrk error, seeding failure) must not cost the others.
            row.note = "failed, see notes"
            self.notes.append(f"mock {name}: {type(exc).__name__}: {exc}")
        finally:
            row.start_s = server.start_seconds
            self.fleet.stop(server)
        row.verdict = judge(row, target_ratio, target_p99)
        self.rows.append(row)

    def run_redis(self) -> None:
        """The scenarios again, on a private redis-server: one worker, then several."""
        try:
            with redis_server() as url:
                log(f"redis-server at {url}")
                for workers in (1, self.args.workers):
                    for name in self.args.scenarios:
                        self.run_mock(name, Store(url, workers))
        except RedisUnavailable as exc:
            self.notes.append(f"Redis rows skipped: {exc}")

    def run_prism(self) -> None:
        reason = prism.unavailable_reason() or prism.warm_cache(ROOT)
        if reason:
            self.notes.append(f"Prism skipped: {reason}")
            return
        wanted = [n for n in ("get_one", "unauthorized") if n in self.args.scenarios]
        for dynamic in (False, True):
            label = "prism -d" if dynamic else "prism"
            document = ROOT / "openapi.yaml"
            try:
                server = self.start(
                    label.replace(" ", ""),
                    partial(prism.argv, dynamic=dynamic, document=document),
                    prism.HEALTH_PATH,
                    prism.START_TIMEOUT,
                )
            except StartError as exc:
                self.notes.append(f"{label} skipped: {str(exc).splitlines()[0]}")
                continue
            try:
                for name in wanted:
                    # Prism accepts any id and checks only that a credential is present.
                    path = f"{prism.PREFIX}/videos/{UNKNOWN_VIDEO}"
                    headers = (AUTH_HEADER,) if name == "get_one" else ()
                    row = Row(label, name)
                    self.drive(server, Load(path, headers), row)
                    self.rows.append(row)
            except Exception as exc:
                self.notes.append(f"{label} rows incomplete: {type(exc).__name__}: {exc}")
            finally:
                self.fleet.stop(server)

    def run_memory_100k(self) -> None:
        server = self.start("mock-memory", mock_command, "/v2/health", MOCK_START_TIMEOUT)
        self.memory.record_start(server)
        try:
            log("seeding 100,000 videos (RSS every 10,000)")
            result = seed_videos(server.url(), 100_000, lambda: tree_rss_mib(server.pid))
        except Exception as exc:
            self.notes.append(f"--memory-100k failed: {type(exc).__name__}: {exc}")
            return
        finally:
            self.fleet.stop(server)
        points = ", ".join(f"{n // 1000}k: {mib:.0f}" for n, mib in result.checkpoints if mib)
        idle = server.idle_rss_mib or 0.0
        last = result.checkpoints[-1][1] if result.checkpoints else None
        self.memory.notes.append(
            f"--memory-100k: idle {idle:.1f} MiB; RSS (MiB) after {points}; "
            f"seeded in {result.seconds:.1f} s, statuses {dict(result.statuses)}"
        )
        if last is not None:
            self.memory.measured_100k_growth_mib = last - idle


def mock_command_for(port: int, store: Store, scenario: str) -> list[str]:
    return mock_command(port, *store.args(scenario))


def judge(row: Row, ratio: float | None, p99_ms: float | None) -> str:
    if row.result is None or (ratio is None and p99_ms is None):
        return ""
    met = ratio is None or (row.ratio is not None and row.ratio >= ratio)
    met = met and (p99_ms is None or row.result.p99_ms <= p99_ms)
    return "met" if met else "MISSED"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per row (default 10)")
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="slices per row, each after one on the baseline (5; at most --duration)",
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=list(SCENARIOS),
        metavar="NAME",
        help="mock scenarios to run, in this order: " + ", ".join(SCENARIOS),
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="skip post_new's floor row (a constant 201)"
    )
    parser.add_argument("--no-prism", action="store_true", help="skip the Prism rows")
    parser.add_argument(
        "--no-redis", action="store_true", help="skip the rows of the mock on Redis"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="workers of the second Redis row (2)"
    )
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument(
        "--seed-count", type=int, default=10_000, help="videos tracked before list_50 (10000)"
    )
    parser.add_argument(
        "--memory-100k", action="store_true", help="also seed 100,000 videos and report RSS"
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    names = [n for item in args.scenarios for n in item.split(",") if n]
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    # Always the canonical order, so runs with different selections stay comparable.
    args.scenarios = [n for n in SCENARIOS if n in names]
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be 1..600 seconds")
    if args.slices < 1:
        parser.error("--slices must be at least 1")
    if min(args.connections, args.threads, args.seed_count) < 1:
        parser.error("--connections, --threads and --seed-count must be at least 1")
    if not 2 <= args.workers <= 64:
        parser.error("--workers must be 2..64 (the first Redis row has one)")
    return args


def report(bench: Bench, markdown: bool) -> str:
    args = bench.args
    head = [
        f"mockserver benchmark, {bench.started:%Y-%m-%d %H:%M} UTC",
        f"machine: {bench.machine}",
        f"load: wrk --latency, {args.threads} threads, {args.connections} connections; "
        f"each row {bench.slice_count} slices of {bench.slice_s} s alternating with "
        f"{bench.slice_s} s slices on the baseline, which runs throughout (x baseline is over "
        f"the baseline slices paired with the row); a fresh mock or Prism for the other rows; "
        f"all on 127.0.0.1; "
        f"1-min load average {bench.load_before} before, {bench.load_after} after",
    ]
    table = markdown_table(bench.rows) if markdown else plain_table(bench.rows)
    memory_lines = bench.memory.describe()
    checks = verdict_lines(verdicts(bench.rows, bench.memory), markdown)
    notes = [f"- {n}" for n in bench.notes]
    parts = ["\n".join(head), table, "memory:\n" + "\n".join(memory_lines), "targets:\n" + checks]
    if notes:
        parts.append("notes:\n" + "\n".join(notes))
    return "\n\n".join(parts)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop every server.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        wrk = ensure_wrk()
    except WrkUnavailable as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    try:
        with Fleet(cwd=ROOT) as fleet:
            bench = Bench(args, wrk, fleet)
            with bench.baseline_running():
                if "post_new" in args.scenarios and not args.no_floor:
                    bench.run_floor()
                for name in args.scenarios:
                    bench.run_mock(name)
                if not args.no_redis:
                    bench.run_redis()
                if args.memory_100k:
                    bench.run_memory_100k()
                if not args.no_prism:
                    bench.run_prism()
    except KeyboardInterrupt:
        print("bench: interrupted; every server it started is stopped", file=sys.stderr)
        return 130
    except (StartError, subprocess.SubprocessError, RuntimeError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    bench.load_after = load_average()
    print(report(bench, markdown=False))
    if args.markdown:
        print("\n" + report(bench, markdown=True))
    if args.output:
        args.output.write_text(report(bench, markdown=True) + "\n")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)  # relative paths (openapi.yaml for Prism) resolve from the repo root
    raise SystemExit(main())
