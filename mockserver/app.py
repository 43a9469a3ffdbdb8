"""``create_app``: the document, the fixtures and the settings, assembled into an ASGI app.

Everything expensive happens here, once: the document is loaded and its validators
compiled, the keys read, the content pools built, the docs page rendered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from pathlib import Path
from types import SimpleNamespace

import orjson
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from mockserver.clock import Clock
from mockserver.context import Services
from mockserver.control import ControlPlane
from mockserver.docs import render_docs
from mockserver.errors import StartupError
from mockserver.fixtures import EMPTY_DATASET, load_dataset
from mockserver.generation import ContentGenerator
from mockserver.keys import load_keys
from mockserver.listing import Cursors
from mockserver.middleware.edge import Edge
from mockserver.middleware.request_id import RequestIds
from mockserver.pipeline import Pipeline
from mockserver.prefer import Steering
from mockserver.problems import PROBLEM_JSON, Problem, problem_body
from mockserver.resources import EXPLAINERS, HANDLERS, synthesized
from mockserver.resources.videos import new_video, video_id
from mockserver.responses import Outgoing
from mockserver.sessions import Sessions, conventions
from mockserver.settings import Settings, default_spec_path
from mockserver.simulation import Simulator
from mockserver.spec import Spec, load_spec
from mockserver.store import Backend, MemoryBackend, SessionControl, Store
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
    "X-Mock-Session",
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
    "Preference-Applied",
)


def build_services(
    settings: Settings, *, clock: Clock | None = None, backend: Backend | None = None
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
    mock = conventions(spec.document)
    backend = backend or store_backend(settings)
    return Services(
        settings=settings,
        spec=spec,
        keyring=keyring,
        sessions=Sessions(backend, mock),
        mock=mock,
        steering=Steering(spec, synthesizer, mock.max_delay_ms),
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


def with_backend(services: Services, backend: Backend) -> Services:
    """The same build on other state: tests and the pytest plugin reuse one build."""
    return dataclasses.replace(services, sessions=Sessions(backend, services.mock))


def memory_backend(settings: Settings) -> MemoryBackend:
    """The default backend: sessions in this process, starting with the run's faults."""
    return MemoryBackend(SessionControl(faults=settings.faults), settings.max_sessions)


def store_backend(settings: Settings) -> Backend:
    """The backend ``settings.store`` names: memory, or a Redis every replica shares."""
    if settings.store == "memory":
        return memory_backend(settings)
    from mockserver.store.redis import RedisBackend  # the redis package, only when chosen

    control = SessionControl(faults=settings.faults)
    return RedisBackend(settings.store, settings.store_prefix, control, settings.max_sessions)


async def preload(services: Services, store: Store) -> None:
    """Track the dataset's videos in a session's store, each placed ``added_days_ago``
    before the server's start."""
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
        await store.insert_video(organization.id, video, None)
    # Other replicas waiting on this session's claim go on now.
    await store.finish_preload()


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
    settings: Settings | None = None, *, clock: Clock | None = None, backend: Backend | None = None
) -> MockApp:
    """The ASGI application for ``settings`` (defaults: the bundled document and keys).

    ``clock`` and ``backend`` replace the real clock and the in-memory sessions (tests,
    time control, shared backends).
    """
    return app_for(build_services(settings or Settings(), clock=clock, backend=backend))


class MockApp:
    """The ASGI application: request ids, then CORS, then the pipeline.

    Pure ASGI, without a router in front: the pipeline routes from the document itself,
    so every request pays for routing once. ``state.services`` exposes what was built.
    """

    def __init__(self, services: Services) -> None:
        settings = services.settings
        self.state = SimpleNamespace(services=services)
        pipeline = Pipeline(
            services,
            HANDLERS,
            synthesized,
            EXPLAINERS,
            preload=lambda store: preload(services, store),
            control=ControlPlane(services),
            startup=services.sessions.backend.ping,
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
        ids = RequestIds(pattern=services.spec.limits.request_id_pattern, seed=settings.seed)
        self._app = Edge(pipeline, cors, ids)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        # uvicorn's send is a method of its per-request cycle, which holds the
        # connection's transport: a dropped-connection fault aborts it.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        scope.setdefault("state", {})["transport"] = transport
        try:
            await self._app(scope, receive, send)
        except Exception:
            # The last resort (the pipeline answers its own errors): a problem+json 500
            # unless the answer had begun, then the error goes on to the server's log,
            # as with Starlette's ServerErrorMiddleware, minus its per-request wrapper.
            with contextlib.suppress(Exception):
                await _internal_error(scope, send)
            raise


def app_for(services: Services) -> MockApp:
    """The ASGI application around already-built services (tests reuse one build)."""
    return MockApp(services)


async def _internal_error(scope: Scope, send: Send) -> None:
    """A problem+json 500 (fails when the response has already started)."""
    request_id = str(scope.get("state", {}).get("request_id", "unknown"))
    problem = Problem(500, "An unexpected error occurred; see the server log.")
    body = problem_body(problem, scope["path"], request_id)
    headers = {"X-Request-ID": request_id}
    await Outgoing(body, 500, headers=headers, media_type=PROBLEM_JSON)(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
