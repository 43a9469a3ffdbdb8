"""The control plane's contract layer: schemathesis fuzzes every operation of control.yaml.

In-process through the whole app, all checks, derandomized and bounded; each example
starts from fresh state (a new memory backend), so no example sees another's sessions,
faults or clock. The examples, coverage and fuzzing phases run for every operation but
one: loadDataset skips coverage, whose cases for the identifier grammar (two dozen
large patterns) take over half a minute to build and find nothing the fuzzing phase
and tests/test_control.py do not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from starlette.types import Receive, Scope, Send

from mockserver.app import MockApp, app_for, build_services, memory_backend, with_backend
from mockserver.clock import ManualClock
from mockserver.control.document import DOCUMENT_PATH
from mockserver.identifiers import IdentifierError, resolve
from mockserver.settings import Settings

CLOCK = ManualClock(datetime(2026, 6, 14, 9, 30, tzinfo=UTC))
# --validate-responses: the control plane also checks itself against control.yaml.
SERVICES = build_services(Settings(validate_responses=True, rate_limit=False), clock=CLOCK)


class FreshApp:
    """Delegates to the current app; :func:`fresh` swaps in one with empty state."""

    app: MockApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


APP = FreshApp()


def fresh() -> None:
    APP.app = app_for(with_backend(SERVICES, memory_backend(SERVICES.settings)))


fresh()
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {"include-operation-id": "loadDataset", "phases": {"coverage": {"enabled": False}}}
        ]
    }
)
schema = schemathesis.openapi.from_path(DOCUMENT_PATH, config=CONFIG)
schema.app = APP


@schema.auth()
class AdminKey:
    """The admin key, explicit so that ignored_auth probes without it and with a bogus one."""

    def get(self, case: schemathesis.Case, context: object) -> str:
        return SERVICES.settings.admin_key

    def set(self, case: schemathesis.Case, data: str, context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_control_operations_conform(case: schemathesis.Case) -> None:
    fresh()
    case.call_and_validate()


@schemathesis.hook("before_call")
def only_what_the_schema_cannot_say(
    context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, object]
) -> None:
    """Make positive cases obey the rules control.yaml states in prose, not in schema.

    Each rule has its own tests in tests/test_control.py; without this, a case that
    breaks one reads as a rejected valid request:
    - faults: distinct error statuses, rates plus drop_rate at most 1, min <= max;
    - datasets: one organization tracks a post once (under any of its identifiers).
    """
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    body = case.body
    if not isinstance(body, dict):
        return
    if case.operation.definition.raw.get("operationId") == "setFaults":
        _fit_faults(body)
    elif isinstance(body.get("videos"), list):
        body["videos"] = _distinct_posts(body["videos"])


def _fit_faults(body: dict[str, Any]) -> None:
    errors = body.get("errors")
    if isinstance(errors, list):
        seen: set[Any] = set()
        errors[:] = [e for e in errors if not (e.get("status") in seen or seen.add(e["status"]))]
        total = sum(e["rate"] for e in errors) + body.get("drop_rate", 0)
        if total > 1:
            for error in errors:
                error["rate"] = error["rate"] / (total + 1)
            if "drop_rate" in body:
                body["drop_rate"] = body["drop_rate"] / (total + 1)
    latency = body.get("latency_ms")
    if isinstance(latency, dict) and latency.get("max", latency["min"]) < latency["min"]:
        latency["min"], latency["max"] = latency["max"], latency["min"]


def _distinct_posts(videos: list[Any]) -> list[Any]:
    kept, seen = [], set()
    for video in videos:
        try:
            post = resolve(video["platform"], video["identifier"])
        except IdentifierError:
            kept.append(video)  # left for the server to judge
            continue
        key = (video["organization"], post.platform, post.external_id)
        if key not in seen:
            seen.add(key)
            kept.append(video)
    return kept
