"""Simulated faults: latency, error statuses, dropped connections, upstream down.

A :class:`FaultPlan` is set for a whole run (CLI flags, ``MOCKSERVER_*`` twins) and
changed at run time through the control plane, per session. Which requests it hits is
a pure function of (seed, session, the request's sequence number in its session), so a
run with the same seed and the same requests fails the same ones.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Statuses a fault may answer with: every API operation documents them.
FAULT_STATUSES = (500, 502, 503)
MAX_LATENCY_MS = 60_000
DEFAULT_RETRY_AFTER = 1


@dataclass(frozen=True, slots=True)
class ErrorFault:
    """Answer ``status`` to a share ``rate`` (0..1) of requests."""

    status: int
    rate: float
    retry_after: int = DEFAULT_RETRY_AFTER  # seconds, sent with 503 (CONTRACT 2)


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """What goes wrong, and how often."""

    latency_ms: tuple[int, int] | None = None  # (low, high), uniform; low == high: fixed
    errors: tuple[ErrorFault, ...] = ()
    drop_rate: float = 0.0
    upstream_down: bool = False

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.errors or self.drop_rate or self.upstream_down)

    def to_json(self) -> dict[str, Any]:
        """The control plane's representation (``Faults`` in control.yaml)."""
        return {
            "latency_ms": (
                None
                if self.latency_ms is None
                else {"min": self.latency_ms[0], "max": self.latency_ms[1]}
            ),
            "errors": [
                {"status": e.status, "rate": e.rate, "retry_after": e.retry_after}
                for e in self.errors
            ],
            "drop_rate": self.drop_rate,
            "upstream_down": self.upstream_down,
        }


NO_FAULTS = FaultPlan()


class FaultError(ValueError):
    """A fault setting that cannot be applied; ``problems`` name each bad field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems


def plan_from_json(data: Any) -> FaultPlan:
    """Validate a control-plane ``Faults`` object; FaultError lists every problem."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, Mapping):
        raise FaultError([("body", "must be a JSON object")])
    known = {"latency_ms", "errors", "drop_rate", "upstream_down"}
    for name in sorted(set(data) - known):
        problems.append((name, "is not a fault setting; known: " + ", ".join(sorted(known))))
    latency = _latency_json(data.get("latency_ms"), problems)
    errors = _errors_json(data.get("errors", []), problems)
    drop_rate = _rate(data.get("drop_rate", 0.0), "drop_rate", problems)
    upstream_down = data.get("upstream_down", False)
    if not isinstance(upstream_down, bool):
        problems.append(("upstream_down", "must be true or false"))
    if problems:
        raise FaultError(problems)
    return _checked(FaultPlan(latency, errors, drop_rate, bool(upstream_down)))


def _latency_json(value: Any, problems: list[tuple[str, str]]) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) - {"min", "max"} or "min" not in value:
        problems.append(("latency_ms", "must be null or an object {min, max} in milliseconds"))
        return None
    low, high = value["min"], value.get("max", value["min"])
    if not all(_is_int(v) and 0 <= v <= MAX_LATENCY_MS for v in (low, high)):
        problems.append(("latency_ms", f"min and max must be whole ms from 0 to {MAX_LATENCY_MS}"))
        return None
    if low > high:
        problems.append(("latency_ms", "min must not be above max"))
        return None
    return (int(low), int(high))


def _errors_json(value: Any, problems: list[tuple[str, str]]) -> tuple[ErrorFault, ...]:
    if not isinstance(value, list):
        problems.append(("errors", "must be a list of {status, rate, retry_after}"))
        return ()
    found: list[ErrorFault] = []
    for index, item in enumerate(value):
        where = f"errors[{index}]"
        if not isinstance(item, Mapping) or set(item) - {"status", "rate", "retry_after"}:
            problems.append((where, "must be an object {status, rate, retry_after}"))
            continue
        status = item.get("status")
        if not _is_int(status) or status not in FAULT_STATUSES:
            allowed = ", ".join(map(str, FAULT_STATUSES))
            problems.append((f"{where}.status", f"must be one of {allowed}"))
            continue
        rate = _rate(item.get("rate"), f"{where}.rate", problems)
        retry_after = item.get("retry_after", DEFAULT_RETRY_AFTER)
        if not _is_int(retry_after) or not 1 <= retry_after <= 86_400:
            problems.append((f"{where}.retry_after", "must be whole seconds from 1 to 86400"))
            continue
        found.append(ErrorFault(int(status), rate, int(retry_after)))
    return tuple(found)


