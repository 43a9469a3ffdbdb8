"""Shared fixtures: one compiled build of the server, a fresh app per test.

Every response any test client receives is checked against ``openapi.yaml`` by the
same :class:`~mockserver.conformance.Conformance` the server's own
``--validate-responses`` uses; a departure fails the test that caused it.

Every test that makes a client runs twice, once per store: ``memory`` and ``redis``
(a real redis-server the session starts on a free port; each client gets its own key
prefix, deleted after the test). ``@pytest.mark.store("memory")`` keeps a test that is
about one store to that store.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import app_for, build_services, memory_backend, with_backend
from mockserver.clock import ManualClock
from mockserver.conformance import Conformance
from mockserver.context import Services
from mockserver.fixtures import EMPTY_DATASET
from mockserver.generation import ContentGenerator
from mockserver.settings import Settings
from mockserver.simulation import Simulator
from mockserver.store import Backend, SessionControl
from mockserver.store.redis import RedisBackend
from tests.checks import conforms_to
from tests.redis_server import RedisServer, delete_prefix, running_redis

collect_ignore = ["sample_consumer"]  # its own project: run by tests/test_pytest_plugin.py
NOW = datetime(2026, 6, 14, 9, 30, tzinfo=UTC)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


FULL = bearer("ca_test_full")
READONLY = bearer("ca_test_readonly")
INACTIVE = bearer("ca_test_inactive")
OTHER = bearer("ca_test_other")
RATELIMITED = bearer("ca_test_ratelimited")
QUOTA = bearer("ca_test_quota")


STORES = ("memory", "redis")
_prefixes = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "store(*names): run only against these stores")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs ``store_kind`` (``make_client`` does) runs once per store."""
    if "store_kind" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("store")
    stores = marker.args if marker is not None else STORES
    metafunc.parametrize("store_kind", stores, scope="function")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the whole run, started when a test first needs it."""
    folder: Path = tmp_path_factory.mktemp("redis")
    with running_redis(folder) as server:
        yield server


class MockClient(TestClient):
    """A TestClient that knows its clock and app services."""

    clock: ManualClock
    services: Services


@pytest.fixture(scope="session")
def base_services() -> Services:
    # Built on the tests' clock, so the preloaded videos sit before NOW.
    return build_services(Settings(), clock=ManualClock(NOW))


@pytest.fixture(scope="session")
def conformance(base_services: Services) -> Conformance:
    return Conformance(base_services.spec)


@pytest.fixture
def make_client(
    base_services: Services,
    conformance: Conformance,
    store_kind: str,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., MockClient]]:
    clients: list[MockClient] = []
    prefixes: list[str] = []
    server: RedisServer | None = None
    if store_kind == "redis":
        server = request.getfixturevalue("redis_server")

    check = conforms_to(conformance)

    def backend(settings: Settings) -> Backend:
        if server is None:
            return memory_backend(settings)
        # Its own prefix: clients (and tests) never see each other's keys.
        prefix = f"test{next(_prefixes)}"
        prefixes.append(prefix)
        control = SessionControl(faults=settings.faults)
        return RedisBackend(server.url, prefix, control, settings.max_sessions)

    def make(**settings: Any) -> MockClient:
        clock = ManualClock(NOW)
        changed = dataclasses.replace(base_services.settings, **settings)
        services = with_backend(
            dataclasses.replace(base_services, settings=changed, clock=clock),
            backend(changed),
        )
        if settings.get("empty"):
            services = dataclasses.replace(services, dataset=EMPTY_DATASET)
        if "seed" in settings:
            generator = ContentGenerator(settings["seed"])
            simulator = Simulator(generator, services.settings.base_url, services.dataset.pins)
            services = dataclasses.replace(services, generator=generator, simulator=simulator)
        client = MockClient(app_for(services), raise_server_exceptions=True)
        client.event_hooks["response"] = [check]
        client.clock = clock
        client.services = services
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    if server is not None:
        for prefix in prefixes:
            delete_prefix(server, prefix)


@pytest.fixture
def client(make_client: Callable[..., MockClient]) -> MockClient:
    return make_client()
