"""Shared fixtures: one compiled build of the server, a fresh app per test.

Every response any test client receives is checked against ``openapi.yaml`` by the
same :class:`~mockserver.conformance.Conformance` the server's own
``--validate-responses`` uses; a departure fails the test that caused it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import app_for, build_services
from mockserver.clock import ManualClock
from mockserver.conformance import Conformance
from mockserver.context import Services
from mockserver.fixtures import EMPTY_DATASET
from mockserver.generation import ContentGenerator
from mockserver.settings import Settings
from mockserver.simulation import Simulator
from mockserver.store import MemoryStore
from tests.checks import conforms_to

NOW = datetime(2026, 6, 14, 9, 30, tzinfo=UTC)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


FULL = bearer("ca_test_full")
READONLY = bearer("ca_test_readonly")
INACTIVE = bearer("ca_test_inactive")
OTHER = bearer("ca_test_other")
RATELIMITED = bearer("ca_test_ratelimited")
QUOTA = bearer("ca_test_quota")


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
    base_services: Services, conformance: Conformance
) -> Iterator[Callable[..., MockClient]]:
    clients: list[MockClient] = []

    check = conforms_to(conformance)

    def make(**settings: Any) -> MockClient:
        clock = ManualClock(NOW)
        services = dataclasses.replace(
            base_services,
            settings=dataclasses.replace(base_services.settings, **settings),
            store=MemoryStore(),
            clock=clock,
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


@pytest.fixture
def client(make_client: Callable[..., MockClient]) -> MockClient:
    return make_client()