def _rate(value: Any, field: str, problems: list[tuple[str, str]]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        problems.append((field, "must be a number from 0 to 1 (0.02 is 2%)"))
        return 0.0
    return float(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked(plan: FaultPlan) -> FaultPlan:
    statuses = [e.status for e in plan.errors]
    problems: list[tuple[str, str]] = []
    if len(set(statuses)) != len(statuses):
        problems.append(("errors", "lists a status twice"))
    if sum(e.rate for e in plan.errors) + plan.drop_rate > 1.0 + 1e-9:
        problems.append(("errors", "the error rates and drop_rate add up to more than 1"))
    if problems:
        raise FaultError(problems)
    return plan


# --- the command line's spelling -------------------------------------------------------

_LATENCY = re.compile(r"([0-9]{1,5})(?:-([0-9]{1,5}))?")
_RATE = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,6})?)(%?)")


def parse_latency(text: str) -> tuple[int, int]:
    """``250`` (fixed) or ``100-300`` (uniform range), in milliseconds."""
    found = _LATENCY.fullmatch(text.strip())
    if found is None:
        raise ValueError("must be milliseconds, fixed (250) or a range (100-300)")
    low = int(found[1])
    high = int(found[2]) if found[2] else low
    if high > MAX_LATENCY_MS or low > high:
        raise ValueError(f"must be 0..{MAX_LATENCY_MS} ms with the lower bound first")
    return (low, high)


def parse_rate(text: str) -> float:
    """``0.02`` or ``2%``."""
    found = _RATE.fullmatch(text.strip())
    if found is None:
        raise ValueError("must be a share such as 0.02 or 2%")
    value = float(found[1]) / (100 if found[2] else 1)
    if not 0 <= value <= 1:
        raise ValueError("must be between 0 and 1 (0% and 100%)")
    return value


def parse_errors(text: str) -> tuple[ErrorFault, ...]:
    """``503:2%,502:1%`` (a 503 may add its Retry-After: ``503:2%:5``)."""
    found: list[ErrorFault] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        status_text, _, rest = part.partition(":")
        rate_text, _, retry_text = rest.partition(":")
        if not status_text.isdigit() or int(status_text) not in FAULT_STATUSES:
            allowed = ", ".join(map(str, FAULT_STATUSES))
            raise ValueError(f"{part!r}: the status must be one of {allowed}")
        if not rate_text:
            raise ValueError(f"{part!r}: give a rate, e.g. {status_text}:2%")
        retry_after = DEFAULT_RETRY_AFTER
        if retry_text:
            if not retry_text.isdigit() or not 1 <= int(retry_text) <= 86_400:
                raise ValueError(f"{part!r}: Retry-After must be whole seconds from 1 to 86400")
            retry_after = int(retry_text)
        found.append(ErrorFault(int(status_text), parse_rate(rate_text), retry_after))
    if not found:
        raise ValueError("must list at least one STATUS:RATE, e.g. 503:2%,502:1%")
    try:
        _checked(FaultPlan(errors=tuple(found)))
    except FaultError as exc:
        raise ValueError(str(exc)) from None
    return tuple(found)


# --- the draw -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    """What happens to one request."""

    latency_ms: int = 0
    drop: bool = False
    error: ErrorFault | None = None


NOTHING = Decision()


def decide(plan: FaultPlan, seed: int, session: str, sequence: int) -> Decision:
    """The faults for the ``sequence``-th request of ``session``: deterministic per seed."""
    if not plan.active:
        return NOTHING
    digest = hashlib.blake2b(
        f"{seed}\0{session}\0{sequence}".encode(), digest_size=16, person=b"mock-faults"
    ).digest()
    # Two independent uniform draws in [0, 1): one for latency, one for the outcome.
    u_latency = int.from_bytes(digest[:8], "big") / 2**64
    u_outcome = int.from_bytes(digest[8:], "big") / 2**64
    latency = 0
    if plan.latency_ms is not None:
        low, high = plan.latency_ms
        latency = low + int(u_latency * (high - low + 1))
    if plan.upstream_down:
        return Decision(latency, False, UPSTREAM_DOWN)
    edge = plan.drop_rate
    if u_outcome < edge:
        return Decision(latency, True, None)
    for error in plan.errors:
        edge += error.rate
        if u_outcome < edge:
            return Decision(latency, False, error)
    return Decision(latency, False, None) if latency else NOTHING


UPSTREAM_DOWN = ErrorFault(503, 1.0, DEFAULT_RETRY_AFTER)
