"""Unit tests of the benchmark's paired slices (bench/harness/slices.py): the plan, the merge
of a row's wrk slices into one result, and the ratio to the paired baseline."""

from __future__ import annotations

import pytest

from bench.harness.slices import combine, paired_ratio, plan, slice_seconds
from bench.harness.wrk import WrkResult, parse


def result(
    requests: int,
    requests_per_s: float,
    p50_ms: float = 1.0,
    p99_ms: float = 10.0,
    non_2xx_3xx: int = 0,
    socket_errors: int = 0,
    seconds: float = 0.0,
) -> WrkResult:
    return WrkResult(
        requests=requests,
        requests_per_s=requests_per_s,
        p50_ms=p50_ms,
        p99_ms=p99_ms,
        non_2xx_3xx=non_2xx_3xx,
        socket_errors=socket_errors,
        output=f"{requests} requests",
        seconds=seconds,
    )


@pytest.mark.parametrize(
    ("duration", "slices", "expected"),
    [(10, 5, (5, 2)), (10, 3, (3, 3)), (4, 2, (2, 2)), (1, 5, (1, 1)), (3, 10, (3, 1))],
)
def test_plan_cuts_the_duration_into_whole_seconds(
    duration: int, slices: int, expected: tuple[int, int]
) -> None:
    assert plan(duration, slices) == expected


def test_plan_refuses_zero_slices() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan(10, 0)


def test_combine_is_total_requests_over_total_seconds() -> None:
    # 2 s at 1000/s and 2 s at 3000/s: 8000 requests in 4 s, not the mean of the rates
    # weighted by requests (2500) but 2000/s. A third slice ran 1 s at 500/s.
    merged = combine([result(2000, 1000.0), result(6000, 3000.0), result(500, 500.0)])
    assert merged.requests == 8500
    assert merged.seconds == pytest.approx(5.0)
    assert merged.requests_per_s == pytest.approx(1700.0)


def test_combine_takes_each_slices_seconds_from_its_rate() -> None:
    # wrk rounds its run time to 0.01 s but its rate to 0.01/s: the rate is the exact one.
    merged = combine([result(4114, 4110.02, seconds=1.0), result(4000, 4000.0, seconds=1.0)])
    assert merged.seconds == pytest.approx(4114 / 4110.02 + 1.0)
    assert merged.requests_per_s == pytest.approx(8114 / (4114 / 4110.02 + 1.0))


def test_a_slice_without_requests_still_counts_its_time() -> None:
    assert slice_seconds(result(0, 0.0, seconds=2.0)) == 2.0
    merged = combine([result(4000, 2000.0), result(0, 0.0, socket_errors=32, seconds=2.0)])
    assert merged.requests_per_s == pytest.approx(1000.0)
    assert merged.socket_errors == 32


def test_combine_p50_is_the_median_and_p99_the_highest() -> None:
    slices = [
        result(100, 100.0, p50_ms=5.0, p99_ms=20.0),
        result(100, 100.0, p50_ms=1.0, p99_ms=90.0),
        result(100, 100.0, p50_ms=3.0, p99_ms=30.0),
        result(100, 100.0, p50_ms=9.0, p99_ms=40.0),
        result(100, 100.0, p50_ms=2.0, p99_ms=10.0),
    ]
    merged = combine(slices)
    assert merged.p50_ms == 3.0
    assert merged.p99_ms == 90.0
    # An even count: the mean of the two middle ones.
    assert combine(slices[:4]).p50_ms == 4.0


def test_combine_sums_the_errors() -> None:
    merged = combine(
        [
            result(100, 100.0, non_2xx_3xx=100, socket_errors=1),
            result(200, 100.0, non_2xx_3xx=7, socket_errors=0),
            result(300, 100.0, non_2xx_3xx=0, socket_errors=4),
        ]
    )
    assert (merged.non_2xx_3xx, merged.socket_errors) == (107, 5)


def test_one_slice_combines_to_itself() -> None:
    only = result(3000, 1500.0, p50_ms=2.5, p99_ms=12.0, non_2xx_3xx=3, socket_errors=2)
    merged = combine([only])
    assert merged.requests == only.requests
    assert merged.requests_per_s == pytest.approx(only.requests_per_s)
    assert (merged.p50_ms, merged.p99_ms) == (2.5, 12.0)
    assert (merged.non_2xx_3xx, merged.socket_errors) == (3, 2)


def test_combine_refuses_no_slices() -> None:
    with pytest.raises(ValueError, match="no slices"):
        combine([])


def test_ratio_is_over_the_paired_baseline() -> None:
    # The row's slices alternate with the baseline's; the ratio uses those baseline slices.
    row = combine([result(2000, 1000.0), result(4000, 2000.0)])  # 6000 in 4 s: 1500/s
    baseline = combine([result(4000, 2000.0), result(8000, 4000.0)])  # 12000 in 4 s: 3000/s
    assert paired_ratio(row, baseline) == pytest.approx(0.5)
    assert paired_ratio(baseline, baseline) == pytest.approx(1.0)


def test_ratio_without_baseline_throughput_is_none() -> None:
    assert paired_ratio(result(100, 100.0), result(0, 0.0, seconds=2.0)) is None


WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18731/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.20ms    1.76ms  18.24ms   93.09%
    Req/Sec     2.07k   520.28     2.75k    70.00%
  Latency Distribution
     50%    1.74ms
     75%    1.84ms
     90%    3.13ms
     99%   11.35ms
  4114 requests in 1.00s, 562.71KB read
Requests/sec:   4110.02
Transfer/sec:    562.16KB
"""


def test_parse_reads_the_run_time() -> None:
    parsed = parse(WRK_OUTPUT)
    assert (parsed.requests, parsed.requests_per_s, parsed.seconds) == (4114, 4110.02, 1.0)
    assert (parsed.p50_ms, parsed.p99_ms) == (1.74, 11.35)
    assert parse(WRK_OUTPUT.replace("in 1.00s", "in 1.50m")).seconds == pytest.approx(90.0)
