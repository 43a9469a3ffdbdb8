"""``create_app``: the document, the fixtures and the settings, assembled into an ASGI app.

Everything expensive happens here, once: the document is loaded and its validators
compiled, the keys read, the content pools built, the docs page rendered.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mockserver.clock import Clock
from mockserver.context import Services
from mockserver.docs import render_docs
from mockserver.errors import StartupError
from mockserver.fixtures import EMPTY_DATASET, load_dataset
from mockserver.generation import ContentGenerator
from mockserver.keys import load_keys
from mockserver.listing import Cursors
from mockserver.middleware.request_id import RequestIdMiddleware
from mockserver.pipeline import Pipeline
from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.resources import EXPLAINERS, HANDLERS, synthesized
from mockserver.resources.videos import new_video, video_id
from mockserver.settings import Settings, default_spec_path
from mockserver.simulation import Simulator
from mockserver.spec import Spec, load_spec
from mockserver.store import MemoryStore, Store
from mockserver.synth import SynthesisError, Synthesizer

DAY = 86_400.0

# CONTRACT 1: what browsers may send and read across origins.
CORS_ALLOW_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-None-Match",
    "Prefer",
    "X-Request-ID",
)
CORS_EXPOSE_HEADERS = (
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "Location",
    "ETag",
    "Link",
    "Idempotency-Replayed",
)


def build_services(
    settings: Settings, *, clock: Clock | None = None, store: Store | None = None
) -> Services:
    """Load and compile everything the server needs; StartupError on any problem."""
    # The bundled document is validated by the test suite; another one at start.
    spec = load_spec(settings.spec, validate=not _is_bundled(settings.spec))
    keyring = load_keys(settings.fixtures / "keys.yaml")
    dataset = load_dataset(settings.fixtures, keyring.organizations, spec)
    synthesizer = Synthesizer(spec.document)
    _check_synthesizable(spec, synthesizer)
    clock = clock or Clock(settings.frozen_time, settings.time_scale)
    generator = ContentGenerator(settings.seed)
    base = settings.base_url + spec.base_path
    return Services(
        settings=settings,
        spec=spec,
        keyring=keyring,
        store=store or MemoryStore(),
        clock=clock,
        generator=generator,
        simulator=Simulator(generator, settings.base_url, dataset.pins),
        cursors=Cursors(hashlib.blake2b(f"cursor:{settings.seed}".encode()).digest()),
        dataset=EMPTY_DATASET if settings.empty else dataset,
        started_at=clock.now(),
        synthesizer=synthesizer,
        docs_html=render_docs(
            spec.document,
            openapi_json_url=f"{base}/openapi.json",
            openapi_yaml_url=f"{base}/openapi.yaml",
        ),
        openapi_json=orjson.dumps(spec.document),
    )


async def preload(services: Services) -> None:
    """Track the dataset's videos, each placed ``added_days_ago`` before the start."""
    for seed in services.dataset.videos:
        organization = services.keyring.organizations[seed.organization]
        request = {
            "is_active": seed.is_active,
            "scrape_interval_hours": seed.scrape_interval_hours,
            "metadata": seed.metadata,
        }
        added_at = services.started_at - seed.added_days_ago * DAY
        identifier = video_id(organization.id, seed.post.platform, seed.post.external_id)
        video = new_video(identifier, seed.post, request, added_at, 0.0)
        await services.store.insert_video(organization.id, video, None)


def _is_bundled(path: Path) -> bool:
    bundled = default_spec_path()
    try:
        return path.resolve() == bundled.resolve() or path.read_bytes() == bundled.read_bytes()
    except OSError:
        return False


def _check_synthesizable(spec: Spec, synthesizer: Synthesizer) -> None:
    """Fail at start, not on a request, when an unhandled operation cannot be answered."""
    problems: list[str] = []
    for operation in spec.operations.values():
        if operation.operation_id in HANDLERS:
            continue
        success = operation.success
        for media_type, schema in success.content.items():
            where = f"{operation.method} {operation.path} {success.status} {media_type}"
            try:
                synthesizer.generate(schema, "start-up check", location=where)
            except SynthesisError as exc:
                problems.extend(exc.problems)
    if problems:
        raise StartupError(spec.path, problems)


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, store: Store | None = None
) -> MockApp:
    """The ASGI application for ``settings`` (defaults: the bundled document and keys).

    ``clock`` and ``store`` replace the real clock and the memory store (tests, time
    control, shared backends).
    """
    return app_for(build_services(settings or Settings(), clock=clock, store=store))


class MockApp:
    """The ASGI application: request ids, then CORS, then the pipeline.

    Pure ASGI, without a router in front: the pipeline routes from the document itself,
    so every request pays for routing once. ``state.services`` exposes what was built.
    """

    def __init__(self, services: Services) -> None:
        settings = services.settings
        self.state = SimpleNamespace(services=services)
        pipeline = Pipeline(
            services, HANDLERS, synthesized, EXPLAINERS, startup=lambda: preload(services)
        )
        methods = sorted({op.method for op in services.spec.operations.values()})
        cors = CORSMiddleware(
            pipeline,
            allow_origins=list(settings.cors_origins),
            allow_methods=methods,
            allow_headers=list(CORS_ALLOW_HEADERS),
            expose_headers=list(CORS_EXPOSE_HEADERS),
            max_age=600,
        )
        request_ids = RequestIdMiddleware(
            cors, pattern=services.spec.limits.request_id_pattern, seed=settings.seed
        )
        self._app = ServerErrorMiddleware(request_ids, handler=_internal_error)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def app_for(services: Services) -> MockApp:
    """The ASGI application around already-built services (tests reuse one build)."""
    return MockApp(services)


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Last resort (the pipeline catches its own): still a problem+json 500."""
    request_id: Any = request.scope.get("state", {}).get("request_id", "unknown")
    problem = Problem(500, "An unexpected error occurred; see the server log.")
    body = problem_body(problem, request.url.path, str(request_id))
    return Response(body, 500, media_type=PROBLEM_JSON, headers={"X-Request-ID": str(request_id)})
