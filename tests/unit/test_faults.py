"""Unit tests for mockserver.faults: the CLI's spelling, the control plane's JSON, the draw."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from mockserver.faults import (
    NOTHING,
    UPSTREAM_DOWN,
    ErrorFault,
    FaultError,
    FaultPlan,
    decide,
    parse_errors,
    parse_latency,
    parse_rate,
    plan_from_json,
)


def test_latency_spellings() -> None:
    assert parse_latency("250") == (250, 250)
    assert parse_latency(" 100-300 ") == (100, 300)
    assert parse_latency("0") == (0, 0)
    for bad in ("", "-5", "300-100", "60001", "1.5", "10-", "fast"):
        with pytest.raises(ValueError, match=r"milliseconds|ms"):
            parse_latency(bad)


def test_rate_spellings() -> None:
    assert parse_rate("0.02") == pytest.approx(0.02)
    assert parse_rate("2%") == pytest.approx(0.02)
    assert parse_rate("100%") == 1.0
    for bad in ("", "2", "101%", "-1", "1e-2", "x%"):
        with pytest.raises(ValueError, match=r"between 0 and 1|a share"):
            parse_rate(bad)


def test_error_spellings() -> None:
    assert parse_errors("503:2%,502:1%") == (ErrorFault(503, 0.02, 1), ErrorFault(502, 0.01, 1))
    assert parse_errors("503:0.5:30") == (ErrorFault(503, 0.5, 30),)
    for bad in ("", ",", "404:1%", "503", "503:", "503:1%:0", "503:1%:x", "503:1%,503:1%"):
        with pytest.raises(ValueError, match=r"status|rate|Retry-After|twice|at least one"):
            parse_errors(bad)
    with pytest.raises(ValueError, match="more than 1"):
        parse_errors("503:60%,502:50%")


def test_the_json_form_round_trips() -> None:
    plan = FaultPlan((5, 10), (ErrorFault(503, 0.1, 3),), 0.05, True)
    assert plan_from_json(plan.to_json()) == plan
    assert plan_from_json({}) == FaultPlan()
    assert plan_from_json({"latency_ms": {"min": 7}}).latency_ms == (7, 7)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "body"),
        ({"latency": 5}, "latency"),
        ({"latency_ms": 5}, "latency_ms"),
        ({"latency_ms": {"min": 10, "max": 5}}, "latency_ms"),
        ({"latency_ms": {"min": -1, "max": 5}}, "latency_ms"),
        ({"latency_ms": {"min": 1, "max": 60_001}}, "latency_ms"),
        ({"latency_ms": {"min": True}}, "latency_ms"),
        ({"errors": {}}, "errors"),
        ({"errors": [{"status": 404, "rate": 0.1}]}, "errors[0].status"),
        ({"errors": [{"status": 503, "rate": 1.5}]}, "errors[0].rate"),
        ({"errors": [{"status": 503, "rate": "0.1"}]}, "errors[0].rate"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry_after": 0}]}, "errors[0].retry_after"),
        ({"errors": [{"status": 503, "rate": 0.1, "why": 1}]}, "errors[0]"),
        ({"drop_rate": -0.1}, "drop_rate"),
        ({"drop_rate": True}, "drop_rate"),
        ({"upstream_down": "yes"}, "upstream_down"),
        ({"errors": [{"status": 503, "rate": 0.6}, {"status": 502, "rate": 0.6}]}, "errors"),
        ({"errors": [{"status": 503, "rate": 0.1}, {"status": 503, "rate": 0.1}]}, "errors"),
    ],
)
def test_bad_json_names_the_field(data: Any, field: str) -> None:
    with pytest.raises(FaultError) as caught:
        plan_from_json(data)
    assert field in [name for name, _ in caught.value.problems]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(FaultError) as caught:
        plan_from_json({"drop_rate": 2, "upstream_down": 1, "nope": 0})
    assert len(caught.value.problems) == 3


def test_no_plan_draws_nothing() -> None:
    assert decide(FaultPlan(), 0, "default", 1) is NOTHING


def test_the_draw_is_a_function_of_seed_session_and_sequence() -> None:
    plan = FaultPlan((0, 1000), (ErrorFault(503, 0.5),))
    first = [decide(plan, 1, "a", n) for n in range(1, 200)]
    assert first == [decide(plan, 1, "a", n) for n in range(1, 200)]
    assert first != [decide(plan, 2, "a", n) for n in range(1, 200)]
    assert first != [decide(plan, 1, "b", n) for n in range(1, 200)]


def test_rates_hold_over_many_requests() -> None:
    plan = FaultPlan(errors=(ErrorFault(503, 0.2), ErrorFault(502, 0.1)), drop_rate=0.05)
    outcomes = Counter(
        "drop" if d.drop else (d.error.status if d.error else "ok")
        for d in (decide(plan, 0, "default", n) for n in range(1, 20_001))
    )
    # 20,000 draws: each share within 1.5 points of its rate.
    assert abs(outcomes[503] / 20_000 - 0.2) < 0.015
    assert abs(outcomes[502] / 20_000 - 0.1) < 0.015
    assert abs(outcomes["drop"] / 20_000 - 0.05) < 0.015


def test_latency_spans_its_range() -> None:
    plan = FaultPlan(latency_ms=(100, 300))
    drawn = [decide(plan, 0, "s", n).latency_ms for n in range(1, 5001)]
    assert min(drawn) == 100
    assert max(drawn) == 300
    assert decide(FaultPlan(latency_ms=(40, 40)), 0, "s", 9).latency_ms == 40


def test_upstream_down_wins_over_everything() -> None:
    plan = FaultPlan(errors=(ErrorFault(502, 1.0),), drop_rate=0.0, upstream_down=True)
    assert decide(plan, 0, "s", 1).error is UPSTREAM_DOWN
