"""The contract layer: schemathesis fuzzes every operation of openapi.yaml in-process.

All checks run (none is disabled), in positive and negative modes, through the
examples, coverage and fuzzing phases, then a stateful run over the document's links.
Derandomized and bounded so the layer repeats exactly and stays well under a minute.
"""

from __future__ import annotations

from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from mockserver.app import create_app
from mockserver.clock import ManualClock
from mockserver.settings import Settings, default_spec_path

# A frozen, hand-driven clock: the rate-limit window never rolls over mid-run, and the
# run repeats byte for byte. The rate limit itself stays on; 600 per window is far more
# than one operation's examples, and the store is fresh for each test function.
CLOCK = ManualClock(datetime(2026, 6, 14, 9, 30, tzinfo=UTC))
# --validate-responses: the server also checks itself, and a departure becomes a 500.
APP = create_app(Settings(validate_responses=True, rate_limit=False), clock=CLOCK)

schema = schemathesis.openapi.from_path(default_spec_path(), config=schemathesis.Config())
schema.app = APP


@schema.auth()
class FullAccess:
    """The persona key with every scope, as an explicit auth provider.

    Explicit (rather than a config header) so that the ignored_auth check knows the key
    is meant to be valid and probes the operation without it and with a bogus one.
    """

    def get(self, case: schemathesis.Case, context: object) -> str:
        return "ca_test_full"

    def set(self, case: schemathesis.Case, data: str, context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


FUZZ = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_operations_conform(case: schemathesis.Case) -> None:
    # Each example starts from an empty store. Generated examples reuse small
    # Idempotency-Key values ("0", "00"...) with different bodies, which the contract
    # answers with 422; across unrelated examples that is the fuzzer's artefact, not a
    # client's request, and it would read as a rejected valid request. The rule itself
    # is covered by tests/test_api_idempotency.py.
    APP.state.services.sessions.backend.__init__()
    case.call_and_validate()


@schemathesis.hook("before_call")
def only_what_the_schema_cannot_say(
    context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, object]
) -> None:
    """Make positive cases obey the two rules JSON Schema cannot express.

    Both rules are documented in openapi.yaml and tested in tests/test_api_videos.py and
    tests/unit/test_listing.py; without this, a case that breaks them reads as a
    rejected valid request:
    - a list ``cursor`` must be one the server issued (HMAC-signed, bound to the
      filters): generated strings never are, so positive cases go without one;
    - a custom metrics period must not start after it ends: the dates are put in order.
    """
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if case.query and "cursor" in case.query:
        del case.query["cursor"]
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("start_date"), str):
        end = body.get("end_date")
        if isinstance(end, str) and body["start_date"] > end:
            body["start_date"], body["end_date"] = end, body["start_date"]


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """POST /videos -> GET /videos/{id} through the document's links."""

    def setup(self) -> None:
        APP.state.services.sessions.backend.__init__()  # fresh sessions per scenario


Workflow.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TestWorkflow = Workflow.TestCase
